"""A form without a 偏差原因 column whose missed target is explained in the report's text.

The form has nowhere to write the reason; the report's own sentence naming
the indicator and its cause ("项目年度收益1420万元，未达到预期，原因是…")
explains it, in every format. Without such a sentence SCORE009 stands, and a
form that has the column but leaves it blank is still asked for the reason.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, review

HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
ROWS = [
    ["产出指标", "数量指标", "新建园区道路", "≥12公里", "12.4公里", "50", "50"],
    ["效益指标", "经济效益指标", "项目年度收益", "≥1500万元", "1420万元", "40", "36"],
    ["满意度指标", "服务对象满意度指标", "入驻企业满意度", "≥90%", "94%", "10", "10"],
]
CAUSE = "项目年度收益1420万元，未达到预期，原因是部分厂房招租晚于预期。"


def score009(parts, fmt, folder) -> list[str]:
    _, findings = review(parts, fmt, folder)
    return [f.message for f in findings if f.rule == "SCORE009"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_cause_in_the_text_explains_a_form_without_reason_column(fmt, tmp_path):
    parts = ["青溪县园区建设项目绩效自评表", [HEADER, *ROWS, ["总分", "", "", "", "", "100", "96"]], "二、自评结论", CAUSE]
    assert score009(parts, fmt, tmp_path) == []


@pytest.mark.parametrize("fmt", ("word.txt", "docx"))
def test_without_the_sentence_the_reason_is_still_owed(fmt, tmp_path):
    parts = ["青溪县园区建设项目绩效自评表", [HEADER, *ROWS, ["总分", "", "", "", "", "100", "96"]], "二、自评结论", "项目总体完成较好。"]
    assert len(score009(parts, fmt, tmp_path)) == 1


@pytest.mark.parametrize("sentence", ["项目年度收益惠及受益农户300户。", "项目年度收益1420万元。"])
def test_a_sentence_naming_the_indicator_without_a_cause_explains_nothing(sentence, tmp_path):
    # "受益" is not "受…影响": the sentence names the indicator but gives no cause.
    parts = ["青溪县园区建设项目绩效自评表", [HEADER, *ROWS, ["总分", "", "", "", "", "100", "96"]], "二、自评结论", sentence]
    assert len(score009(parts, "word.txt", tmp_path)) == 1


def test_a_cause_given_as_an_influence_explains_the_miss(tmp_path):
    sentence = "项目年度收益1420万元，受周边道路施工影响，招租进度放缓。"
    parts = ["青溪县园区建设项目绩效自评表", [HEADER, *ROWS, ["总分", "", "", "", "", "100", "96"]], "二、自评结论", sentence]
    assert score009(parts, "word.txt", tmp_path) == []


@pytest.mark.parametrize("fmt", ("word.txt", "xlsx"))
def test_a_blank_reason_column_is_still_asked_for(fmt, tmp_path):
    rows = [r + [""] for r in ROWS]
    parts = ["青溪县园区建设项目绩效自评表", [HEADER + ["偏差原因分析及改进措施"], *rows, ["总分", "", "", "", "", "100", "96", ""]], "二、自评结论", CAUSE]
    assert len(score009(parts, fmt, tmp_path)) == 1
