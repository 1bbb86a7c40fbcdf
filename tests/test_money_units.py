"""A money table states its unit above it or in its header (单位：千元, （元）, 金额单位：亿元); every figure is scaled by it.

A 支出情况表 in 千元 beside a form in 万元 holds the same amounts written ten
times larger: they agree, and a sum that does not add is told in 万元 with
the right size. Tables are invented; each adds up unless a test changes a figure.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review

NARRATIVE = ["石泉县测试中心2024年度部门整体支出绩效自评报告", "一、预算执行情况", "全年预算数285.00万元，全年执行数280.00万元。"]
FORM = [
    ["部门（单位）名称", "石泉县测试中心", "", "", "", ""],
    ["年度预算（万元）", "", "年初预算数", "全年预算数", "全年执行数", "执行率"],
    ["", "年度资金总额", "270.00", "285.00", "280.00", "98.25%"],
    ["", "其中：基本支出", "170.00", "180.00", "179.00", "99.44%"],
    ["", "项目支出", "100.00", "105.00", "101.00", "96.19%"],
]


def _spending(unit_line: str, scale: int, staff: str | None = None) -> list:
    """The same spending as the form, written in the stated unit (scale: figures per 万元)."""
    def amount(x: str) -> str:
        return f"{float(x) * scale:.2f}"
    rows = [
        ["项目", "年初预算数", "全年预算数", "全年执行数"],
        ["合计", amount("270"), amount("285"), amount("280")],
        ["基本支出", amount("170"), amount("180"), amount("179")],
        ["其中：人员经费", amount("150"), amount("158"), staff or amount("158")],
        ["公用经费", amount("20"), amount("22"), amount("21")],
        ["项目支出", amount("100"), amount("105"), amount("101")],
    ]
    return ["表1  部门支出情况表", unit_line, rows, "表2  部门整体支出绩效自评表", FORM]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("unit_line, scale", [("单位：千元", 10), ("金额单位：元", 10000), ("单位：万元", 1)], ids=["qianyuan", "yuan", "wanyuan"])
def test_a_table_in_its_stated_unit_agrees_with_the_form_in_wanyuan(unit_line, scale, fmt, tmp_path):
    _, findings = review([*NARRATIVE, *_spending(unit_line, scale)], fmt, tmp_path)
    assert [line for line in lines(findings) if line[:4] in ("XREF", "SUM0")] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_qianyuan_table_that_does_not_add_is_told_in_wanyuan_at_its_size(fmt, tmp_path):
    # 人员经费 1600.00千元 + 公用经费 210.00千元 = 181.00万元, not the 179.00万元 of 基本支出.
    _, findings = review([*NARRATIVE, *_spending("单位：千元", 10, staff="1600.00")], fmt, tmp_path)
    errors = lines(findings, "error")
    assert len(errors) == 1 and errors[0].startswith("SUM008"), errors
    assert errors[0].endswith("表1「基本支出」「全年执行数」179.00万元，与其下各行合计181.00万元不一致（差2.00万元）"), errors
