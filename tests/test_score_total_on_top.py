"""A score sheet whose 总分 row stands on top, above its header, with both its 分值 and its 得分.

"总分 | 100 | 90.5分" written first (as many 部门整体 score sheets do) states the
full score and then the score; the score is the second figure. In every
format: the sheet adds up, so nothing is reported; a wrong score on top is
still found; and figures in the other order (score above the full score) are
not guessed at.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, LEFT, UP, lines, review


def sheet(top: list[str]) -> list:
    return [
        "青溪县民政局2024年度部门整体支出绩效自评评分表",
        [
            top,
            ["一级指标", "三级指标", "评分标准", "分值", "得分"],
            ["决策（40分）", "目标明确性", "明确得40分", "40", "38分"],
            [UP, "资金分配合理性", "合理得0分", "0", "0分"],
            ["产出（60分）", "任务完成率", "完成率×60", "60", "52.5分"],
        ],
        "自评总分90.5分。",
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_full_score_and_score_on_top_add_up(fmt, tmp_path):
    _, findings = review(sheet(["总分", LEFT, LEFT, "100", "90.5分"]), fmt, tmp_path)
    assert [x for x in lines(findings) if x.startswith(("SCORE", "NARR"))] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_wrong_score_on_top_is_found(fmt, tmp_path):
    _, findings = review(sheet(["总分", LEFT, LEFT, "100", "95分"]), fmt, tmp_path)
    assert [x for x in lines(findings, "error") if x.startswith("SCORE005")] == ["SCORE005 部门整体支出绩效自评表总分95分，与各指标得分之和90.5分不一致"]


@pytest.mark.parametrize("fmt", ("word.txt", "xlsx"))
def test_score_above_full_score_is_not_taken_for_either(fmt, tmp_path):
    _, findings = review(sheet(["总分", LEFT, LEFT, "90.5", "100"]), fmt, tmp_path)
    assert [x for x in lines(findings) if x.startswith(("SCORE005", "NARR003"))] == []
