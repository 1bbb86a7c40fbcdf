"""A project's funds split by level of government written as label/value pairs, checked like the same split in a funds block.

"计划安排资金（万元）| 120 | 实际到位资金（万元）| 120" over "其中：中央财政 | 60 |
其中：中央财政 | 60", "省财政 | 40 | 省财政 | 40" …: each pair column is a funds
column whose levels, reaching down to the unit's own, must add up to its first
figure (SUM005). The reports are invented (a fictional 清水县交通运输局).
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review

INDICATORS = [
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["产出指标", "数量指标", "新修便民桥", "≥4座", "4座", "50", "50"],
    ["效益指标", "社会效益指标", "受益群众", "≥900人", "950人", "30", "30"],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "96%", "10", "10"],
    ["总分", "", "", "", "", "90", "90"],
]


def report(county_planned: str = "10.00", levels: tuple[str, ...] = ("其中：中央财政", "省财政", "市财政", "县财政")) -> list:
    amounts = ["60.00", "40.00", "10.00", county_planned]
    return [
        "项目支出绩效自评表（2024年度）",
        [
            ["项目名称", "便民桥建设", "实施单位", "清水县交通运输局"],
            ["计划安排资金（万元）", "120.00", "实际到位资金（万元）", "120.00"],
            *[[level, planned, level, received] for level, planned, received in zip(levels, amounts, ["60.00", "40.00", "10.00", "10.00"])],
            ["实际支出（万元）", "118.00", "结余（万元）", "2.00"],
        ],
        INDICATORS,
    ]


def sums(parts, fmt, tmp_path) -> list[str]:
    _, findings = review(parts, fmt, tmp_path)
    return [line for line in lines(findings) if line.startswith("SUM")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_levels_that_miss_their_total_are_named(fmt, tmp_path):
    assert sums(report(county_planned="20.00"), fmt, tmp_path) == [
        "SUM005 项目支出绩效自评表「便民桥建设」「计划安排资金（万元）」「全年预算数」120.00万元，与各资金来源合计130.00万元不一致（差10.00万元）"
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_levels_that_add_up_are_quiet(fmt, tmp_path):
    report_, findings = review(report(), fmt, tmp_path)
    (evaluation,) = report_.evaluations
    assert [r.label for r in evaluation.funds.rows] == ["计划安排资金（万元）", "中央财政", "省财政", "市财政", "县财政"]
    assert [line for line in lines(findings) if line.startswith("SUM")] == []


def test_pairs_that_are_not_levels_are_not_summed(tmp_path):
    # 当年财政拨款 / 上年结转 under 计划安排资金 are sources of another kind: not read as a split by level here.
    parts = report(county_planned="20.00", levels=("其中：当年财政拨款", "上年结转资金", "其他资金", "单位自筹"))
    assert sums(parts, "md", tmp_path) == []
