"""Extraction: find the parts of a report and build the typed Report from a Document."""

from __future__ import annotations

import re
from collections import Counter

from reviewer.document import Document, Paragraph, Table
from reviewer.extract.basic import read_basic_data
from reviewer.extract.forms import read_evaluation
from reviewer.extract.narrative import narrative_facts, read_sections, read_signature
from reviewer.extract.parts import PART_NAMES, Part, segment, years_in_titles
from reviewer.report import Report, TextSpan

_YEAR = re.compile(r"(20\d{2})\s*年")
_UNIT_IN_TITLE = re.compile(r"20\d{2}\s*年度?\s*(.+?)\s*(?:部门)?整体支出绩效")

TEMPLATE_HUNAN = "湖南格式（附件一基础数据表、附件二部门整体支出绩效自评表、附件三项目支出绩效自评表、附件四自评报告）"
TEMPLATE_UNKNOWN = "未识别"


def extract(document: Document) -> Report:
    """Build the Report of a document."""
    parts = segment(document)
    year = _report_year(parts, document)
    report = Report(path=document.path, sha256=document.sha256, format=document.format, year=year)
    for part in parts:
        where = part.label
        if part.kind == "basic":
            data, facts = read_basic_data(part, year)
            report.basic_data = data
            report.facts.extend(facts)
        elif part.kind in ("department", "project"):
            evaluation, facts = read_evaluation(part, part.kind, year)
            report.evaluations.append(evaluation)
            report.facts.extend(facts)
            where = evaluation.display
        elif part.kind == "narrative":
            paragraphs = [b for b in part.blocks if isinstance(b, Paragraph) and not read_signature(b, "")]
            sections = read_sections(paragraphs, part.label)
            report.sections.extend(sections)
            report.facts.extend(narrative_facts(sections, year))
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
            years.extend(int(y) for t in texts for y in _YEAR.findall(t))
    return Counter(years).most_common(1)[0][0] if years else None


def _unit(report: Report, parts: list[Part]) -> str | None:
    dept = report.department
    if dept and dept.name:
        return dept.name
    for part in parts:
        if part.kind == "narrative":
            for p in part.paragraphs[:6]:
                if m := _UNIT_IN_TITLE.search(re.sub(r"\s+", "", p.text)):
                    return m.group(1)
    for part in parts:
        for table in part.tables:
            for row in table.rows[:4]:
                texts = [c.text.strip() for c in row]
                for i, t in enumerate(texts[:-1]):
                    if t in ("实施单位", "部门名称", "单位名称") and texts[i + 1]:
                        return texts[i + 1]
    return None


def _template(parts: list[Part], report: Report) -> str:
    kinds = {p.kind for p in parts}
    attachments = {p.attachment for p in parts if p.attachment}
    if report.basic_data is not None and "department" in kinds and len(attachments) >= 2:
        return TEMPLATE_HUNAN
    if kinds & {"department", "project"}:
        # Other layouts are named by the parts they contain, in document order.
        present = list(dict.fromkeys(PART_NAMES[p.kind] for p in parts if p.kind in ("basic", "department", "project", "narrative")))
        return f"分表格式（{'、'.join(present)}）"
    return TEMPLATE_UNKNOWN


def _texts(document: Document, parts: list[Part], report: Report) -> list[TextSpan]:
    """Every non-empty paragraph and cell, labelled with its part (and section, in the narrative)."""
    in_sections = {p.loc.block: p.loc.label for s in report.sections for p in s.paragraphs}
    in_sections.update({s.loc.block: f"{s.loc.label}标题" for s in report.sections})
    spans: list[TextSpan] = []
    for part in parts:
        for block in part.blocks:
            if isinstance(block, Paragraph):
                label = in_sections.get(block.loc.block) or f"{part.label or '正文'} 第{block.loc.block + 1}段"
                spans.append(TextSpan(text=block.text, loc=block.loc.with_label(label)))
            elif isinstance(block, Table):
                for row in block.rows:
                    for cell in row:
                        if cell.text.strip():
                            label = f"{part.label or '表格'} 第{cell.row + 1}行第{cell.col + 1}列"
                            spans.append(TextSpan(text=cell.text, loc=cell.loc.with_label(label)))
    return spans
