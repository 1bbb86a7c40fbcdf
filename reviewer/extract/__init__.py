"""Extraction: find the parts of a report and build the typed Report from a Document."""

from __future__ import annotations

import re
from collections import Counter

from reviewer.document import Document, Paragraph, Table, row_place
from reviewer.extract.basic import read_basic_data
from reviewer.extract.forms import UNIT_LABELS, FormReader, coverage_of
from reviewer.extract.pairs import pair_facts, stated_grades
from reviewer.extract.money import money_tables
from reviewer.extract.narrative import narrative_facts, read_sections, read_signature
from reviewer.extract.parts import PART_NAMES, Part, arabic_years, segment, years_in_titles
from reviewer.report import Report, TableCoverage, TextSpan

# A year in the text; "2024年度" names a budget year, "2024年3月" is a date (of filing) and names none.
_YEAR = re.compile(r"(20\d{2})\s*年(度)?(?!\s*\d{1,2}\s*月)")
# What a report title says after the unit: "{单位}{年}年度…报告" or "{年}年{单位}…报告".
_TITLE_TAIL = (
    r"(?:部门|单位|机关)?(?:预算)?(?:整体支出|项目支出|整体|财政支出|预算)?(?:绩效|支出绩效)(?:的)?(?:自评|评价|自我评价|自评价|评估)"
)
# A submission letter's title says "关于上报…的报告", or "{单位}关于{年}年度…的报告": the verbs are not part of the unit.
_VERB = r"(?:上报|报送|呈报|提交|报请)?"
# "（本级）", "(机关本级)" after a unit's name qualify it; the name is what comes before.
_OWN_LEVEL = r"(?:[(（](?:机关)?(?:本级|本部)[)）])?"
_UNIT_AFTER_YEAR = re.compile(rf"^(?:关于)?{_VERB}20\d{{2}}年度?(.{{2,30}}?){_OWN_LEVEL}{_TITLE_TAIL}")
_UNIT_BEFORE_YEAR = re.compile(
    rf"^(?:关于)?{_VERB}(.{{2,30}}?){_OWN_LEVEL}(?:关于)?{_VERB}(?:开展|完成|组织)?20\d{{2}}年度?.{{0,12}}?{_TITLE_TAIL}"
)
# A title that names no unit ("2024年度部门整体支出绩效自评报告"): the unit may stand on the line under it.
_TITLE_ONLY = re.compile(rf"^20\d{{2}}年度?{_TITLE_TAIL}")
# A title's line that is no part of it: "附件4", "附表二", a date under a cover's title.
_NOT_IN_TITLE = re.compile(r"^(?:附[件表录]\s*[\d一二三四五六七八九十]*[:：]?|\d{4}年\d{1,2}月(?:\d{1,2}日)?)$")
# A unit name is a name: no sentence punctuation, quotes or clause words.
_NOT_A_NAME = re.compile(r"[，,。；;：:《》“”\"！？、]|根据|要求|通知|我单位|现将|如下")
# A cover page's label line: "部门（单位）名称：青山县林业局", "填报单位：…".
_UNIT_LABEL_LINE = re.compile(
    r"^(?:部门[（(]单位[)）]名称|单位名称|部门名称|预算部门|填报单位|评价单位|报送单位|编制单位|单位)(?:[（(]盖章[)）])?[:：]([^\s:：（(]+)(?:[（(]盖章[)）])?(?:\s|$)"
)
_SPACES = re.compile(r"\s+")
_TABS_AND_SPACES = re.compile(r"[ \t]+")
_COLON = re.compile("[:：]")
_OWN_NAME_TAIL = re.compile(r"[(（](?:机关)?(?:本级|本部|盖章)[)）]$")
_UNIT_END = ("局", "委", "办", "院", "馆", "站", "所", "中心", "政府", "会", "部", "处", "室", "队", "校", "学", "厅", "园", "社", "协会", "公司", "委员会", "办公室", "管理处", "服务中心")

TEMPLATE_HUNAN = "湖南格式（附件一基础数据表、附件二部门整体支出绩效自评表、附件三项目支出绩效自评表、附件四自评报告）"
TEMPLATE_NARRATIVE = "文字报告（无自评表）"
TEMPLATE_UNKNOWN = "未识别"


def extract(document: Document) -> Report:
    """Build the Report of a document."""
    parts = segment(document)
    year = _report_year(parts, document)
    report = Report(
        path=document.path, sha256=document.sha256, format=document.format, year=year, reader_warnings=list(document.warnings)
    )
    for part in parts:
        where = part.label
        if part.kind == "basic":
            data, facts = read_basic_data(part, year)
            report.basic_data = data
            report.facts.extend(facts)
        elif part.kind in ("department", "project"):
            reader = FormReader(part, part.kind, year)
            evaluation, facts, coverage, money = reader.read()
            report.grades.extend(reader.grades)
            report.evaluations.append(evaluation)
            report.facts.extend(facts)
            report.coverage.extend(coverage)
            report.money_tables.extend(money)
            where = evaluation.display
        elif part.kind == "narrative":
            paragraphs = [b for b in part.blocks if isinstance(b, Paragraph) and not read_signature(b, "")]
            sections = read_sections(paragraphs, part.label)
            report.sections.extend(sections)
            report.facts.extend(narrative_facts(sections, year))
        if part.kind == "basic":
            # A 基础数据表 whose amount columns were not found had none of its figures read: say so.
            unread = report.basic_data is not None and not report.basic_data.columns
            report.coverage.extend(
                TableCoverage(
                    table=t.index, page=t.loc.page, part=part.label, read_as="基础数据表", loc=t.loc,
                    status="doubtful" if unread else "ok", problems=["未找到预算数、决算数等金额列"] if unread else [],
                )
                for t in part.tables
            )
        elif part.kind not in ("department", "project"):
            for table in part.tables:
                reading = part.reading(table)
                money, facts = money_tables(reading, part.label or "正文", year)
                report.money_tables.extend(money)
                report.facts.extend(facts)
                report.facts.extend(pair_facts(reading.pairs, part.label or "正文", year))
                report.grades.extend(stated_grades(reading, part.label or "正文", year))
                report.coverage.append(coverage_of(reading, part.label or "正文"))
        for block in part.blocks:
            if isinstance(block, Paragraph):
                sig = read_signature(block, f"{where} 表下签署栏" if part.kind != "narrative" else where)
                if sig:
                    report.signatures.append(sig)
    report.texts = _texts(document, parts, report)
    report.unit = _unit(report, parts)
    report.template = _template(parts, report)
    return report


def _report_year(parts: list[Part], document: Document) -> int | None:
    years = years_in_titles(parts)
    if not years:
        # No dated title: the year most often named in the first blocks' text.
        for block in document.blocks[:40]:
            texts = [block.text] if isinstance(block, Paragraph) else [c.text for row in block.rows for c in row]
            for text in texts:
                for year, budget_year in _YEAR.findall(arabic_years(text)):
                    years.extend([int(year)] * (2 if budget_year else 1))
    return Counter(years).most_common(1)[0][0] if years else None


def _unit(report: Report, parts: list[Part]) -> str | None:
    """The reporting unit, from the most explicit statement down.

    The department form's name; a cover or form line naming the filer
    (部门（单位）名称：…, 单位名称（盖章）：…, 填报单位：…); a unit label on a form
    (单位名称, 实施单位, 主管部门 …); else the report's title.
    """
    dept = report.department
    if dept and dept.name and _is_name(dept.name):
        return dept.name
    for part in parts:
        for p in part.paragraphs[:40]:
            m = _UNIT_LABEL_LINE.match(_TABS_AND_SPACES.sub("", p.text))
            if m and _is_name(m.group(1)):
                return m.group(1)
    if unit := _unit_on_cover_table(parts):
        return unit
    for label in UNIT_LABELS:
        for evaluation in report.evaluations:
            value = evaluation.units.get(label, "")
            if _is_name(value):
                return _SPACES.sub("", value)
    return _unit_in_titles(parts)


def _unit_on_cover_table(parts: list[Part]) -> str | None:
    """The unit a cover page names in a table outside the forms: "单位名称（盖章）：…" in a cell, or a label cell and its value."""
    for part in parts:
        if part.kind in ("department", "project"):
            continue
        for table in part.tables[:3]:
            for row in table.rows[:12]:
                texts = [_SPACES.sub("", cell.text) for cell in row]
                for i, text in enumerate(texts):
                    after = texts[i + 1] if i + 1 < len(texts) and not _COLON.search(text) else ""
                    m = _UNIT_LABEL_LINE.match(f"{text}：{after}" if after else text)
                    if m and _is_name(m.group(1)):
                        return m.group(1)
    return None


def _title_lines(parts: list[Part]) -> list[str]:
    """Title lines in document order: each part's title and first paragraphs (a cover's title may span lines)."""
    lines: list[str] = []
    for part in parts:
        # A title's first line ("青山县农业局") may stand before the part its second line opens.
        lines.extend(_SPACES.sub("", t) for t in [part.title] * bool(part.title) + [p.text for p in part.paragraphs[:6]])
    return [t for t in lines if t and not _NOT_IN_TITLE.match(t)]


def _unit_in_titles(parts: list[Part]) -> str | None:
    """The unit the report's title names, the title read over up to three lines, or on the line under it.

    Each line is read with the lines after it ("关于南岭市" + "农业农村局2024年度…的报告";
    "南岭县农业农村局" + "2024年度部门整体" + "支出绩效自评报告"), so a name is never
    cut at a line break; an attachment label or a date is no line of a title.
    A cover's title that names no unit is followed by it on a line of its own.
    """
    lines = _title_lines(parts)
    for i, line in enumerate(lines):
        for k in (1, 2, 3):
            if i + k <= len(lines) and (unit := unit_in_title("".join(lines[i : i + k]))):
                return unit
        if _TITLE_ONLY.search(line) and i + 1 < len(lines) and _is_name(_own_name(lines[i + 1])):
            return _own_name(lines[i + 1])
    return None


def unit_in_title(title: str) -> str | None:
    """The unit a report title names, in either order ("{单位}{年}年度…报告", "{年}年{单位}…报告"), or None."""
    text = arabic_years(_SPACES.sub("", title))
    if len(text) > 60:
        return None
    for pattern in (_UNIT_AFTER_YEAR, _UNIT_BEFORE_YEAR):
        m = pattern.search(text)
        if m and _is_name(m.group(1)):
            return m.group(1)
    return None


def _own_name(line: str) -> str:
    """A line naming a unit, without its "（本级）" or "（盖章）"."""
    return _OWN_NAME_TAIL.sub("", line)


def _is_name(text: str) -> bool:
    """A plausible unit name: short, no sentence punctuation, ends like an organisation."""
    t = _SPACES.sub("", text)
    return 2 <= len(t) <= 30 and not _NOT_A_NAME.search(t) and t.endswith(_UNIT_END)


def _template(parts: list[Part], report: Report) -> str:
    kinds = {p.kind for p in parts}
    attachments = {p.attachment for p in parts if p.attachment}
    if report.basic_data is not None and "department" in kinds and len(attachments) >= 2:
        return TEMPLATE_HUNAN
    if kinds & {"department", "project", "basic"}:
        # Other layouts are named by the parts they contain, in document order.
        present = list(dict.fromkeys(PART_NAMES[p.kind] for p in parts if p.kind in ("basic", "department", "project", "narrative")))
        return f"分表格式（{'、'.join(present)}）"
    if report.sections:
        return TEMPLATE_NARRATIVE
    return TEMPLATE_UNKNOWN


def _texts(document: Document, parts: list[Part], report: Report) -> list[TextSpan]:
    """Every non-empty paragraph and cell, labelled with its part (and section, in the narrative)."""
    in_sections = {p.loc.block: p.loc.label for s in report.sections for p in s.paragraphs}
    in_sections.update({s.loc.block: f"{s.loc.label}标题" for s in report.sections if s.title})  # a lead section has no title line
    spans: list[TextSpan] = []
    for part in parts:
        name = part.label
        in_table = name or "表格"
        for block in part.blocks:
            if isinstance(block, Paragraph):
                label = in_sections.get(block.loc.block) or f"{name or '正文'} 第{block.loc.block + 1}段"
                spans.append(TextSpan(text=block.text, loc=block.loc.with_label(label)))
            elif isinstance(block, Table):
                for row in block.rows:
                    for cell in row:
                        if cell.text.strip():
                            label = f"{in_table} {row_place(cell.loc)}第{cell.col + 1}列"
                            spans.append(TextSpan(text=cell.text, loc=cell.loc.with_label(label)))
    return spans
