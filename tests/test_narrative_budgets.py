"""Budgets the narrative names in other words than 预算 (项目资金, 项目总资金, 资金总额, 下达资金 …).

An execution rate stated beside them is recomputed (NARR002) wherever the
sentence stands — a paragraph, a text cell of a form — while figures of
several years (项目总投资, 计划投资, 累计安排, 上年结转) are never taken for the
year's budget, nor warned about as a project's amount (NARR005).
"""

from __future__ import annotations

import pytest

from tests.forms import tsv
from tests.test_variants_formats import review_text

OPENING = "2024年度清水县水利局清水河堤防加固工程项目支出绩效自评报告\n\n一、项目基本情况\n\n"
# The project's form: 300 budgeted, 280 spent (93.33%).
FORM = tsv(
    "项目支出绩效自评表（2024年度）",
    "项目名称 | 清水河堤防加固工程 |  | ",
    "实施单位 | 清水县水利局 |  | ",
    "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
    "年度资金总额 | 300 | 300 | 280 | 10 | 93.33% | 9.33",
    "年度总体目标 | 预期目标 |  | 实际完成情况 |  | ",
    " | 加固堤防5公里。 |  | {result} |  | ",
    "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
    "产出指标 | 数量指标 | 加固堤防 | ≥5公里 | 5公里 | 50 | 50 | ",
    "效益指标 | 社会效益指标 | 受保护人口 | ≥1万人 | 1.2万人 | 30 | 30 | ",
    "满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% | 95% | 10 | 10 | ",
    "总分 |  |  |  |  | 100 | 99.33 | ",
)
BUDGETS = ["项目资金300万元", "项目总资金300万元", "资金总额300万元", "下达资金300万元", "全年安排补助资金300万元",
           "到位资金300万元", "项目经费300万元", "财政拨款300万元"]


@pytest.mark.parametrize("budget", BUDGETS)
def test_a_rate_beside_the_years_funds_is_recomputed(budget):
    assert review_text(OPENING + f"{budget}，实际支出280万元，执行率90%。\n")[1] == ["NARR002"]
    assert review_text(OPENING + f"{budget}，实际支出280万元，执行率93.33%。\n")[1] == []


@pytest.mark.parametrize("budget", BUDGETS[:3])
def test_the_same_sentence_in_a_forms_text_cell(budget):
    _, found = review_text(FORM.replace("{result}", f"加固堤防5公里，{budget}，已支出280万元，执行率90%。"))
    assert found == ["NARR002"]


@pytest.mark.parametrize(
    "sentence",
    [
        "项目总投资1200万元，2024年支出280万元，执行率90%。",
        "计划投资1200万元，当年支出280万元，执行率90%。",
        "累计安排资金900万元，本年支出280万元，执行率90%。",
        "上年结转资金300万元，支出280万元，执行率90%。",
    ],
)
def test_figures_of_several_years_are_not_the_years_budget(sentence):
    assert review_text(OPENING + sentence + "\n")[1] == []


@pytest.mark.parametrize(
    "sentence",
    ["清水河堤防加固工程总投资1200万元，分三年实施。", "清水河堤防加固工程累计完成投资900万元。", "清水河堤防加固工程上年结转资金40万元。"],
)
def test_a_projects_multi_year_figures_are_not_its_years_amounts(sentence):
    assert review_text(FORM.replace("{result}", "加固堤防5公里。") + "\n一、项目基本情况\n\n" + sentence + "\n")[1] == []


def test_a_projects_amount_that_is_none_of_its_figures_is_still_warned():
    _, found = review_text(FORM.replace("{result}", "加固堤防5公里。") + "\n一、项目基本情况\n\n清水河堤防加固工程项目资金320万元。\n")
    assert found == ["NARR005"]
