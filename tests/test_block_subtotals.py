"""A score sheet whose first-level blocks each close with a 小计 row (分值 and 得分 of the block).

The 小计's 得分 is the sum of its block's scores (SCORE017) and its 分值 the
block's points (SCORE002), in every format; a right sheet is silent. A 小计
that names another block than the rows above it is tied to nothing.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, LEFT, UP, review

HEADER = ["一级指标", "二级指标", "三级指标", "评分标准", "分值", "得分"]


def sheet(process_points="30", process_score="27.5", process_label="过程小计") -> list:
    return [
        "青溪县民政局2024年度部门整体支出绩效评价评分表",
        [
            HEADER,
            ["投入", "预算编制", "预算编制科学性", "论证充分得10分", "10", "9"],
            [UP, "预算编制", "绩效目标合理性", "相符得10分", "10", "10"],
            ["投入小计", LEFT, LEFT, LEFT, "20", "19"],
            ["过程", "预算执行", "预算执行率", "执行率×20", "20", "19.5"],
            [UP, "管理", "制度执行有效性", "有效得10分", "10", "8"],
            [process_label, LEFT, LEFT, LEFT, process_points, process_score],
            ["产出", "职责履行", "重点工作完成率", "完成率×50", "50", "48"],
            ["产出小计", LEFT, LEFT, LEFT, "50", "48"],
            ["合计", LEFT, LEFT, LEFT, "100", "94.5"],
        ],
    ]


def scoring(parts, fmt, folder) -> list[str]:
    _, findings = review(parts, fmt, folder)
    return [f"{f.rule} {f.message}" for f in findings if f.rule in ("SCORE002", "SCORE005", "SCORE017")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_block_subtotals_that_add_up_are_silent(fmt, tmp_path):
    assert scoring(sheet(), fmt, tmp_path) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_block_score_typed_wrong_is_found(fmt, tmp_path):
    assert scoring(sheet(process_score="28.5"), fmt, tmp_path) == ["SCORE017 部门整体支出绩效自评表「过程」小计得分28.5分，其下各指标得分合计27.5分"]


@pytest.mark.parametrize("fmt", ("word.txt", "xlsx"))
def test_a_block_total_of_points_is_checked_as_the_block_heading_would_be(fmt, tmp_path):
    assert scoring(sheet(process_points="35"), fmt, tmp_path) == ["SCORE002 部门整体支出绩效自评表「过程」标注35分，其下各指标分值合计30分"]


@pytest.mark.parametrize("fmt", ("md", "docx"))
def test_a_subtotal_naming_another_block_is_tied_to_nothing(fmt, tmp_path):
    assert scoring(sheet(process_score="28.5", process_label="效益小计"), fmt, tmp_path) == []
