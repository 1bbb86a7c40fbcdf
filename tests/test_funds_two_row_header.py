"""A funds block whose header takes two rows: "预算数" merged over "年初 | 全年", "执行数" over "全年".

The lower word qualifies the upper one (年初预算数, 全年预算数, 全年执行数), so the
rate is checked against the 全年 budget, never the 年初 one. Amounts are
invented; the rates are exact (1162.30 ÷ 1180.00 = 98.50%).
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, UP, lines, review


def _form(rate: str = "98.50%") -> list:
    return [
        "项目支出绩效自评表（2024年度）",
        [
            ["项目名称", "社区养老服务站建设", "", "", "", "", ""],
            ["资金情况（万元）", "资金来源", "预算数", "", "执行数", "执行率", "得分"],
            [UP, UP, "年初", "全年", "全年", UP, UP],
            [UP, "年度资金总额", "1100.00", "1180.00", "1162.30", rate, "9.85"],
            [UP, "财政拨款", "935.00", "1003.00", "987.96", "98.50%", ""],
            [UP, "上年结转", "165.00", "177.00", "174.34", "98.50%", ""],
        ],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_rate_is_taken_against_the_quannian_budget_under_a_two_row_header(fmt, tmp_path):
    report, findings = review(_form(), fmt, tmp_path)
    assert [line for line in lines(findings) if line.startswith("SUM")] == []
    total = next(row for row in report.evaluations[0].funds.rows if row.total)
    assert {k: float(f.quantity.value) for k, f in total.cells.items() if k in ("initial", "budget", "actual")} == {
        "initial": 1100, "budget": 1180, "actual": 1162.30}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_wrong_rate_under_a_two_row_header_is_told_with_the_quannian_budget(fmt, tmp_path):
    _, findings = review(_form(rate="96.50%"), fmt, tmp_path)
    errors = [line for line in lines(findings, "error") if line.startswith("SUM006")]
    assert errors == ["SUM006 项目支出绩效自评表「社区养老服务站建设」「年度资金总额」执行率填报96.5%，按全年执行数1162.30÷全年预算数1180.00计算应为98.50%"], errors
