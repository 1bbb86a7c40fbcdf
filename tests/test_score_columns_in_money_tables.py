"""A summary of several projects with their budgets, scores and grades (财政重点绩效评价结果汇总).

The 合计 row totals the budgets; the 评价得分 and 评价等级 columns hold each
project's score and grade, which are never added up, so a 合计 row leaving
them blank is no blank total (SUM010) — in every format. The budget column
is still checked.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, LEFT, review

HEADER = ["序号", "项目名称", "预算金额（万元）", "评价得分", "评价等级"]
ROWS = [["1", "城乡居民医保补助", "1286.00", "92.5", "优"], ["2", "农村公路养护", "342.00", "86.3", "良"], ["3", "城区污水管网改造", "196.00", "58.4", "差"]]


def money_findings(total: str, fmt: str, folder) -> list[str]:
    parts = ["青溪县2024年度财政重点绩效评价结果汇总", [HEADER, *ROWS, ["合计", LEFT, total, "", ""]]]
    _, findings = review(parts, fmt, folder)
    return [f"{f.rule} {f.message}" for f in findings if f.rule.startswith("SUM")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_scores_of_projects_are_not_totalled(fmt, tmp_path):
    assert money_findings("1824.00", fmt, tmp_path) == []


@pytest.mark.parametrize("fmt", ("word.txt", "xlsx"))
def test_the_budget_total_is_still_checked(fmt, tmp_path):
    assert [x.split()[0] for x in money_findings("1834.00", fmt, tmp_path)] == ["SUM008"]
