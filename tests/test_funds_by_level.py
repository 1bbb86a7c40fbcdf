"""A funds total broken down by level of government (中央 / 省级 / 州级 / 县级 资金).

A list of levels reaching down to the unit's own level is the whole: a total
(or the 当年财政拨款 above the list) that its levels do not add up to is an
error, and a list that adds up is quiet. A "其中" naming only some levels is
a part and is never summed against the whole. Each form is reviewed in every
layout a user sends; the narrative's "其中" sentences follow the same rule.
"""

from __future__ import annotations

import pytest

from reviewer.levels import COUNTY, PREFECTURE, PROVINCE, gov_level, unit_level
from reviewer.extract import extract
from reviewer.ingest import load
from reviewer.rules import run_rules
from tests.reports import word_rows
from tests.test_variants_formats import review_text
from tests.test_variants_tables import FORMATS, codes, review


def review_form(rows: list[str], fmt: str, tmp_path):
    """As tests.test_variants_tables.review, but Word's cell-per-line export keeps every empty cell, as Word writes it."""
    if fmt != "cells":
        return review(rows, fmt, tmp_path)
    path = tmp_path / "form.txt"
    path.write_text("".join(r + "\n" if "|" not in r else word_rows([[c.strip() for c in r.split("|")]]) for r in rows), encoding="utf-8")
    report = extract(load(path))
    return report, run_rules(report)

INDICATORS = [
    "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
    "产出指标 | 数量指标 | 新修便民桥 | ≥4座 | 4座 | 50 | 50 | ",
    "效益指标 | 社会效益指标 | 受益群众 | ≥900人 | 950人 | 30 | 30 | ",
    "满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% | 96% | 10 | 10 | ",
    "总分 |  |  |  |  | 100 | 100 | ",
]


def form(unit: str, rows: list[tuple[str, str]]) -> list[str]:
    """A project form of ``unit`` whose funds block lists ``rows`` (label, amount) under a total of 120."""
    return [
        "项目支出绩效自评表（2024年度）", "项目名称 | 便民桥建设 |  | ", f"实施单位 | {unit} |  | ",
        "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
        "年度资金总额 | 120 | 120 | 120 | 10 | 100% | 10",
        *(f"{label} | {v} | {v} | {v} |  |  | " for label, v in rows),
        *INDICATORS,
    ]


COUNTY_UNIT = "清水县交通运输局"
WHOLE_MATCHING = [("其中：中央资金", "60"), ("省级资金", "40"), ("县级资金", "20")]
WHOLE_SHORT = [("其中：中央财政资金", "60"), ("省级财政资金", "40"), ("州级财政资金", "10"), ("县级财政资金", "0")]
UNDER_GRANT_SHORT = [("当年财政拨款", "120"), ("其中：中央资金", "60"), ("州级资金", "40"), ("县级资金", "10"), ("上年结转资金", "0"), ("其他资金", "0")]
UNDER_GRANT_MATCHING = [("当年财政拨款", "100"), ("中央资金", "60"), ("区级资金", "40"), ("上年结转资金", "20")]
# Only some levels: a part of the total or of the grant, never the whole.
SOME_LEVELS_UNDER_TOTAL = [("其中：中央资金", "60"), ("省级资金", "40")]
SOME_LEVELS_UNDER_GRANT = [("当年财政拨款", "110"), ("其中：中央资金", "60"), ("上年结转资金", "10")]
# The first level equals the total: the levels after it are its siblings, not its detail.
FIRST_LEVEL_EQUALS_TOTAL = [("中央资金", "120"), ("州级资金", "40"), ("县级资金", "20")]
# 市 and 县 named together reach down to a district unit's level.
JOINT_LEVELS_SHORT = [("其中：中央财政资金", "60"), ("省级财政资金", "40"), ("市县财政资金", "10")]


def sum005(findings) -> list[str]:
    return [f.message for f in findings if f.rule == "SUM005"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("unit", "rows", "wrong"),
    [
        (COUNTY_UNIT, WHOLE_MATCHING, None),
        (COUNTY_UNIT, WHOLE_SHORT, "「年度资金总额」「全年预算数」120万元，与各资金来源合计110万元"),
        (COUNTY_UNIT, UNDER_GRANT_SHORT, "「当年财政拨款」「全年预算数」120万元，与其下中央资金、州级资金、县级资金合计110万元"),
        ("清水区住建局", UNDER_GRANT_MATCHING, None),
        (COUNTY_UNIT, SOME_LEVELS_UNDER_TOTAL, None),
        (COUNTY_UNIT, SOME_LEVELS_UNDER_GRANT, None),
        ("云岭州交通运输局", SOME_LEVELS_UNDER_TOTAL[:1] + [("州级资金", "60")], None),
        (COUNTY_UNIT, FIRST_LEVEL_EQUALS_TOTAL, "「年度资金总额」「全年预算数」120万元，与各资金来源合计180万元"),
        ("清水区文物保护中心", JOINT_LEVELS_SHORT, "「年度资金总额」「全年预算数」120万元，与各资金来源合计110万元"),
    ],
    ids=["whole", "whole-short", "under-grant-short", "under-grant", "some-under-total", "some-under-grant", "prefecture-unit", "siblings",
         "joint-levels-short"],
)
def test_levels_of_government_are_a_whole_only_down_to_the_units_level(unit, rows, wrong, fmt, tmp_path):
    _, findings = review_form(form(unit, rows), fmt, tmp_path)
    if wrong is None:
        assert codes(findings) == [], [f.message for f in findings]
    else:
        assert codes(findings) == ["SUM005"] * 3  # 年初预算数, 全年预算数, 全年执行数
        assert any(wrong in m for m in sum005(findings)), sum005(findings)


def test_a_county_list_stopping_at_the_prefecture_is_a_part():
    _, findings = review_text(
        "2024年度清水县交通运输局便民桥建设项目支出绩效自评报告\n\n一、项目基本情况\n\n"
        "项目资金共计120万元，其中中央资金60万元、州级资金40万元。\n"
    )
    assert findings == []


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("项目资金共计120万元，其中中央资金60万元、省级资金40万元、县级资金10万元。", ["NARR001"]),
        ("项目资金共计120万元，其中：中央财政资金60万元；州级财政资金40万元；县级财政资金20万元。", []),
        ("项目资金共计120万元，其中中央资金60万元、省级资金40万元。", []),
    ],
)
def test_the_narratives_levels_are_a_whole_the_same_way(sentence, found):
    _, codes_found = review_text("2024年度清水县交通运输局便民桥建设项目支出绩效自评报告\n\n一、项目基本情况\n\n" + sentence + "\n")
    assert codes_found == found


@pytest.mark.parametrize(
    ("label", "level"),
    [("中央资金", 0), ("其中：省级财政资金", PROVINCE), ("州级资金", PREFECTURE), ("县财政", COUNTY), ("市或盟", PREFECTURE),
     ("区级配套资金（万元）", COUNTY), ("市县财政资金", COUNTY), ("州县配套资金", COUNTY), ("省市资金", PREFECTURE), ("中央", 0), ("当年财政拨款", None), ("县", None), ("上年结转资金", None), ("市场化资金", None)],
)
def test_level_labels(label, level):
    assert gov_level(label) == level


@pytest.mark.parametrize(
    ("name", "level"),
    [("清水县交通运输局", COUNTY), ("岚江市林业局", PREFECTURE), ("云岭州泸水县民政局", COUNTY),
     ("广西壮族自治区交通运输厅", PROVINCE), ("某某局", COUNTY), (None, COUNTY)],
)
def test_unit_levels(name, level):
    assert unit_level(name) == level


def income_by_unit(county_row: str, unit: str = "清水县文化馆") -> list[str]:
    """A money table by unit whose income columns break 收入合计 down by level; the 汇总 row's levels are given."""
    return [
        f"2024年度{unit}部门整体支出绩效评价报告",
        "一、收支情况",
        "机构名称 | 收入合计 | 其中：中央资金 | 其中：省级资金 | 其中：县级资金",
        f"汇总 | 320.00 | {county_row}",
        "1、馆本级 | 200.00 | 100.00 | 50.00 | 50.00",
        "2、流动服务站 | 120.00 | 60.00 | 30.00 | 30.00",
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_money_tables_level_columns_add_up_to_their_total(fmt, tmp_path):
    _, findings = review_form(income_by_unit("160.00 | 80.00 | 80.00"), fmt, tmp_path)
    assert codes(findings) == []
    # 县级 short by 10 in the 汇总 row: the row misses its total, and its column its items.
    _, findings = review_form(income_by_unit("160.00 | 80.00 | 70.00"), fmt, tmp_path)
    assert codes(findings) == ["SUM008", "SUM009"]
    assert any("「收入合计」320.00万元，与中央资金、省级资金、县级资金合计310.00万元" in f.message for f in findings)


def test_a_money_tables_levels_short_of_the_units_level_are_a_part(tmp_path):
    rows = [r.replace(" | 其中：县级资金", "").removesuffix(" | 50.00").removesuffix(" | 30.00") for r in income_by_unit("160.00 | 80.00 | x")]
    rows[3] = rows[3].removesuffix(" | x")  # 汇总 | 320.00 | 160.00 | 80.00: 中央 and 省级 only, 240 of 320
    _, findings = review_form(rows, "tsv", tmp_path)
    assert codes(findings) == []


def test_levels_that_add_up_to_the_total_after_a_grant_row_break_the_total_down(tmp_path):
    rows = [("财政拨款", "100"), ("中央资金", "60"), ("省级资金", "40"), ("县级资金", "20"), ("上年结转资金", "20")]
    _, findings = review_form(form(COUNTY_UNIT, rows), "tsv", tmp_path)
    assert codes(findings) == [], [f.message for f in findings]
