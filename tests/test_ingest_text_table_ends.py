"""Where a pasted table ends when only one blank line follows it (Word leaves two).

Each report below is two forms, or a form and narrative, written the way a
hand-edited Word text export, an Excel paste or a markdown page gives them.
The one planted fault is 清淤河道's target missed with full marks and no
reason (SCORE007 + SCORE009); two forms read as one table would add false
sums, so nothing else may be reported. When the reader cannot tell a
cell's text from a title between two tables, it says so (READ002).
"""

from __future__ import annotations

import pytest

from reviewer.extract import extract
from reviewer.ingest import load_bytes
from reviewer.rules import run_rules

PLANTED = ["SCORE007", "SCORE009"]

RIVER = [
    ["项目名称", "河道清淤"],
    ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额", "40", "40", "40", "10", "100%", "10"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标", "数量指标", "清淤河道", "≥12公里", "10公里", "50", "50", ""],
    ["效益指标", "生态效益指标", "水质达标率", "≥95%", "96%", "30", "30", ""],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "93%", "10", "10", ""],
    ["总分", "", "", "", "", "100", "100", ""],
]
# A second form with consistent figures: its rows added to the first form's would break every sum.
WELLS = [
    ["项目名称", "农村供水"],
    ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额", "25", "25", "25", "10", "100%", "10"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标", "数量指标", "新建水井", "≥8口", "8口", "50", "50", ""],
    ["效益指标", "社会效益指标", "受益群众", "≥3000人", "3100人", "30", "30", ""],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "95%", "10", "10", ""],
    ["总分", "", "", "", "", "100", "100", ""],
]
DEPARTMENT = [["预算部门、单位名称", "北岸县水利局"], *WELLS[1:]]
FORM_TITLE = "项目支出绩效自评表（2024年度）"
NARRATIVE = ["一、项目基本情况", "河道清淤项目由北岸县水利局实施。", "二、存在的问题", "清淤里程未达到年初目标。"]


def word_rows(rows: list[list[str]]) -> list[str]:
    """A table as Word's text export writes it, with a blank line after each row but none after the table."""
    lines: list[str] = []
    for row in rows:
        lines += ["\t" + cell for cell in row] + [""]
    return lines[:-1]


def review(text: str, suffix: str = ".txt"):
    document = load_bytes(text.encode("utf-8"), "粘贴" + suffix, suffix)
    report = extract(document)
    return document, report, sorted(f.rule for f in run_rules(report))


def join(*parts: list[str]) -> str:
    return "\n".join(line for part in parts for line in part) + "\n"


@pytest.mark.parametrize(
    "between",
    [[""], ["", "附件二"], ["", "附件二", ""]],
    ids=["title-right-after-one-blank", "caption-then-title", "caption-between-single-blanks"],
)
def test_the_next_form_after_one_blank_line_is_a_table_of_its_own(between):
    text = join([FORM_TITLE], word_rows(RIVER), between, [FORM_TITLE] if between != ["", "附件二", ""] else [],
                word_rows(WELLS), ["", ""], NARRATIVE)
    document, report, found = review(text)
    assert found == PLANTED
    assert len(document.tables) == 2
    assert [e.display.split("「")[-1] for e in report.evaluations] == ["河道清淤」", "农村供水」"]


def test_narrative_after_one_blank_line_is_text_and_the_table_is_read():
    document, _, found = review(join([FORM_TITLE], word_rows(RIVER), [""], NARRATIVE))
    assert found == PLANTED
    assert [p.text for p in document.paragraphs] == [FORM_TITLE, *NARRATIVE]


def test_narrative_as_separate_paragraphs_after_one_blank_line():
    spaced = [line for text in NARRATIVE for line in (text, "")]
    document, _, found = review(join([FORM_TITLE], word_rows(RIVER), [""], spaced))
    assert found == PLANTED
    assert [p.text for p in document.paragraphs] == [FORM_TITLE, *NARRATIVE]


def test_a_caption_that_may_be_a_cell_is_read_as_text_between_tables_and_said():
    # A department form after the project form: nothing in the file says how it ends its tables.
    text = join([FORM_TITLE], word_rows(RIVER), ["", "附件2 部门整体支出绩效自评表", ""], word_rows(DEPARTMENT))
    document, report, found = review(text)
    assert found == ["READ002", *PLANTED]
    assert len(document.tables) == 2
    (warning,) = report.reader_warnings
    assert warning.startswith("第 66 行“附件2 部门整体支出绩效自评表”与前后的表格行只隔一个空行")
    assert "表格在此分为两张" in warning


def test_a_file_that_ends_its_tables_with_one_blank_line_reads_the_caption_as_text():
    text = join([FORM_TITLE], word_rows(RIVER), ["", "附件2 部门整体支出绩效自评表", ""], word_rows(DEPARTMENT),
                [""], NARRATIVE)
    document, _, found = review(text)
    assert found == PLANTED
    assert "附件2 部门整体支出绩效自评表" in [p.text for p in document.paragraphs]


def test_in_a_word_export_with_two_blank_lines_after_tables_a_blank_paragraph_stays_in_its_cell():
    rows = [row[:] for row in RIVER]
    rows[-1] = ["总分", "100", "100"]  # the total row's cells merged: narrower than the table
    lines = word_rows(rows)
    # 群众满意度's reason cell: a sentence, a blank paragraph, a second sentence; then the total row.
    at = lines.index("\t群众满意度") + 5
    lines[at:at + 1] = ["\t满意度调查按季度开展。", "", "调查覆盖全部受益村。"]
    document, _, found = review(join([FORM_TITLE], lines, ["", ""], NARRATIVE))
    assert found == PLANTED
    assert len(document.tables) == 1
    assert document.tables[0].rows[6][7].text == "满意度调查按季度开展。\n\n调查覆盖全部受益村。"


@pytest.mark.parametrize("layout", ["tsv", "markdown"])
@pytest.mark.parametrize("caption", [[], ["附件二", ""]], ids=["no-caption", "caption"])
def test_tab_and_pipe_tables_end_at_one_blank_line(layout, caption):
    def rows(table: list[list[str]]) -> list[str]:
        if layout == "tsv":
            return ["\t".join(row) for row in table]
        return ["| " + " | ".join(row) + " |" for row in table]

    text = join([FORM_TITLE], rows(RIVER), [""], caption, [FORM_TITLE], rows(WELLS), [""], NARRATIVE)
    document, report, found = review(text, ".md" if layout == "markdown" else ".txt")
    assert document.format == f"text-{layout}"
    assert found == PLANTED
    assert len(document.tables) == 2 and len(report.evaluations) == 2
    assert NARRATIVE[-1] in [p.text for p in document.paragraphs]
