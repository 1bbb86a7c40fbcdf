"""Forms with a 得分 column and no 分值 column: the points are in the headings, one 得分 merged over each group."""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, UP, lines, review

TITLE = ["青溪县卫生健康局2024年度项目支出绩效自评表"]


def _form(output="48", benefit="30") -> list[list[str]]:
    """产出指标（50分）over 3 rows, 效益指标（30分）over 2 rows, 满意度指标（10分）over 1; 执行率 10."""
    total = str(10 + int(output) + int(benefit) + 10)
    return [
        ["项目名称", "村卫生室标准化改造", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "得分"],
        ["产出指标（50分）", "数量指标", "改造村卫生室", "≥30个", "31个", output],
        [UP, "质量指标", "验收合格率", "100%", "100%", UP],
        [UP, "时效指标", "完工时间", "2024年11月底前", "2024年11月20日", UP],
        ["效益指标（30分）", "社会效益指标", "村民就近就诊人次", "≥2万人次", "2.3万人次", benefit],
        [UP, "可持续影响指标", "设备使用年限", "≥8年", "9年", UP],
        ["满意度指标（10分）", "服务对象满意度指标", "村民满意度", "≥90%", "94%", "10"],
        ["预算执行率（10分）", "", "", "100%", "100%", "10"],
        ["总分", "", "", "", "", total],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_group_scores_without_weight_column_raise_nothing(fmt, tmp_path):
    _, findings = review([*TITLE, _form()], fmt, tmp_path)
    assert [line for line in lines(findings) if line.startswith(("IND006", "SCORE"))] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_group_score_above_its_headings_points_is_an_error(fmt, tmp_path):
    _, findings = review([*TITLE, _form(output="46", benefit="32")], fmt, tmp_path)
    errors = [line for line in lines(findings, "error") if line.startswith("SCORE004")]
    assert errors == ["SCORE004 项目支出绩效自评表「村卫生室标准化改造」「效益指标」得分32分，超过标注的分值30分"]


def test_a_group_scored_row_by_row_adds_its_rows(tmp_path):
    rows = _form()
    rows[3][5], rows[4][5], rows[2][5] = "20", "20", "12"  # 12 + 20 + 20 = 52 > 50
    _, findings = review([*TITLE, rows], "md", tmp_path)
    assert "SCORE004 项目支出绩效自评表「村卫生室标准化改造」「产出指标」得分52分，超过标注的分值50分" in lines(findings, "error")
