"""A narrative written in markdown ("## 三、存在问题", "### （一）…", "**（二）…**") has its sections read.

Sections decide several checks (the template's parts, "问题：无" while a
target was missed, repeated paragraphs, the narrative's figures): a report
sent as markdown, or pasted from a markdown editor beside Word's or Excel's
tables, must give the sections and findings the same text without marks gives.
"""

from __future__ import annotations

import re

import pytest

from reviewer.extract import extract
from reviewer.ingest import load_bytes
from reviewer.rules import run_rules
from tests.reports import full_narrative, word_rows

# A project form whose 验收合格率 missed its target (and says why), then a narrative whose problems section says 无.
FORM_ROWS = [
    ["项目名称", "村道硬化", "", "", "", "", "", ""],
    ["实施单位", "清水县交通运输局", "", "", "", "", "", ""],
    ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""],
    ["年度资金总额", "80", "80", "80", "10", "100%", "10", ""],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标", "数量指标", "硬化村道", "≥12公里", "12公里", "30", "30", ""],
    ["产出指标", "质量指标", "验收合格率", "≥98%", "95%", "20", "18", "两段路面返工"],
    ["效益指标", "社会效益指标", "受益群众", "≥3000人", "3200人", "30", "30", ""],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "94%", "10", "10", ""],
    ["总分", "", "", "", "", "100", "98", ""],
]
NARRATIVE = [
    ("一、项目基本情况", "村道硬化项目全年预算80万元，全部用于路面硬化。"),
    ("二、绩效目标完成情况", None),
    ("（一）产出情况", "全年硬化村道12公里。"),
    ("（二）效益情况", "受益群众3200人。"),
    ("三、存在的问题及改进措施", "无。"),
]


def as_markdown(heading_marks: tuple[str, str] = ("## ", "### "), bold: bool = False) -> str:
    table = ["| " + " | ".join(FORM_ROWS[0]) + " |", "|" + "---|" * len(FORM_ROWS[0])]
    table += ["| " + " | ".join(r) + " |" for r in FORM_ROWS[1:]]
    out = ["# 2024年度项目支出绩效自评表", "", *table, "", "# 2024年度村道硬化项目支出绩效自评报告", ""]
    for title, body in NARRATIVE:
        mark = heading_marks[0] if not title.startswith("（") else heading_marks[1]
        out += [f"**{title}**" if bold and title.startswith("（") else f"{mark}{title}", ""]
        out += [body, ""] if body else []
    return "\n".join(out) + "\n"


def as_word_text(marks: bool) -> str:
    """Word's cell-per-line export; ``marks``: the narrative pasted from a markdown editor with its ## marks."""
    out = "2024年度项目支出绩效自评表\n" + word_rows(FORM_ROWS) + "\n" + "2024年度村道硬化项目支出绩效自评报告\n\n"
    for title, body in NARRATIVE:
        level = "### " if title.startswith("（") else "## "
        out += f"{level if marks else ''}{title}\n\n" + (f"{body}\n\n" if body else "")
    return out


def review(text: str, suffix: str):
    report = extract(load_bytes(text.encode("utf-8"), f"report{suffix}", suffix))
    return report, sorted(f.rule for f in run_rules(report))


def sections(report) -> list[tuple[str, int, list[str]]]:
    return [(s.number + s.title, s.level, [p.text for p in s.paragraphs]) for s in report.sections]


PLAIN, PLAIN_CODES = review(as_word_text(marks=False), ".txt")


def test_the_plain_report_reads_its_sections_and_doubts_the_problems_section():
    assert [s[0] for s in sections(PLAIN)] == ["一、项目基本情况", "二、绩效目标完成情况", "（一）产出情况", "（二）效益情况", "三、存在的问题及改进措施"]
    assert "TEXT004" in PLAIN_CODES


@pytest.mark.parametrize(
    ("text", "suffix"),
    [
        (as_markdown(), ".md"),
        (as_markdown(("# ", "## ")), ".md"),
        (as_markdown(("##", "###")), ".md"),
        (as_markdown(bold=True), ".md"),
        (as_markdown(), ".txt"),
        (as_word_text(marks=True), ".txt"),
    ],
    ids=["md", "md-h1", "md-no-space", "md-bold-sub", "md-as-txt", "word-with-marks"],
)
def test_markdown_headings_give_the_same_sections_and_findings(text, suffix):
    report, found = review(text, suffix)
    assert sections(report) == sections(PLAIN)
    assert found == PLAIN_CODES


def test_a_narrative_only_markdown_report_is_read_as_a_report():
    text = full_narrative()
    marked = "\n".join(("## " + line if re.match(r"^[一二三四五六七八九十]+、", line) else line) for line in text.split("\n"))
    report, found = review("# " + marked.replace("附件四\n\n", ""), ".md")
    assert report.unit == "青溪县测试局" and report.year == 2024
    assert len([s for s in report.sections if s.level == 1]) == 10
    assert found == []


def test_a_heading_mark_needs_its_space_outside_markdown():
    report, _ = review("2024年度清水县水利局整体支出绩效自评报告\n\n一、基本情况\n\n#1泵站全年运行。\n", ".txt")
    assert report.sections[0].paragraphs[0].text == "#1泵站全年运行。"


def test_markdown_marks_typed_into_a_word_document(tmp_path):
    import docx

    from reviewer.ingest import load

    document = docx.Document()
    document.add_paragraph("2024年度项目支出绩效自评表")
    grid = document.add_table(rows=len(FORM_ROWS), cols=len(FORM_ROWS[0]))
    for r, row in enumerate(FORM_ROWS):
        for c, text in enumerate(row):
            grid.cell(r, c).text = text
    document.add_paragraph("2024年度村道硬化项目支出绩效自评报告")
    for title, body in NARRATIVE:
        document.add_paragraph(f"**{title}**" if title.startswith("（") else f"## {title}")
        if body:
            document.add_paragraph(body)
    document.save(tmp_path / "report.docx")
    report = extract(load(tmp_path / "report.docx"))
    assert sections(report) == sections(PLAIN)
    assert sorted(f.rule for f in run_rules(report)) == PLAIN_CODES
