"""A figure the reader cannot know is unknown, not blank and not 0.

Score forms saved by scripts or WPS keep formulas such as ``=ROUND(G5*F5,2)``
without their values; people write "见附件" or a grade in a 得分 cell. Counting
such a cell as empty or 0 reported sound totals as wrong (SCORE005) or blank
(SCORE014). The common rounding and aggregate functions are now computed, and
a cell that stays unknown leaves out the sums it belongs to.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from reviewer.extract import extract
from reviewer.ingest import load, load_bytes
from reviewer.rules import run_rules
from tests.test_variants_tables import FORMATS, codes, review


def workbook(fill) -> bytes:
    book = openpyxl.Workbook()
    fill(book.active)
    buffer = io.BytesIO()
    book.save(buffer)  # openpyxl stores formulas without cached values
    return buffer.getvalue()


def cell_text(formula: str, extra: list | None = None) -> str:
    def fill(sheet):
        sheet.append(["指标", "执行率", "分值", "结果"])
        sheet.append(["甲", "97.99%", 10, formula])
        sheet.append(["乙", -2.5, "1,250.5", None])
        for row in extra or []:
            sheet.append(row)

    doc = load_bytes(workbook(fill), "f.xlsx", ".xlsx")
    return doc.tables[0].rows[1][3].text, doc.warnings


@pytest.mark.parametrize(
    ("formula", "shown"),
    [
        ("=ROUND(B2*C2,2)", "9.8"),  # numeric text with % counts as its number, as Excel coerces it
        ("=ROUND(2.345,2)", "2.35"),  # halves away from zero
        ("=ROUND(-2.345,2)", "-2.35"),
        ("=ROUNDUP(2.341,2)", "2.35"),
        ("=ROUNDDOWN(2.349,2)", "2.34"),
        ("=ROUND(1234,-2)", "1200"),
        ("=ABS(B3)", "2.5"),
        ("=MAX(C2:C3)", "10"),  # "1,250.5" is text in a referenced cell: skipped, as in Excel
        ("=C3+0", "1250.5"),  # but counts as its number in arithmetic
        ("=MIN(C2,B3)", "-2.5"),
        ("=AVERAGE(C2,B3)", "3.75"),
        ("=ROUND(C2*0.98,0)+SUM(C2:C3)", "20"),
    ],
)
def test_rounding_and_aggregates_are_computed(formula, shown):
    text, warnings = cell_text(formula)
    assert (text, warnings) == (shown, [])


def test_a_formula_reading_an_uncomputable_cell_names_that_cell():
    text, warnings = cell_text("=D4+1", extra=[["丙", None, None, "=VLOOKUP(A2,A1:B2,2,0)"]])
    assert text == "=D4+1"  # kept as written: its value is unknown
    (warning,) = warnings
    assert warning.startswith("工作表「Sheet」的公式没有保存计算结果，也无法计算，按公式原文读取，不参与核对：")
    assert "D2（=D4+1：引用的 D4 无法计算）" in warning
    assert "D4（=VLOOKUP(A2,A1:B2,2,0)：不支持函数 VLOOKUP）" in warning


def test_wrong_arguments_are_not_guessed():
    for formula in ("=ROUND(B2)", "=ROUND(2.5,0.5)", "=AVERAGE(D9:D10)"):
        text, warnings = cell_text(formula)
        assert text == formula and len(warnings) == 1


# -- A project form whose scores are formulas -------------------------------------------------------


def project_form(sheet, rate_score: str, total: str, effect_score: object = 30) -> None:
    """A national project form: 执行率 97.99% of 10 points, indicators 50 + 30 + 10."""
    for row in [
        ["2024年度项目支出绩效自评表"],
        ["项目名称", "就业技能培训"],
        ["主管部门", "青溪县人社局", None, None, None, "实施单位", "青溪县人社局"],
        ["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [None, "年度资金总额", 100, 100, 97.99, 10, "97.99%", rate_score],
        ["年度总体目标", "预期目标", None, None, None, "实际完成情况"],
        [None, "培训3000人次。", None, None, None, "培训3000人次。"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        [None, "产出指标", "数量指标", "培训人次", "≥3000人次", "3000人次", 50, 50, "无"],
        [None, "效益指标", "社会效益指标", "培训后就业率", "≥80%", "82%", 30, effect_score, "无"],
        [None, "满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "94.2%", 10, 10, "无"],
        ["总分", None, None, None, None, None, 100, total, "自评等级：优"],
    ]:
        sheet.append(row)


def review_workbook(tmp_path: Path, **form) -> list:
    path = tmp_path / "form.xlsx"
    path.write_bytes(workbook(lambda sheet: project_form(sheet, **form)))
    return run_rules(extract(load(path)))


def test_a_rounded_score_and_its_total_are_computed_and_checked(tmp_path):
    assert review_workbook(tmp_path, rate_score="=ROUND(G5*F5,2)", total="=H5+SUM(H9:H11)") == []
    # The same form with a total that does not add up: now it can be told.
    (finding,) = [f for f in review_workbook(tmp_path, rate_score="=ROUND(G5*F5,2)", total="=H5+SUM(H9:H11)-1")
                  if f.severity != "info"]
    assert finding.rule == "SCORE005" and "98.8分" in finding.message and "99.8分" in finding.message


def test_a_total_that_reads_an_uncomputable_score_is_unknown_not_blank(tmp_path):
    findings = review_workbook(tmp_path, rate_score="=IF(G5>=0.9,F5,G5*F5)", total="=H5+SUM(H9:H11)")
    assert [(f.rule, f.severity) for f in findings] == [("READ002", "info")]
    assert "H12（=H5+SUM(H9:H11)：引用的 H5 无法计算）" in findings[0].message


# -- A score cell that holds no number, in every format ----------------------------------------------

FORM = [
    "项目支出绩效自评表（2024年度）",
    "项目名称 | 乡村道路养护 |  | ",
    "实施单位 | 青溪县交通运输局 |  | ",
    "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
    "年度资金总额 | 80 | 80 | 78 | 10 | 97.5% | 9.75",
    "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
    "产出指标 | 数量指标 | 养护道路里程 | ≥120公里 | 122公里 | 50 | 50 | ",
    "效益指标 | 社会效益指标 | 道路优良率 | ≥85% | 88% | 30 | {score} | 按抽检结果评分",
    "满意度指标 | 服务对象满意度指标 | 沿线群众满意度 | ≥90% | 93% | 10 | 10 | ",
    "总分 |  |  |  |  | 100 | {total} | ",
]


def form(score: str, total: str) -> list[str]:
    return [row.format(score=score, total=total) for row in FORM]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("score", ["见附件", "良好", "=ROUND(F8*0.95,1)"])
def test_a_score_that_is_not_a_number_leaves_the_total_unchecked(score, fmt, tmp_path):
    # 9.75 + 50 + 10 = 69.75: counting the unknown score as 0 would call 99.75 wrong (SCORE005),
    # and a blank-looking total would be "空白" (SCORE014).
    _, findings = review(form(score, "99.75"), fmt, tmp_path)
    assert not {"SCORE005", "SCORE014", "SCORE001"} & set(codes(findings))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_total_that_does_not_add_up_is_still_an_error(fmt, tmp_path):
    _, findings = review(form("30", "98.75"), fmt, tmp_path)
    assert "SCORE005" in codes(findings)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_weight_that_is_not_a_number_leaves_the_weights_unchecked(fmt, tmp_path):
    rows = [row.format(score="30", total="99.75") for row in FORM]
    rows[7] = rows[7].replace("| 30 | 30 |", "| 见说明 | 30 |")
    _, findings = review(rows, fmt, tmp_path)
    assert "SCORE001" not in codes(findings)


# -- A form read without its funds block ------------------------------------------------------------


def without_funds(total_score: str, weights=("50", "30", "10"), detail: bool = False) -> list[str]:
    """The form above with its funds rows lost (a page break cut them off, or they were read as another table).

    With ``detail``, only the total row is lost: the rows under it remain.
    """
    rows = [row.format(score="30", total=total_score) for row in FORM]
    if detail:
        rows[4:5] = ["其中：财政拨款 | 70 | 70 | 68 | — | — | —", "其他资金 | 10 | 10 | 10 | — | — | —"]
    else:
        del rows[3:5]
    first = rows.index(next(r for r in rows if r.startswith("产出指标")))
    for at, weight in zip(range(first, first + 3), weights):
        cells = rows[at].split(" | ")
        cells[5] = weight
        rows[at] = " | ".join(cells)
    return rows


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("detail", [False, True])
def test_points_missing_by_the_execution_share_are_a_lost_funds_block_not_an_error(fmt, detail, tmp_path):
    # Indicators 90 of 100 points, scores 90, total 99.75: the 10 points and 9.75 are the 执行率 part.
    _, findings = review(without_funds("99.75", detail=detail), fmt, tmp_path)
    assert not {"SCORE001", "SCORE005"} & set(codes(findings))
    # ... and the reviewer is told what was not checked.
    (note,) = [f for f in findings if f.rule == "READ003"]
    assert note.severity == "info" and "各指标分值合计90分，比总分分值100分少10分" in note.message


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_blank_execution_weight_in_a_total_row_that_was_read_is_the_forms_own(fmt, tmp_path):
    rows = [row.format(score="30", total="99.75") for row in FORM]
    rows[4] = "年度资金总额 | 80 | 80 | 78 |  | 97.5% | 9.75"
    _, findings = review(rows, fmt, tmp_path)
    assert "SCORE001" in codes(findings) and all(f.rule != "READ003" for f in findings)


@pytest.mark.parametrize("fmt", FORMATS)
def test_other_shortfalls_are_still_errors(fmt, tmp_path):
    _, findings = review(without_funds("99.75", weights=("50", "35", "10")), fmt, tmp_path)
    assert "SCORE001" in codes(findings)  # 95 of 100: not an 执行率 share
    assert all(f.rule != "READ003" for f in findings)
    _, findings = review(without_funds("101"), fmt, tmp_path)
    assert "SCORE005" in codes(findings)  # above what the lost part could add
