"""Correct reports written the way other provinces write them raise no finding; a real mistake in them still does.

Each kind came from a trial on reports in Zhejiang, Henan, Guangdong and
Shandong layouts, where it gave false errors or warnings.
"""

from __future__ import annotations

import pytest

from tests.reports import basic_data, codes, department_form, full_narrative, review_text, standard_indicators, word_rows
from tests.test_variants_tables import FORMATS, review

PROJECT_LINES = [["项目支出：", "30", "40", "45"], ["1、培训项目", "10", "20", "25"], ["2、宣传项目", "20", "20", "20"]]
FUNDS = ("600.00", "640.00", "627.20", "10", "98.00%", "9.80")


def with_funds_rows(*extra: list[str]) -> str:
    """A department form whose 年度资金总额 (600 / 640 / 627.20) is followed by ``extra`` rows."""
    form = department_form(standard_indicators(), funds=FUNDS)
    total_row = word_rows([["", "年度资金总额", *FUNDS]])
    assert total_row in form
    return form.replace(total_row, total_row + word_rows(list(extra)))


def sum005(form: str) -> list:
    _, findings = review_text(basic_data(PROJECT_LINES) + form + full_narrative())
    return [f for f in findings if f.rule == "SUM005"]


# -- A total broken down twice, or a row broken down under it (SUM005) ------------------------


def test_a_total_broken_down_by_source_and_then_by_nature_adds_up_once():
    form = with_funds_rows(
        ["", "其中：财政拨款", "580.00", "620.00", "607.20"],
        ["", "其他资金", "20.00", "20.00", "20.00"],
        ["", "其中：基本支出", "450.00", "460.00", "455.20"],
        ["", "项目支出", "150.00", "180.00", "172.00"],
    )
    assert sum005(form) == []


def test_the_detail_of_one_row_under_the_total_is_not_added_again():
    form = with_funds_rows(
        ["", "其中：基本支出", "450.00", "460.00", "455.20"],
        ["", "其中：人员经费", "380.00", "385.00", "383.00"],
        ["", "公用经费", "70.00", "75.00", "72.20"],
        ["", "项目支出", "150.00", "180.00", "172.00"],
    )
    assert sum005(form) == []


def test_a_breakdown_that_adds_up_in_no_reading_is_still_an_error():
    # 项目支出 executed 162.00 instead of 172.00: neither by source nor by nature does 627.20 come out.
    form = with_funds_rows(
        ["", "其中：财政拨款", "580.00", "620.00", "597.20"],
        ["", "其他资金", "20.00", "20.00", "20.00"],
        ["", "其中：基本支出", "450.00", "460.00", "455.20"],
        ["", "项目支出", "150.00", "180.00", "162.00"],
    )
    (f,) = sum005(form)
    assert "「年度资金总额」「全年执行数」627.20万元" in f.message


# -- Rates and changes named in the narrative (XREF003) ---------------------------------------


def xref003(sentence: str) -> list:
    text = basic_data(PROJECT_LINES) + department_form(standard_indicators()) + full_narrative({"六、部门整体支出绩效情况": sentence})
    _, findings = review_text(text)
    return [f for f in findings if f.rule == "XREF003"]


def test_rates_of_other_things_are_not_the_department_rate():
    # The form's 执行率 is 100%, the staff 控制率 56%: none of these sentences speaks of either.
    for sentence in [
        "“三公”经费预算8.00万元，实际支出7.04万元，控制率88.00%。",
        "公用经费预算55.00万元，实际支出53.50万元，公用经费控制率97.27%。",
        "政府采购执行率98.33%。",
        "基本支出执行率98.37%，项目支出执行率97.47%。",
        "其中局机关预算执行率98.50%，下属档案馆预算执行率96.20%。",
        "第一季度预算执行率为20.5%，第三季度末达到75.3%，全年执行率100%。",
        "培训项目预算20.00万元，实际支出19.00万元，执行率95.00%。",
    ]:
        assert xref003(sentence) == [], sentence


def test_the_department_rate_is_still_compared_however_it_is_introduced():
    for sentence in [
        "全年预算执行率95%。",
        "2024年全年预算数100万元，全年执行数95万元，执行率95%。",
        "我局2024年度预算执行率95%。",
        "部门整体支出预算执行率为95%。",
    ]:
        (f,) = [f for f in xref003(sentence) if f.actual.endswith("%")]
        assert (f.actual, f.expected) == ("95%", "100%"), sentence
    # The form's 年度资金总额 was executed in full (100): the text's 全年执行数 95 is compared too.
    (f,) = [f for f in xref003("2024年全年预算数100万元，全年执行数95万元，执行率95%。") if not f.actual.endswith("%")]
    assert (f.actual, f.expected) == ("95万元", "100万元")


def test_a_change_from_last_year_is_not_read_as_the_amount():
    # 项目支出 2024 决算数 is 45 in the basic data; "增加5.00万元" is the change.
    assert xref003("项目支出较上年增加5.00万元，主要是培训项目增加。") == []
    (f,) = xref003("项目支出43.00万元，比上年增加3.00万元。")
    assert (f.actual, f.expected) == ("43.00万元", "45万元")


# -- Signature lines (TEXT002) and the usual split (SCORE003) ----------------------------------


def text002(signature: str) -> list:
    text = basic_data(PROJECT_LINES) + department_form(standard_indicators()) + full_narrative()
    text = text.replace("填表人：张三 填报日期：2025年6月1日 联系电话：0731-1234567", signature)
    _, findings = review_text(text)
    return [f for f in findings if f.rule == "TEXT002"]


def test_a_line_signed_by_other_roles_or_by_the_填报人_is_complete():
    assert text002("填报人：梁思敏 填报日期：2025年6月1日 联系电话：0731-1234567") == []
    assert text002("项目负责人：孔德明 财务负责人：颜丽 填报日期：2025年3月6日") == []


def test_a_named_field_left_blank_is_a_warning_quoting_the_form_own_label():
    findings = text002("填报人： 填报日期：2025年6月1日 联系电话：0731-1234567")
    assert [f.message.split("（")[0] for f in findings] == ["填报人空白"]
    assert all(e.quote == "填报人" for f in findings for e in f.evidence)


def project_form(execution_points: str, benefit: str) -> str:
    """A project form whose 执行率 carries ``execution_points`` and 效益 ``benefit`` points (产出 50, 满意度 10)."""
    indicators = standard_indicators()
    indicators[3] = ["", f"效益指标({benefit} 分)", "社会效益指标", "受训人数", "≥500人", "520人", benefit, benefit, "无"]
    total = str(50 + int(benefit) + 10 + int(execution_points))
    funds = ("100", "100", "100", execution_points, "100%", execution_points)
    form = department_form(indicators, total=(total, total), funds=funds)
    return form.replace("部门整体支出绩效自评表", "项目支出绩效自评表").replace("预算部门、单位名称", "项目名称").replace("青溪县测试局", "就业补贴")


def test_a_province_own_split_with_execution_at_20_points_is_no_warning():
    _, findings = review_text(project_form("20", "20"))
    assert "SCORE003" not in codes(findings)
    _, findings = review_text(project_form("10", "20"))  # the usual 10 for 执行率, but 效益 20 of 30
    assert "SCORE003" in codes(findings)


# -- Rows of the indicator block that name no indicator (IND005, IND006) -------------------------

GRID_FORM = [
    "项目支出绩效自评表（2024年度）",
    "项目名称 | 就业补贴 |  | ",
    "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
    "年度资金总额 | 50 | 50 | 50 | 10 | 100% | 10",
    "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
    "产出指标 | 数量指标 | 补贴人数 | ≥300人 | 312人 | 50 | 50 | ",
    "效益指标 | 社会效益指标 | 带动就业人数 | ≥900人 | 930人 | 30 | 30 | ",
    "满意度指标 | 服务对象满意度指标 | 补贴对象满意度 | ≥90% | 92% | 10 | 10 | ",
    "总分 |  |  |  |  | 100 | 100 | ",
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "extra",
    [
        "项目负责人：陈立新 |  | 财务负责人：黄丽华 |  | 联系电话：020-86123456 |  |  | ",
        "填表人：郑思远 |  |  |  |  |  |  | ",
        " |  |  | 全年发放创业补贴300人以上，带动就业900人以上。 | 发放创业补贴312人，带动就业930人。 |  |  | ",
    ],
    ids=["signatures", "filler", "goal-text"],
)
def test_a_row_in_the_indicator_block_naming_no_indicator_is_not_one(extra, fmt, tmp_path):
    rows = GRID_FORM[:-1] + [extra] + GRID_FORM[-1:] if "全年" in extra else GRID_FORM + [extra]
    report, findings = review(rows, fmt, tmp_path)
    names = [i.name for e in report.evaluations for i in e.indicators.indicators]
    assert names == ["补贴人数", "带动就业人数", "补贴对象满意度"]
    assert [f.rule for f in findings if f.severity in ("error", "warning")] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_indicator_without_its_target_is_still_named(fmt, tmp_path):
    rows = [r.replace("| ≥900人 |", "|  |") for r in GRID_FORM]
    _, findings = review(rows, fmt, tmp_path)
    assert [f.rule for f in findings if f.rule == "IND005"] == ["IND005"]
