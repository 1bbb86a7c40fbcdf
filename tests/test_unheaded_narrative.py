"""A narrative written without numbered headings is still read for its figures.

Two invented reports: a project form followed by a 自评报告 paragraph with no
"一、" headings, whose 全年执行数 stands after a "；" in the sentence that
names 本项目; and a department form whose 自评说明 paragraph (no heading)
states the year's amounts.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, UP, lines, review

PROJECT_FORM = [
    ["项目名称", "渔港航道疏浚项目", "", "", "", "", "", ""],
    ["主管部门", "沙湾区海洋发展局", "", "", "实施单位", "沙湾区渔业服务站", "", ""],
    ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [UP, "年度资金总额", "850.00", "890.00", "863.30", "10", "97.00%", "9.70"],
    [UP, "其中：市级财政资金", "510.00", "534.00", "517.98", "—", "—", "—"],
    [UP, "区级财政资金", "340.00", "356.00", "345.32", "—", "—", "—"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    [UP, "产出指标", "数量指标", "疏浚航道长度", "≥6公里", "6.2公里", "50", "50"],
    [UP, "效益指标", "社会效益指标", "渔船通航保障率", "≥95%", "97%", "30", "30"],
    [UP, "满意度指标", "服务对象满意度指标", "渔民满意度", "≥90%", "93%", "10", "10"],
    ["总分", "", "", "", "", "", "100", "99.70"],
]


def _project(spent_in_text: str) -> list:
    return [
        "项目支出绩效自评表（2024年度）",
        PROJECT_FORM,
        "自评报告",
        f"本项目全年预算数890.00万元，其中市级财政资金534.00万元、区级财政资金356.00万元；全年执行数{spent_in_text}万元，预算执行率97.00%。",
    ]


def _xref(parts, fmt, tmp_path) -> list[str]:
    _, findings = review(parts, fmt, tmp_path)
    return [line for line in lines(findings) if line.startswith(("XREF", "NARR"))]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_amount_after_a_semicolon_in_a_sentence_naming_the_project_is_compared(fmt, tmp_path):
    found = _xref(_project("833.30"), fmt, tmp_path)
    assert len(found) == 1 and found[0].startswith("XREF003 报告称“全年执行数833.30万元”") and "863.30万元" in found[0], found


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_text_with_the_right_amount_is_silent(fmt, tmp_path):
    assert _xref(_project("863.30"), fmt, tmp_path) == []


DEPARTMENT_FORM = [
    ["部门（单位）名称", "柳林街道办事处", "", "", "", "", "", ""],
    ["年度预算（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [UP, "年度资金总额", "3594.70", "3727.30", "3683.69", "10", "98.83%", "9.88"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    [UP, "产出指标", "数量指标", "公共服务事项办结数", "≥18000件", "18620件", "50", "50"],
    [UP, "效益指标", "社会效益指标", "社区治理水平", "持续提升", "创建示范社区3个", "30", "30"],
    [UP, "满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "92.8%", "10", "10"],
    ["总分", "", "", "", "", "", "100", "99.88"],
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_note_paragraph_without_heading_is_checked_against_the_department_form(fmt, tmp_path):
    parts = ["2024年度部门整体支出绩效自评表", DEPARTMENT_FORM, "2024年度部门整体支出绩效自评报告",
             "自评说明：全年预算数3727.30万元，全年执行数3638.69万元，执行率98.83%，自评得分99.88分。"]
    found = _xref(parts, fmt, tmp_path)
    assert any(line.startswith("XREF003 报告称“全年执行数3638.69万元”") for line in found), found


def test_cover_lines_without_a_sentence_are_still_no_text(tmp_path):
    # A title block before the first heading ("2024年度", the unit's name) states nothing: no section, no finding.
    parts = ["2024年度部门整体支出绩效自评表", DEPARTMENT_FORM, "2024年度部门整体支出绩效自评报告", "柳林街道办事处", "2025年3月",
             "一、自评结论", "全年预算数3727.30万元，全年执行数3683.69万元，自评得分99.88分。"]
    report, findings = review(parts, "md", tmp_path)
    assert [s.title for s in report.sections] == ["自评结论"]
    assert _xref(parts, "md", tmp_path) == []
