"""A form followed by its report without a title: "一、项目基本情况" right under the table.

The numbered sections are the report's text: their figures are compared with
the form (XREF003), here a form kept in 亿元 against a text in 万元, in every
format. A note under the form that speaks of the form ("一、本表金额单位为
亿元") opens no report.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, LEFT, UP, review

FORM = [
    ["项目名称", "临港园区道路建设项目", LEFT, LEFT, LEFT, LEFT, LEFT],
    ["资金情况（亿元）", "", "计划数", "实际数", "执行率", "分值", "得分"],
    [UP, "资金总额", "3.20", "3.04", "95.00%", "10", "9.50"],
    [UP, "其中：专项债券资金", "2.50", "2.40", "96.00%", "—", "—"],
    [UP, "财政预算资金", "0.70", "0.64", "91.43%", "—", "—"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["产出指标", "数量指标", "新建园区道路", "≥12公里", "12.4公里", "50", "50"],
    ["效益指标", "社会效益指标", "新增入驻企业", "≥20家", "22家", "30", "30"],
    ["满意度指标", "服务对象满意度指标", "企业满意度", "≥90%", "94%", "10", "10"],
    ["总分", LEFT, LEFT, LEFT, LEFT, "100", "99.50"],
]


def parts(spent: str, first_line: str = "一、项目基本情况") -> list:
    return ["项目支出绩效自评表（2024年度）", FORM, first_line, f"本项目全年预算数32,000.00万元，全年执行数{spent}万元。", "二、存在的问题", "无。"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_sections_under_the_form_are_its_report(fmt, tmp_path):
    report, findings = review(parts("34,000.00"), fmt, tmp_path)
    assert [s.title for s in report.sections][:1] == ["项目基本情况"]
    found = [f.message for f in findings if f.rule == "XREF003"]
    assert len(found) == 1 and found[0].startswith("报告称“全年执行数34,000.00万元”") and "30400" in found[0]


@pytest.mark.parametrize("fmt", ("word.txt", "docx"))
def test_the_right_amount_in_another_unit_is_silent(fmt, tmp_path):
    _, findings = review(parts("30,400.00"), fmt, tmp_path)
    assert [f.rule for f in findings if f.rule.startswith(("XREF", "NARR", "SUM"))] == []


@pytest.mark.parametrize("fmt", ("word.txt", "xlsx"))
def test_a_note_about_the_form_opens_no_report(fmt, tmp_path):
    report, _ = review(["项目支出绩效自评表（2024年度）", FORM, "一、本表金额单位为亿元", "二、执行率按实际数÷计划数计算"], fmt, tmp_path)
    assert report.sections == []
