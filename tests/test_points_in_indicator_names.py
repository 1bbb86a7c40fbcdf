"""Indicator points written in the 三级指标 name ("草原防火巡护里程（15分）") when the form has no 分值 column.

An invented 林草局 form: the level headings state their points, each
indicator states its own in brackets, and only 得分 has a column.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, UP, lines, review


def _form(benefit_heading: str = "效益指标（40分）", fire_score: str = "15") -> list:
    return [
        "2024年度部门整体支出绩效自评表",
        [
            ["部门（单位）名称", "青峰州林业和草原局", "", "", "", ""],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "得分"],
            ["产出指标（50分）", "数量指标", "草原防火巡护里程（15分）", "≥12万公里", "12.6万公里", fire_score],
            [UP, UP, "疫源疫病监测点（10分）", "≥24个", "24个", "10"],
            [UP, "质量指标", "火灾受害率（25分）", "≤0.9‰", "0.2‰", "25"],
            [benefit_heading, "生态效益指标", "草原综合植被盖度（20分）", "≥33%", "33.4%", "20"],
            [UP, "可持续影响指标", "管护责任落实率（20分）", "100%", "100%", "20"],
            ["满意度指标（10分）", "服务对象满意度指标", "牧民满意度（10分）", "≥90%", "91.5%", "10"],
        ],
    ]


def _scores(parts, fmt, tmp_path) -> list[str]:
    _, findings = review(parts, fmt, tmp_path)
    return [line for line in lines(findings) if line.startswith("SCORE")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_heading_that_the_named_points_do_not_make_up_is_an_error(fmt, tmp_path):
    found = _scores(_form("效益指标（45分）"), fmt, tmp_path)
    assert found == ["SCORE002 部门整体支出绩效自评表「效益指标」标注45分，其下各指标分值合计40分"], found


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_score_above_the_points_in_the_name_is_an_error(fmt, tmp_path):
    found = _scores(_form(fire_score="16"), fmt, tmp_path)
    assert len(found) == 1 and found[0].startswith("SCORE004") and "「草原防火巡护里程」自评得分16分，超过分值15分" in found[0], found


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_form_that_adds_up_is_silent(fmt, tmp_path):
    assert _scores(_form(), fmt, tmp_path) == []
