"""SUM013: an 执行率 column of a money table against 执行数 ÷ 预算数 of its row, in every format.

The department is invented. The budget divided by is the adjusted one
(调整后预算数 / 全年预算数) when the table also shows the first (年初 / 预算数).
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review


def _report(relief_rate: str, headers=("年初预算数", "全年预算数", "全年执行数", "执行率")) -> list:
    return [
        "石岭区民政局2024年度部门整体支出绩效自评报告",
        "表1 部门支出执行情况（单位：万元）",
        [
            ["项目", *headers],
            ["合计", "7840.00", "8166.50", "8112.40", "99.34%"],
            ["一、基本支出", "4120.00", "4186.50", "4186.50", "100.00%"],
            ["二、项目支出", "3720.00", "3980.00", "3925.90", "98.64%"],
            ["1.城乡低保", "2600.00", "2780.00", "2752.20", "99.00%"],
            ["2.特困供养", "820.00", "860.00", "851.40", "99.00%"],
            ["3.临时救助", "300.00", "340.00", "322.30", relief_rate],
        ],
    ]


def _rates(parts, fmt, tmp_path) -> list[str]:
    _, findings = review(parts, fmt, tmp_path)
    return [line for line in lines(findings) if line.startswith(("SUM013", "SUM006"))]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_wrong_rate_is_named_with_the_two_amounts(fmt, tmp_path):
    assert _rates(_report("97.80%"), fmt, tmp_path) == [
        "SUM013 自评报告 表1「临时救助」执行率填报97.80%，按全年执行数322.30万元÷全年预算数340.00万元计算应为94.79%"
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_rates_that_hold_are_silent(fmt, tmp_path):
    assert _rates(_report("94.79%"), fmt, tmp_path) == []


def test_the_adjusted_budget_is_the_divisor(tmp_path):
    # 预算数 | 调整后预算数: 322.30 ÷ 300.00 would be 107.43%; the rates divide by 调整后预算数.
    found = _rates(_report("94.79%", ("预算数", "调整后预算数", "实际支出", "预算执行率")), "md", tmp_path)
    assert found == []
    found = _rates(_report("107.43%", ("预算数", "调整后预算数", "实际支出", "预算执行率")), "md", tmp_path)
    assert len(found) == 1 and "按实际支出322.30万元÷调整后预算数340.00万元计算应为94.79%" in found[0], found


def test_a_column_computed_another_way_is_left_alone(tmp_path):
    # Every rate divides by 年初预算数 (a local habit): most rows disagree with 执行数 ÷ 全年预算数, so the column is not judged.
    parts = _report("107.43%")
    parts[2] = [parts[2][0]] + [row[:4] + [f"{float(row[3]) / float(row[1]) * 100:.2f}%"] for row in parts[2][1:]]
    assert _rates(parts, "md", tmp_path) == []
