"""NARR002 on a satisfaction survey: 回收率 and 满意度 recomputed from the questionnaires the paragraph counts.

The 农业农村局 and its figures are invented.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review


def _report(survey: str) -> list:
    return [
        "江孜县农业农村局2024年度部门整体支出绩效自评报告",
        "一、满意度调查情况",
        survey,
        "二、自评结论",
        "部门整体支出绩效得分93.6分，等级为“优”。",
    ]


def _narr(survey: str, fmt: str, tmp_path) -> list[str]:
    _, findings = review(_report(survey), fmt, tmp_path)
    return [line for line in lines(findings) if line.startswith("NARR002")]


RIGHT = "本年度共发放满意度调查问卷800份，回收有效问卷784份，回收率98.00%。其中“满意”612份、“比较满意”140份、“不满意”32份，综合满意度95.92%。"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_survey_that_recomputes_is_silent(fmt, tmp_path):
    assert _narr(RIGHT, fmt, tmp_path) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_wrong_satisfaction_is_recomputed_from_the_favourable_answers(fmt, tmp_path):
    assert _narr(RIGHT.replace("95.92%", "94.90%"), fmt, tmp_path) == [
        "NARR002 文字称“满意度94.90%”，但按（满意612份+比较满意140份）÷有效问卷784份计算为95.92%"
    ]


def test_a_wrong_return_rate_is_recomputed(tmp_path):
    assert _narr(RIGHT.replace("98.00%", "97.00%"), "md", tmp_path) == ["NARR002 文字称“回收率97.00%”，但按回收784份÷发放800份计算为98.00%"]


def test_counting_basic_satisfaction_as_favourable_is_accepted(tmp_path):
    # (600 + 140 + 20) ÷ 784 = 96.94%: a report that counts 基本满意 too is not wrong.
    text = "发放问卷800份，回收784份。其中满意600份、比较满意140份、基本满意20份、不满意24份，满意度96.94%。"
    assert _narr(text, "md", tmp_path) == []


def test_answers_that_are_not_the_valid_questionnaires_are_not_used(tmp_path):
    # 612 + 140 + 12 = 764 ≠ 784: some answers are not listed, so no reading of them is sure.
    assert _narr(RIGHT.replace("32份", "12份").replace("95.92%", "90.00%"), "md", tmp_path) == []
