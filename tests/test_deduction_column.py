"""SCORE016: a score sheet's 扣分 column against 分值 − 得分, row by row, in every format.

The sheet (an invented 科技创新券 project) shows 权重, 得分 and the points
taken off; a 扣分原因 column is text and is never read as a deduction.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review


def _sheet(taken_off: str, header: str = "扣分") -> list:
    return [
        "南岭区2024年度项目支出绩效自评评分表",
        [
            ["一级指标", "二级指标", "三级指标", "权重", "得分", header, "扣分原因"],
            ["决策", "项目立项", "立项依据充分性", "10", "10", "0", ""],
            ["过程", "资金管理", "预算执行率", "20", "19.4", "0.6", "执行率97%"],
            ["产出", "产出数量", "实际完成率", "40", "38", taken_off, "2家企业未按期验收"],
            ["效益", "项目效益", "社会效益", "30", "28.5", "1.5", "带动就业略低于预期"],
            ["合计", "", "", "100", "95.9", "4.1", ""],
        ],
    ]


def _found(parts, fmt, tmp_path) -> list[str]:
    _, findings = review(parts, fmt, tmp_path)
    return [line for line in lines(findings) if line.startswith("SCORE016")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_deduction_that_is_not_weight_less_score_is_an_error(fmt, tmp_path):
    found = _found(_sheet("3"), fmt, tmp_path)
    assert len(found) == 1 and found[0].endswith("「实际完成率」扣分3分，按分值40分减得分38分应为2分"), found


@pytest.mark.parametrize("fmt", FORMATS)
def test_deductions_that_hold_are_silent(fmt, tmp_path):
    assert _found(_sheet("2"), fmt, tmp_path) == []


def test_the_header_may_say_kouchufen_and_the_reason_column_stays_text(tmp_path):
    assert len(_found(_sheet("3", "扣减分"), "md", tmp_path)) == 1
    # Only 扣分原因, no points column: nothing to check.
    parts = _sheet("2")
    parts[1] = [row[:5] + row[6:] for row in parts[1]]
    assert _found(parts, "md", tmp_path) == []
