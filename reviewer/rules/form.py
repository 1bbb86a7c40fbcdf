"""TEXT: completeness and form of the report (完整性与格式)."""

from __future__ import annotations

import re
from collections import defaultdict

from reviewer.extract import TEMPLATE_HUNAN
from reviewer.extract.narrative import STANDARD_SECTIONS
from reviewer.finding import Evidence
from reviewer.report import Evaluation, Report
from reviewer.rules import Context, rule
from reviewer.rules.targets import assess

RESIDUE = re.compile(
    r"[×xX]{2,}|…{2,}|\.{6,}|（?每个专项一行）?|错误[!！]\s*未定义书签|(?<![\d\s])\s*年\s+月\s+日|此处填写|请填写|\[填写"
)
STRAY_LETTER = re.compile(r"^\s*[一二三四五六七八九十]+、[^\s]{2,30}\s+[xX×]\s*$")
_NOTHING = {"无", "暂无", "无。", "没有", "不存在问题"}
_PLACE_SUFFIX = re.compile(r"\s*第\d+(段|行第\d+列|行)$")
_CROSSES = re.compile(r"[×xX]+")
_DOTS = re.compile(r"[….]+")
_SPACES = re.compile(r"\s+")
_YEAR = re.compile(r"20\d{2}")
_PUNCTUATION_AND_SPACE = re.compile(r"[\s，。、；：,.;:]")


def _may_hold_residue(text: str) -> bool:
    """Whether ``text`` holds what every RESIDUE match holds (one of ×xX, ……, ......, 每个专项一行, 错误, 月, 填写).

    Most texts (figures, names) hold none of them and are not searched: the
    search costs more than these tests, once for each of thousands of cells.
    """
    return ("×" in text or "x" in text or "X" in text or "……" in text or "......" in text or "每个专项一行" in text
            or "错误" in text or "月" in text or "填写" in text)


def _residue_kind(text: str) -> str:
    """The residue as one kind: any run of × / x is "××", of … or dots "……", else the text itself."""
    t = text.strip()
    if _CROSSES.fullmatch(t):
        return "××"
    if _DOTS.fullmatch(t):
        return "……"
    return _SPACES.sub(" ", t)


@rule("TEXT001", "warning", "form", "模板残留文字（××、……、每个专项一行、空白年月日）")
def template_residue(report: Report, ctx: Context):
    """Text left over from the template shows the form was not finished.

    Example: "××单位", "（每个专项一行）", "年  月  日", a heading ending in a
    stray "x" → warning.
    """
    # One finding per kind of residue in one place (a section, or a table part): three "××" lines
    # of one list are one problem with three locations.
    residues: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for span in report.texts:
        if not _may_hold_residue(span.text):
            continue
        for m in RESIDUE.finditer(span.text):
            place = _PLACE_SUFFIX.sub("", span.loc.label).strip() or span.loc.label
            evidence = Evidence(quote=m.group(0), loc=span.loc.with_span(m.start(), m.end()))
            residues[(_residue_kind(m.group(0)), place)].append(evidence)
    for (kind, place), evidence in residues.items():
        count = f"（共{len(evidence)}处）" if len(evidence) > 1 else ""
        yield ctx.finding(f"{place}存在模板残留“{kind}”{count}", evidence, suggestion="删除模板提示文字，填写实际内容。")
    for span in report.texts:
        if "、" in span.text and STRAY_LETTER.match(span.text):  # the pattern's 、: most texts are not matched at all
            letter = span.text.strip()[-1]
            pos = span.text.rstrip().rfind(letter)
            yield ctx.finding(
                f"{span.loc.label}“{span.text.strip()}”末尾有多余字符“{letter}”",
                [Evidence(quote=span.text.strip(), loc=span.loc.with_span(pos, pos + 1))],
                suggestion="删除多余字符。",
            )


@rule("TEXT002", "warning", "form", "填表人、填报日期或联系电话空白，或日期未写年份")
def signature_complete(report: Report, ctx: Context):
    """A form's signature line fills in what it names: 填表人 (填报人), 填报日期 (with the year) and 联系电话.

    A date without a year cannot be told apart from last year's submission.
    A field the line does not name is another province's form (signed by
    项目负责人 and 财务负责人, say), not a blank.

    Example: "填报日期：6月19日" → warning; "填表人：　联系电话：…" → warning.
    """
    problems: dict[str, list[Evidence]] = defaultdict(list)
    for sig in report.signatures:
        for name, span in ((sig.filler_label, sig.filler), ("填报日期", sig.date), ("联系电话", sig.phone)):
            if span is not None and not span.text.strip():
                problems[f"{name}空白"].append(Evidence(quote=name, loc=sig.loc))
        if sig.date and sig.date.text.strip() and not _YEAR.search(sig.date.text):
            problems["填报日期未写年份"].append(Evidence(quote=sig.date.text, loc=sig.date.loc))
    for problem, evidence in sorted(problems.items()):
        where = "、".join(dict.fromkeys(e.loc.label for e in evidence if e.loc and e.loc.label))  # document order
        yield ctx.finding(
            f"{problem}（共{len(evidence)}处：{where}）",
            evidence,
            suggestion="补全填表人、带年份的填报日期和联系电话。",
        )


@rule("TEXT003", "warning", "form", "自评报告缺少规定的部分")
def standard_sections(report: Report, ctx: Context):
    """The Hunan template's narrative has ten parts (一、部门基本情况 … 十、其他需要说明的情况).

    Checked only for reports that follow that template.

    Example: no "七、存在的问题及原因分析" → one warning listing every missing part.
    """
    if report.template != TEMPLATE_HUNAN or not report.sections:
        return
    titles = [_SPACES.sub("", s.title) for s in report.sections if s.level == 1]
    missing = [
        std
        for std in STANDARD_SECTIONS
        if not any(std.replace("情况", "").replace("及", "")[:6] in t or std in t for t in titles)
    ]
    if missing:
        yield ctx.finding(
            f"自评报告缺少{len(missing)}个规定部分：{'、'.join(missing)}",
            [Evidence(quote="", loc=report.sections[0].loc)],
            suggestion="按模板补充缺少的部分；确无内容的写明“无”。",
        )


@rule("TEXT004", "warning", "form", "报告称“无问题”，但有未完成指标或执行率偏低")
def no_problems_claimed(report: Report, ctx: Context):
    """"存在的问题: 无" is not credible while targets were missed or money was left unspent.

    Example: 执行率 81.06%, section "四、存在的问题和建议 无" → warning.
    """
    sections = [s for s in report.sections if s.level == 1 and "问题" in s.title]
    if not sections:
        return
    section = sections[0]
    body = _SPACES.sub("", section.text)
    if body not in _NOTHING and body:
        return
    reasons = []
    low = ctx.settings.low_execution_rate
    for e in report.evaluations:
        total = e.funds.total if e.funds else None
        rate = total.cells.get("rate") if total else None
        if rate and rate.quantity.value is not None and rate.quantity.value < low:
            reasons.append(f"{e.display}执行率{rate.quantity.raw.strip()}")
        if e.indicators:
            missed = [i for i in e.indicators.indicators if (a := assess(i)) is not None and not a.met]
            if missed:
                reasons.append(f"{e.display}有{len(missed)}项指标未完成")
    if reasons:
        loc = section.paragraphs[0].loc if section.paragraphs else section.loc
        yield ctx.finding(
            f"“{section.number}{section.title}”写“{body or '（空白）'}”，但{'；'.join(reasons)}",
            [Evidence(quote=body or section.title, loc=loc)],
            suggestion="如实分析未完成指标和预算执行偏低的原因。",
        )


@rule("TEXT005", "warning", "form", "报告中有整段重复的文字")
def repeated_paragraphs(report: Report, ctx: Context):
    """Paragraphs repeated verbatim usually come from copy-paste.

    Example: the same 40-character paragraph under 六、 and 八、 → warning.
    """
    seen: dict[str, Evidence] = {}
    for section in report.sections:
        for p in section.paragraphs:
            key = _PUNCTUATION_AND_SPACE.sub("", p.text)
            if len(key) < 30:
                continue
            if key in seen:
                yield ctx.finding(
                    f"{p.loc.label}与{seen[key].loc.label}内容完全相同",
                    [Evidence(quote=p.text, loc=p.loc), seen[key]],
                    suggestion="删除重复段落，或写出各自的内容。",
                )
            else:
                seen[key] = Evidence(quote=p.text, loc=p.loc)


@rule("TEXT006", "info", "form", "基础数据表明细序号不连续")
def item_numbering(report: Report, ctx: Context):
    """Enumerated items run 1、2、3…; a gap means a line was deleted or misnumbered.

    Example: 三公经费 items numbered 1、2、4 → info.
    """
    data = report.basic_data
    if data is None:
        return
    for i, group in enumerate(data.lines):
        items = [ln for ln in data.lines if ln.parent == i and ln.kind == "item" and ln.number is not None]
        numbers = [ln.number for ln in items]
        if numbers and numbers != list(range(1, len(numbers) + 1)):
            yield ctx.finding(
                f"{group.label}的明细序号为{'、'.join(map(str, numbers))}，不连续",
                [Evidence(quote=ln.raw_label, loc=ln.loc) for ln in items],
                suggestion="核对是否漏列项目或序号有误。",
            )


@rule("TEXT007", "warning", "form", "未识别出绩效自评报告的表格或章节")
def nothing_recognised(report: Report, ctx: Context):
    """A file with no recognisable form or section was not really reviewed.

    Without this, an unrelated document (or a layout the tool cannot read)
    would come back as "no findings", which a reviewer would take as a pass.

    When the file holds money tables (收支表 by unit or source), their totals
    were still checked, and the warning says so.

    The same holds for a form whose title was found with no table at all in
    the file (its tables lost in a conversion, or columns aligned with
    spaces instead of cells): the form is named, and said not to be checked.

    Example: a pasted notice with no 基础数据表, no 绩效自评表 and no numbered
    report sections → warning.
    """
    if report.evaluations and not report.coverage and not report.basic_data:
        forms = "、".join(dict.fromkeys(e.display for e in report.evaluations))
        yield ctx.finding(
            f"识别出{forms}的标题，但文件中没有读到任何表格，表中的资金、指标和得分都未做检查："
            "可能表格在转换中丢失，或各列用空格对齐而不是表格",
            [_title_evidence(report, e) for e in report.evaluations[:3]],
            suggestion="提供原始 Word/Excel 文件，或用制表符分隔各列后重新粘贴；用 reviewer extract 查看识别结果。",
        )
        return
    if report.basic_data or report.evaluations or report.sections:
        return
    first = report.texts[0] if report.texts else None
    # A lone 收支表 still has its totals checked: "未做实质审阅" beside those findings would be untrue.
    reviewed = "只核对了其中收支表格的合计" if report.money_tables else "本次未做实质审阅"
    yield ctx.finding(
        f"文件中没有识别出基础数据表、部门整体支出或项目支出绩效自评表，也没有自评报告章节：可能不是绩效自评报告，或版式无法识别，{reviewed}",
        [Evidence(quote=first.text[:40], loc=first.loc)] if first else [],
        suggestion="确认文件内容；如是扫描件或图片，请提供 Word 版本；用 reviewer extract 查看识别结果。",
    )


def _title_evidence(report: Report, evaluation: Evaluation) -> Evidence:
    """A form's title where the narrative holds it (the form's own place when no paragraph does)."""
    span = next((t for t in report.texts if evaluation.title and evaluation.title in t.text), None)
    return Evidence(quote=evaluation.title, loc=span.loc) if span else Evidence(quote="", loc=evaluation.loc)
