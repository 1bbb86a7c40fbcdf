"""False errors a budget reviewer from another province met on correct reports (each once a false error).

Every report here is invented and adds up; each test asserts that no error is raised.
"""

import pytest

from tests.reports import review_text, table


def _errors(text: str) -> list[str]:
    _, findings = review_text(text)
    return [f"{f.rule} {f.message}" for f in findings if f.severity == "error"]


def _funds_form(rows: list[list[str]]) -> str:
    """The Jiaxing department form: 年度资金总额 600 / 640 / 627.20, then ``rows`` under it."""
    return "部门整体支出绩效自评表\n（2024年度）\n" + table([
        ["部门名称", "嘉兴市南湖区测试局"],
        ["年度预算（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", "600.00", "640.00", "627.20", "10", "98.00%", "9.80"],
        *rows,
    ])


def test_funds_split_by_source_and_by_nature_is_not_summed_twice():
    # 580 + 20 = 600 and 450 + 150 = 600: two complete splits of the same total.
    text = _funds_form([
        ["其中：财政拨款", "580.00", "610.00", "597.20", "", "", ""],
        ["其他资金", "20.00", "30.00", "30.00", "", "", ""],
        ["其中：基本支出", "450.00", "460.00", "455.20", "", "", ""],
        ["项目支出", "150.00", "180.00", "172.00", "", "", ""],
    ])
    assert _errors(text) == []


BASIC = table([
    ["财政供养人员情况", "编制数", "2024年实际在职人数", "控制率"],
    ["", "45", "43", "95.56%"],
    ["经费控制情况", "2023年决算数", "2024年预算数", "2024年决算数"],
    ["三公经费", "6.40", "8.00", "7.04"],
    ["1、公务用车购置及运行维护费", "4.60", "6.00", "5.20"],
    ["2、公务接待", "1.80", "2.00", "1.84"],
    ["项目支出", "410.00", "450.00", "438.60"],
    ["公用经费", "52.00", "55.00", "53.50"],
])
FORM = table([
    ["部门名称", "洛阳市涧西区测试局"],
    ["年度预算（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额", "1,020.00", "1,100.00", "1,078.00", "10", "98.00%", "9.80"],
    ["其中：基本支出", "610.00", "650.00", "639.40", "—", "—", "—"],
    ["项目支出", "410.00", "450.00", "438.60", "—", "—", "—"],
])


def _report(sentence: str, basic: str = BASIC) -> str:
    """The Luoyang report: basic data, the department form, and a narrative of one sentence."""
    return ("洛阳市涧西区测试局2024年度部门整体支出绩效自评报告\n基础数据表\n单位：万元\n" + basic
            + "部门整体支出绩效自评表\n" + FORM + "自评报告\n一、部门整体支出情况\n" + sentence + "\n")


@pytest.mark.parametrize("sentence", [
    "“三公”经费预算8.00万元，实际支出7.04万元，控制率88.00%。",
    "公用经费预算55.00万元，实际支出53.50万元，公用经费控制率97.27%。",
    "项目支出全年预算450.00万元，执行438.60万元，项目支出执行率97.47%。",
    "基本支出执行率98.37%。",
])
def test_a_named_rate_is_not_the_departments_rate(sentence):
    assert _errors(_report(sentence)) == []


@pytest.mark.parametrize("sentence", [
    "三公经费较上年增加0.64万元，增长10%。",
    "公用经费较上年增加1.50万元。",
])
def test_a_change_from_last_year_is_not_the_amount(sentence):
    assert _errors(_report(sentence)) == []


def test_a_projects_rate_is_not_the_departments_rate():
    basic = BASIC.replace("\t项目支出\n\t410.00\n\t450.00\n\t438.60\n\n",
                          "\t项目支出\n\t410.00\n\t450.00\n\t438.60\n\n\t1、老旧小区改造前期工作经费\n\t410.00\n\t450.00\n\t438.60\n\n")
    assert _errors(_report("老旧小区改造前期工作经费预算450.00万元，实际支出438.60万元，执行率97.47%。", basic)) == []


def test_nested_breakdown_of_basic_spending_is_not_summed_with_it():
    # 450 = 380 + 70 and 600 = 450 + 150.
    text = _funds_form([
        ["其中：基本支出", "450.00", "460.00", "455.20", "", "", ""],
        ["其中：人员经费", "380.00", "385.00", "383.00", "", "", ""],
        ["公用经费", "70.00", "75.00", "72.20", "", "", ""],
        ["项目支出", "150.00", "180.00", "172.00", "", "", ""],
    ])
    assert _errors(text) == []


@pytest.mark.parametrize("sentence", [
    "其中局机关预算执行率98.50%，下属城建档案馆预算执行率96.20%。",
    "第一季度预算执行率为20.5%，第三季度末达到75.3%，全年执行率98.00%。",
])
def test_a_units_or_quarters_rate_is_not_the_departments_rate(sentence):
    assert _errors(_report(sentence)) == []
