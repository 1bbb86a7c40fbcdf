"""Rows that answer for themselves in words: a 偏差说明 note under the table, an actual written as a sentence (IND004)."""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review

TITLE = ["2024年度项目支出绩效自评表"]
FORM = [
    ["项目名称", "近海养殖综合整治", "", "", "", "", ""],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["产出指标（50分）", "数量指标", "清退违规养殖面积", "≥2000亩", "2150亩", "50", "50"],
    ["效益指标（30分）", "生态效益指标", "近岸海域水质优良比例", "≥88%", "86.4%", "30", "27"],
    ["满意度指标（10分）", "服务对象满意度指标", "养殖户满意度", "≥90%", "92.5%", "10", "10"],
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_reason_in_a_note_under_the_table_counts(fmt, tmp_path):
    note = "偏差说明：近岸海域水质优良比例86.4%，未达到88%的目标，主要受汛期径流影响，按完成比例扣3分。"
    _, findings = review([*TITLE, FORM, note], fmt, tmp_path)
    assert [line for line in lines(findings) if line.startswith("SCORE")] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_note_about_another_indicator_is_no_reason(fmt, tmp_path):
    note = "偏差说明：清退违规养殖面积超出目标，系群众主动配合所致。"
    _, findings = review([*TITLE, FORM, note], fmt, tmp_path)
    assert [line.split("」")[-1] for line in lines(findings) if line.startswith("SCORE009")] == [
        "实际完成值86.4%未达到年度指标值≥88%，未说明偏差原因"
    ]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("actual", "warned"), [("已签订3年运营协议", False), ("运营稳定", True), ("2024年已运营", True)])
def test_an_actual_sentence_carrying_the_targets_number_and_unit_is_not_qualitative(fmt, actual, warned, tmp_path):
    form = [*FORM[:4], ["可持续影响指标（10分）", "可持续影响指标", "运营机构稳定运营", "≥3年", actual, "10", "10"]]
    _, findings = review([*TITLE, form, "偏差说明：近岸海域水质优良比例受汛期径流影响。"], fmt, tmp_path)
    assert any(line.startswith("IND004") for line in lines(findings)) == warned
