"""A funds block that shows the year's budget changes: 年初预算数 | 调整预算数 (or 调整数) | 调整后预算数 | 决算数 | 执行率.

Beside 调整后预算数, a 调整预算数 is the change, not the budget: the 执行率 is
决算数 ÷ 调整后预算数, and 年初 + 调整 = 调整后 row by row (SUM012). The
department below is invented; every format.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review


def _report(change_for_fees: str = "40.00", change_header: str = "调整预算数") -> list:
    return [
        "云杉县农业农村局2024年度部门整体支出绩效自评报告",
        "二、部门预算执行情况（单位：万元）",
        [
            ["收入项目", "年初预算数", change_header, "调整后预算数", "决算数", "执行率"],
            ["收入合计", "1500.00", "100.00", "1600.00", "1568.00", "98.00%"],
            ["一般公共预算拨款", "1200.00", "60.00", "1260.00", "1234.80", "98.00%"],
            ["事业收入", "300.00", change_for_fees, "340.00", "333.20", "98.00%"],
        ],
        "三、自评结论",
        "部门整体支出绩效自评得分95分。",
    ]


def _arith(parts, fmt, tmp_path) -> list[str]:
    _, findings = review(parts, fmt, tmp_path)
    return [line for line in lines(findings) if line.startswith("SUM")]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("header", ["调整预算数", "调整数", "预算调整数"])
def test_the_rate_divides_by_the_adjusted_budget_not_the_change(header, fmt, tmp_path):
    # 1568.00 ÷ 1600.00 = 98.00%: no SUM006 "按 … ÷ 100.00 计算应为1568.00%".
    assert _arith(_report(change_header=header), fmt, tmp_path) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_change_that_does_not_lead_to_the_adjusted_budget_is_an_error(fmt, tmp_path):
    found = _arith(_report("4.00"), fmt, tmp_path)
    assert "SUM012 部门整体支出绩效自评表「事业收入」年初预算数300.00万元加调整数4.00万元为304.00万元，与调整后预算数340.00万元不一致" in found, found
    # The changes no longer add up to the total change either.
    assert any(line.startswith("SUM005") and "「收入合计」「调整数」100.00万元" in line for line in found), found


def test_a_plain_budget_beside_the_adjusted_one_is_the_first_budget(tmp_path):
    # 预算数 | 调整数 | 调整后预算数: 预算数 is the budget first set, and the rate still divides by 调整后预算数.
    parts = _report()
    parts[2] = [row[:] for row in parts[2]]
    parts[2][0][1] = "预算数"
    assert _arith(parts, "md", tmp_path) == []


def test_a_lone_adjusted_budget_column_is_still_the_budget(tmp_path):
    # Where 调整预算数 is the only budget column it is the adjusted budget (决算 tables write it so).
    parts = [
        "云杉县农业农村局2024年度部门整体支出绩效自评报告",
        [
            ["收入项目", "年初预算数", "调整预算数", "决算数", "执行率"],
            ["收入合计", "1500.00", "1600.00", "1568.00", "98.00%"],
            ["一般公共预算拨款", "1200.00", "1260.00", "1234.80", "98.00%"],
            ["事业收入", "300.00", "340.00", "333.20", "90.00%"],
        ],
    ]
    found = _arith(parts, "md", tmp_path)
    assert len(found) == 1 and found[0].startswith("SUM006") and "「事业收入」执行率填报90%，" in found[0], found
