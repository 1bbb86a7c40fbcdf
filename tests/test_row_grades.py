"""A summary of several projects, each with its score and its grade (评价得分 | 评价等级).

Every row's grade follows its own score (优 ≥ 90, 良 80–89, 中 60–79, 差 < 60):
a wrong one is SCORE011 naming the project, in every format; right ones
pass; a table with two score columns does not say which one grades the row
and is left alone.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, LEFT, review

PROJECTS = [("1", "城乡居民医保补助", "1286.00", "92.5", "优"), ("2", "农村公路养护", "342.00", "86.3", "良"), ("3", "城区污水管网改造", "196.00", "58.4", "差")]


def score011(fmt: str, folder, second_grade: str, second_score: bool = False) -> list[str]:
    header = ["序号", "项目名称", "预算金额（万元）", "自评得分"] + (["复核得分"] if second_score else []) + ["评价等级"]
    rows = [[n, name, money, score] + ([score] if second_score else []) + [second_grade if n == "2" else grade]
            for n, name, money, score, grade in PROJECTS]
    rows.append(["合计", LEFT, "1824.00"] + [""] * (len(header) - 3))
    _, findings = review(["青溪县2024年度财政重点绩效评价结果汇总", [header, *rows]], fmt, folder)
    return [f.message for f in findings if f.rule == "SCORE011"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_grade_that_does_not_follow_its_row_score(fmt, tmp_path):
    found = score011(fmt, tmp_path, "优")
    assert len(found) == 1 and found[0].startswith("评价等次填“优”") and found[0].endswith("「农村公路养护」自评得分为86.3分，应评为“良”")


@pytest.mark.parametrize("fmt", ("word.txt", "docx"))
def test_grades_that_follow_their_scores(fmt, tmp_path):
    assert score011(fmt, tmp_path, "良") == []


@pytest.mark.parametrize("fmt", ("md", "xlsx"))
def test_two_score_columns_grade_nothing(fmt, tmp_path):
    assert score011(fmt, tmp_path, "优", second_score=True) == []
