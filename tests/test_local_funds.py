"""The transfer-payment template's funds: 年度资金总额 over 中央财政资金 / 地方资金 / 其他资金.

地方资金 stands for every level below the centre, so 中央 + 地方 + 其他 is the
whole and must add up to 年度资金总额 (SUM005), in every format, whatever
the reporting unit's level. A 地方资金 row broken down further (省级, 市县)
is the whole of those rows, not their sibling: such a list is left unsummed
rather than counted twice.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, LEFT, UP, review

INDICATORS = [
    ["一级指标", "二级指标", "三级指标", "全年指标值", "全年实际完成值"],
    ["产出指标", "数量指标", "新建高标准农田面积", "≥380万亩", "386万亩"],
    ["满意度指标", "服务对象满意度指标", "项目区农户满意度", "≥90%", "93.4%"],
]


def form(sources: list[list[str]], total: str = "228800.00") -> list:
    grid = [
        ["转移支付（项目）名称", "耕地建设与利用资金", LEFT, LEFT, LEFT],
        ["中央主管部门", "农业农村部", LEFT, "地方主管部门", "青溪省农业农村厅"],
        ["资金情况（万元）", "", "全年预算数", "全年执行数", "执行率"],
        [UP, "年度资金总额", total, "222100.00", "97.07%"],
        *[[UP, *row] for row in sources],
    ]
    return ["中央对地方转移支付区域绩效自评表（2024年度）", grid, INDICATORS]


SOURCES = [["其中：中央财政资金", "186500.00", "181240.00", "97.18%"], ["地方资金", "42300.00", "40860.00", "96.60%"], ["其他资金", "0", "0", "—"]]


def sum005(parts, fmt, folder) -> list[str]:
    _, findings = review(parts, fmt, folder)
    return [f.message for f in findings if f.rule == "SUM005"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_centre_and_local_funds_make_the_total(fmt, tmp_path):
    assert sum005(form(SOURCES), fmt, tmp_path) == []
    found = sum005(form(SOURCES, total="229800.00"), fmt, tmp_path)
    assert len(found) == 1 and "「年度资金总额」「全年预算数」229800" in found[0] and "各资金来源合计228800" in found[0]


@pytest.mark.parametrize("fmt", ("word.txt", "xlsx"))
def test_local_funds_broken_down_by_level_are_not_added_twice(fmt, tmp_path):
    nested = SOURCES[:2] + [["其中：省级资金", "30000.00", "29000.00", "96.67%"], ["市县资金", "12300.00", "11860.00", "96.42%"]] + SOURCES[2:]
    assert sum005(form(nested), fmt, tmp_path) == []
