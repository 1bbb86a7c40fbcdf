"""The narrative against itself and the tables (NARR, and the XREF claims), each on two layouts.

Layout "word": Word's text export (one tab-prefixed line per cell), built
with tests.reports. Layout "markdown": pipe tables and headings, as pasted
from a Markdown editor. All reports are invented for these tests.
"""

from pathlib import Path

import pytest

from reviewer.extract import extract
from reviewer.ingest.text import read_text
from reviewer.rules import run_rules
from tests.forms import tsv
from tests.reports import (
    FUNDS_HEADER,
    INDICATOR_HEADER,
    basic_data,
    department_form,
    full_narrative,
    standard_indicators,
    table,
)

PROJECT = "乡村阅读推广补助"
BASIC_LINES = [["基本支出", "180.00", "190.00", "200.00"], ["项目支出", "100.00", "110.00", "120.00"]]
MISSED = [
    ["", "产出指标(50 分)", "数量指标", "培训场次", "≥10次", "12次", "20", "20", "无"],
    ["", "", "质量指标", "合格率", "≥95%", "90%", "20", "18", "部分学员补考"],
    ["", "", "时效指标", "完成时间", "2024年12月前", "2024年11月完成", "10", "10", "无"],
    ["", "效益指标(30 分)", "社会效益指标", "受训人数", "≥500人", "520人", "30", "30", "无"],
    ["", "满意度指标(10 分)", "服务对象满意度指标", "学员满意度", "≥90%", "93.5%", "10", "10", "无"],
]
MD_INDICATORS = [
    ("产出指标（50分）", "数量指标", "举办讲座场次", "≥20场", "22场", "25", "25"),
    ("", "质量指标", "图书上架准确率", "≥98%", "98.5%", "25", "25"),
    ("效益指标（30分）", "社会效益指标", "新增读者", "≥1000人", "1100人", "30", "30"),
    ("满意度指标（10分）", "服务对象满意度指标", "读者满意度", "≥90%", "95%", "10", "10"),
]


def word_department(narrative: dict[str, str], indicators=None, total=("100", "100")) -> str:
    """Basic data, department form and the ten-section narrative in Word's export layout."""
    return basic_data(BASIC_LINES) + department_form(indicators or standard_indicators(), total=total) + full_narrative(narrative)


def word_project(result: str = "完成了年度任务。", total=("100", "99.8"), narrative: str = "") -> str:
    """A project form (Word export layout) with its 实际完成情况 text, then an optional narrative paragraph."""
    rows = [
        ["项目名称", PROJECT],
        ["实施单位", "青溪县文化馆"],
        FUNDS_HEADER,
        ["", "年度资金总额", "40.00", "40.00", "39.20", "10", "98%", "9.8"],
        ["年度总体目标", "预期目标", "实际完成情况"],
        ["", "完成年度任务。", result],
        INDICATOR_HEADER,
        *standard_indicators(),
        ["总分", *total, ""],
    ]
    text = "附件三\n\n2024年度项目支出绩效自评表\n" + table(rows) + "\n"
    if narrative:
        text += f"附件四\n\n2024年度{PROJECT}项目支出绩效自评报告\n\n一、项目基本情况\n\n{narrative}\n\n"
    return text


def markdown_project(result: str = "完成了年度任务。", narrative: str = "", missed: bool = False, total: str = "100") -> str:
    """A project form and its report as Markdown pipe tables and headings."""
    rows = [
        f"| 项目支出名称 | {PROJECT} |  |  |  |  |  |  |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        "| 主管部门 | 青溪县文化旅游局 | 实施单位 | 青溪县图书馆 |  |  |  |  |",
        "| 项目资金（万元） |  | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 自评得分 |",
        "|  | 年度资金总额 | 40.00 | 40.00 | 39.20 | 10 | 98.00% | 9.8 |",
        "| 年度总体目标 | 预期目标 |  |  | 实际完成情况 |  |  |  |",
        f"|  | 全年举办讲座20场以上。 |  |  | {result} |  |  |  |",
    ]
    indicators = [
        "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 自评得分 | 偏差原因分析及改进措施 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for level1, level2, name, target, actual, weight, score in MD_INDICATORS:
        if missed and name == "新增读者":
            actual, score = "800人", "24"
        indicators.append(f"| {level1} | {level2} | {name} | {target} | {actual} | {weight} | {score} | 无 |")
    indicators.append(f"| 总分 |  |  |  |  | 100 | {total} |  |")
    text = "# 2024年度项目支出绩效自评表\n\n" + "\n".join(rows) + "\n\n" + "\n".join(indicators) + "\n\n"
    text += "填表人：周敏 填报日期：2025年5月8日 联系电话：0739-6230175\n\n"
    if narrative:
        text += f"## 绩效自评报告\n\n### 一、项目基本情况\n\n{narrative}\n"
    return text


def findings(text: str, code: str, name: str = "test.txt"):
    """Findings of one NARR rule on a report text."""
    report = extract(read_text(text, name, "0" * 64))
    return [f for f in run_rules(report) if f.rule == code]


def layouts(word: str, markdown: str):
    """Both layouts of the same content, for parametrised tests."""
    return pytest.mark.parametrize(("text", "name"), [(word, "word.txt"), (markdown, "report.md")], ids=["word", "markdown"])


# ---------------------------------------------------------------- NARR001 其中 sums


QIZHONG_BAD = "全年共支出89.97万元。其中：30万元用于购书；30万元用于讲座；29.99万元用于设备。"
QIZHONG_GOOD = "全年共支出89.99万元。其中：30万元用于购书；30万元用于讲座；29.99万元用于设备。"


@pytest.mark.parametrize("layout", ["word", "markdown"])
def test_qizhong_parts_above_the_total_in_a_result_cell(layout):
    build = word_project if layout == "word" else markdown_project
    (f,) = findings(build(result=QIZHONG_BAD), "NARR001", f"{layout}.md")
    assert f.severity == "error" and "89.97" in f.message and "89.99" in f.message and "0.02" in f.message
    assert [e.quote for e in f.evidence] == ["89.97万元", "30万元", "30万元", "29.99万元"]
    assert f.evidence[0].loc.row is not None  # located in the table cell
    assert findings(build(result=QIZHONG_GOOD), "NARR001", f"{layout}.md") == []


@layouts(
    word_department({"二、一般公共预算支出情况": "2024年基本支出200.00万元，其中人员经费150.00万元，公用经费48.00万元。"}),
    markdown_project(narrative="本项目基本支出200.00万元，其中人员经费150.00万元，公用经费48.00万元。"),
)
def test_staff_and_public_costs_below_basic_spending_in_one_paragraph(text, name):
    # 人员经费 + 公用经费 is the whole of 基本支出: a sum below it is wrong too.
    (f,) = findings(text, "NARR001", name)
    assert "198.00" in f.message and f.expected == "198.00万元"


@layouts(
    word_department({"二、一般公共预算支出情况": "2024年支出340.00万元，其中培训支出150.00万元，宣传支出48.00万元。"}),
    markdown_project(narrative="全年支出340.00万元，其中培训支出150.00万元，宣传支出48.00万元。"),
)
def test_a_partial_qizhong_list_below_its_total_is_not_an_error(text, name):
    assert findings(text, "NARR001", name) == []


@layouts(
    word_department({"二、一般公共预算支出情况": "2024年基本支出200.00万元，项目支出120.00万元，合计330.00万元。"}),
    markdown_project(narrative="购书支出20.00万元，讲座支出19.20万元，合计40.20万元。"),
)
def test_parts_then_a_closing_total(text, name):
    (f,) = findings(text, "NARR001", name)
    assert f.actual in ("330.00万元", "40.20万元") and f.expected in ("320.00万元", "39.20万元")


def test_change_amounts_are_not_parts():
    said = {"二、一般公共预算支出情况": "2024年基本支出200.00万元，其中人员经费150.00万元，比上年增加5.00万元，公用经费50.00万元。"}
    assert findings(word_department(said), "NARR001") == []


# ---------------------------------------------------------------- NARR002 shares and rates


@layouts(
    word_department({"二、一般公共预算支出情况": "项目支出344.29万元，其中信息化支出120.5万元，占项目支出的36.2%。"}),
    markdown_project(narrative="项目支出344.29万元，其中信息化支出120.5万元，占项目支出的36.2%。"),
)
def test_share_recomputed_from_the_paragraph(text, name):
    (f,) = findings(text, "NARR002", name)
    assert f.expected == "35.00%" and f.actual == "36.2%"
    assert findings(text.replace("36.2%", "35.0%"), "NARR002", name) == []


@layouts(
    word_department({"六、部门整体支出绩效情况": "全年预算数200万元，实际支出172万元，预算执行率96%。"}),
    markdown_project(narrative="全年预算数40.00万元，全年执行数39.20万元，执行率96%。"),
)
def test_execution_rate_recomputed_from_the_sentence(text, name):
    (f,) = findings(text, "NARR002", name)
    assert f.expected in ("86.00%", "98.00%") and f.actual == "96%"
    right = text.replace("执行率96%", "执行率86%" if "172" in text else "执行率98%")
    assert findings(right, "NARR002", name) == []


def test_a_change_rate_is_left_to_xref004():
    said = {"二、一般公共预算支出情况": "支出376.36万元，比上年减少19.15万元，占比4.84%。"}
    assert findings(word_department(said), "NARR002") == []


# ---------------------------------------------------------------- NARR003 score


@layouts(
    word_department({"九、部门整体支出绩效自评结果拟应用和公开情况": "经自评，综合评分为97分。"}, total=("100", "92")),
    markdown_project(narrative="经自评，本项目综合评分为97分。", total="92"),
)
def test_score_in_the_text_against_the_forms_total(text, name):
    (f,) = findings(text, "NARR003", name)
    assert f.expected == "92分" and f.actual == "97分" and f.basis == "compared"  # the form's own 总分: 对照值
    assert findings(text, "XREF003", name) == []  # one finding for one wrong score
    assert findings(text.replace("97分", "92分"), "NARR003", name) == []


def test_a_score_sentence_naming_a_project_is_compared_with_that_project():
    text = word_department({}, total=("100", "92")) + word_project(total=("100", "88"), narrative=f"{PROJECT}项目自评得分为88分。")
    assert findings(text, "NARR003") == []
    (f,) = findings(text.replace("自评得分为88分", "自评得分为92分"), "NARR003")
    assert f.expected == "88分" and PROJECT in f.message


# ---------------------------------------------------------------- NARR004 all targets met


@layouts(
    word_department({"六、部门整体支出绩效情况": "本年度各项指标均已完成。"}, indicators=MISSED, total=("100", "98")),
    markdown_project(narrative="本年度绩效指标全部完成。", missed=True, total="94"),
)
def test_all_targets_met_claim_against_a_missed_indicator(text, name):
    (f,) = findings(text, "NARR004", name)
    assert "合格率" in f.message or "新增读者" in f.message
    assert f.evidence[0].quote in ("各项指标均已完成", "绩效指标全部完成")


@layouts(word_department({"六、部门整体支出绩效情况": "本年度各项指标均已完成。"}), markdown_project(narrative="本年度绩效指标全部完成。"))
def test_all_targets_met_claim_that_holds(text, name):
    assert findings(text, "NARR004", name) == []


def test_a_denied_completion_is_no_claim():
    said = {"六、部门整体支出绩效情况": "本年度指标未全部完成，合格率未达到目标。"}
    assert findings(word_department(said, indicators=MISSED, total=("100", "98")), "NARR004") == []


# ---------------------------------------------------------------- NARR005 project amounts


@layouts(
    word_project(narrative=f"{PROJECT}项目全年支出45.00万元，主要用于购书和讲座。"),
    markdown_project(narrative=f"{PROJECT}项目全年支出45.00万元，主要用于购书和讲座。"),
)
def test_project_amount_in_the_text_against_its_form(text, name):
    (f,) = findings(text, "NARR005", name)
    assert f.severity == "warning" and f.actual == "45.00万元" and "39.20" in f.message
    assert findings(text.replace("45.00万元", "39.20万元"), "NARR005", name) == []


@pytest.mark.parametrize(
    "body",
    [
        "全年支出480.00万元，结余20.00万元。其中：购书300.00万元，讲座180.00万元。",  # two amounts: which is the parent?
        "计划投资500.00万元，本年完成200.00万元，累计完成300.00万元。",  # a running total is not a sum of the sentence
        "项目支出预算数344.29万元，执行数300.00万元，其中信息化支出120.5万元，占项目支出的40.2%。",  # base of unclear measure
    ],
)
def test_unclear_sentences_are_left_alone(body):
    text = word_department({"二、一般公共预算支出情况": body})
    assert findings(text, "NARR001") == [] and findings(text, "NARR002") == []



# ---------------------------------------------------------------- the same quantity in text and tables (XREF)

MD_DEPARTMENT = """# 2024年度部门整体支出绩效评价基础数据表

| 财政供养人员情况（人） | 编制数 | 2024年实际在职人数 | 控制率 |
| --- | --- | --- | --- |
|  | {quota} | 24 | 96% |
| 经费控制情况（万元） | 2023年决算数 | 2024年预算数 | 2024年决算数 |
| 基本支出 | 180.00 | 190.00 | 200.00 |
| 项目支出 | 100.00 | 110.00 | 120.00 |

# 2024年度部门整体支出绩效自评表

| 预算部门、单位名称 | 青溪县档案馆 |  |  |  |  |  |  |
| --- | --- | --- | --- | --- | --- | --- | --- |
| 年度预算申请（万元） |  | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 自评得分 |
|  | 年度资金总额 | 300.00 | 330.00 | {actual} | 10 | {rate} | 9.7 |
| 年度总体目标 | 预期目标 |  |  | 实际完成情况 |  |  |  |
|  | 完成档案数字化。 |  |  | 完成了档案数字化。 |  |  |  |

| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 自评得分 | 偏差原因分析及改进措施 |
| --- | --- | --- | --- | --- | --- | --- | --- |
| 产出指标（50分） | 数量指标 | 数字化卷数 | ≥1000卷 | 1200卷 | 50 | 50 | 无 |
| 效益指标（30分） | 社会效益指标 | 查阅人次 | ≥500人次 | 520人次 | 30 | 30 | 无 |
| 满意度指标（10分） | 服务对象满意度指标 | 查档满意度 | ≥90% | 95% | 10 | 10 | 无 |
| 总分 |  |  |  |  | 100 | 99.7 |  |

## 2024年度青溪县档案馆整体支出绩效自评报告

### 一、部门基本情况

{body}
"""


def markdown_department(body: str, quota: str = "25", actual: str = "320.00", rate: str = "96.97%") -> str:
    """Basic data, department form and a one-section report as Markdown."""
    return MD_DEPARTMENT.format(body=body, quota=quota, actual=actual, rate=rate)


@layouts(
    word_department({"一、部门基本情况": "本局核定编制数合计20名。"}),
    markdown_department("本馆核定编制数合计20名。"),
)
def test_head_count_in_the_text_against_the_basic_data(text, name):
    (f,) = findings(text, "XREF003", name)
    assert f.expected == "25名" and f.actual == "20名"
    assert findings(text.replace("合计20名", "合计25名"), "XREF003", name) == []


@layouts(
    word_department({"六、部门整体支出绩效情况": "全年预算执行率90%。"}),
    markdown_department("全年预算执行率90%。"),
)
def test_execution_rate_in_the_text_against_the_funds_block(text, name):
    (f,) = findings(text, "XREF003", name)
    assert f.actual == "90%" and f.expected in ("100%", "96.97%")


@layouts(
    word_department({"六、部门整体支出绩效情况": "学员满意度100%。"}),
    markdown_department("查档满意度100%。"),
)
def test_full_satisfaction_claim_against_the_indicator(text, name):
    (f,) = findings(text, "XREF003", name)
    assert f.actual == "100%" and f.expected in ("93.5%", "95%")


@layouts(
    basic_data(BASIC_LINES)
    + department_form(standard_indicators(), funds=("100", "100", "112.50", "10", "112.5%", "10"))
    + full_narrative({"六、部门整体支出绩效情况": "全年无超预算支出。"}),
    markdown_department("全年无超预算支出。", actual="340.00", rate="103.03%"),
)
def test_no_overspending_claim_against_the_funds_block(text, name):
    (f,) = findings(text, "XREF007", name)
    assert "超过" in f.message and f.actual in ("112.5万元", "340万元")


@layouts(
    word_project(narrative="经问卷调查，学员满意度100%。"),
    markdown_project(narrative="经问卷调查，读者满意度100%。"),
)
def test_full_satisfaction_claim_in_a_project_report(text, name):
    (f,) = findings(text, "NARR006", name)
    assert f.actual == "100%" and f.expected in ("93.5%", "95%")
    assert findings(text.replace("满意度100%", "满意度较高"), "NARR006", name) == []


# ---------------------------------------------------------------- totals and parts of 收入 and 支出 (NARR001)

INCOME_BAD = "2024年收入合计2,486.30万元，其中财政拨款2,301.50万元、上年结转120.40万元、其他收入74.40万元。"
SPENDING_BAD = "2024年支出合计2,383.60万元，其中基本支出1,526.30万元、项目支出847.30万元。"


@layouts(
    word_department({"二、一般公共预算支出情况": INCOME_BAD + SPENDING_BAD}),
    markdown_department(INCOME_BAD + SPENDING_BAD),
)
def test_income_and_spending_totals_against_their_listed_parts(text, name):
    # Income parts above the total are wrong; 基本支出 + 项目支出 is the whole of 支出, so below it is wrong too.
    found = {f.actual: f.expected for f in findings(text, "NARR001", name)}
    assert found == {"2,486.30万元": "2496.30万元", "2,383.60万元": "2373.60万元"}
    right = text.replace("74.40万元", "64.40万元").replace("847.30万元", "857.30万元")
    assert findings(right, "NARR001", name) == []
    # Income may have parts the sentence does not list: below the total is no error.
    assert findings(text.replace("74.40万元", "54.40万元").replace("847.30万元", "857.30万元"), "NARR001", name) == []


# ---------------------------------------------------------------- a budget figure against the budget column, grade (XREF003, SCORE011)


@layouts(
    word_department({"二、一般公共预算支出情况": "2024年基本支出预算数190.00万元。"}),
    markdown_department("2024年基本支出预算数190.00万元。"),
)
def test_a_budget_figure_is_compared_with_the_budget_column(text, name):
    # 基本支出 2024: 预算数 190.00, 决算数 200.00 in both layouts' basic data.
    assert findings(text, "XREF003", name) == []
    (mixed,) = findings(text.replace("预算数190.00", "预算数200.00"), "XREF003", name)
    assert mixed.severity == "warning" and "口径混用" in mixed.message and mixed.expected == "190.00万元"
    (wrong,) = findings(text.replace("预算数190.00", "预算数195.00"), "XREF003", name)
    assert wrong.severity == "error" and wrong.expected == "190.00万元"


@layouts(
    word_department({"九、部门整体支出绩效自评结果拟应用和公开情况": "综合评分为92分，自评等级为优。"}, total=("100", "92")),
    markdown_department("经自评，综合评分为99.7分，自评等级为良。"),
)
def test_the_grade_in_the_text_against_the_forms_total(text, name):
    grade = "良" if "等级为良" in text else "优"
    if grade == "优":  # 92 is 优: right; 82 is 良
        assert findings(text, "SCORE011", name) == [] and findings(text, "NARR003", name) == []
        text = text.replace("92", "82")
    (f,) = findings(text, "SCORE011", name)
    assert f.actual in ("优", "良") and f.expected in ("良", "优") and f.actual != f.expected
    assert findings(text, "NARR003", name) == []  # the score sentence agrees with the form


@layouts(
    word_project(narrative="本项目资金使用规范，无超预算支出。"),
    markdown_project(narrative="本项目资金使用规范，无超预算支出。"),
)
def test_no_overspending_claim_against_a_projects_funds(text, name):
    assert findings(text, "XREF007", name) == []  # 39.20 spent of 40.00
    (f,) = findings(text.replace("39.20", "42.60"), "XREF007", name)
    assert f.actual == "42.6万元" and f.expected == "≤40万元"


KEY_VALUE_PROJECT = tsv(
    "城区绿道提质项目支出绩效自评表",
    "项目名称 | 城区绿道提质 | 项目单位 | 青山县林业局",
    "计划安排资金（万元） | 80.00 | 实际到位资金（万元） | 76.00",
    "实际支出（万元） | 75.50 | 结余（万元） | 0.50",
    "",
    "项目自评结论",
    "项目资金到位76.00万元，实际支出75.50万元，无超预算支出。",
)
PREFECTURE = (Path(__file__).resolve().parent.parent / "samples" / "hunan_prefecture.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (KEY_VALUE_PROJECT.replace("\t75.50\t", "\t81.20\t"), "tsv.txt"),
        (
            PREFECTURE.replace("结转下年用于抚育管护。", "结转下年用于抚育管护，无超预算支出。")
            .replace("\t实际支出（万元）\n\t172.35", "\t实际支出（万元）\n\t182.35"),
            "word.txt",
        ),
    ],
    ids=["tsv", "word"],
)
def test_no_overspending_claim_against_a_projects_planned_and_spent_funds(text, name):
    # Key-value funds (计划安排资金 | 实际到位资金 | 实际支出), as Excel copies them and as Word exports them.
    (f,) = findings(text, "XREF007", name)
    assert "实际支出" in f.message and "计划安排资金" in f.message and f.actual in ("81.2万元", "182.35万元")
    within = text.replace("\t81.20\t", "\t75.50\t").replace("\t182.35", "\t172.35")
    assert findings(within, "XREF007", name) == []
    # Spent above what arrived but within the plan is no 超预算.
    assert findings(within.replace("\t75.50\t", "\t78.50\t"), "XREF007", name) == []


DETAIL_WORD = "\n项目支出明细（单位：万元）\n\n" + table(
    [["序号", "支出内容", "实际支出数", "会计凭证号"], ["1", "图书采购", "24.50", "记-012"], ["2", "讲座场地", "14.70", "记-031"],
     ["", "支出合计", "39.20", ""]]
)
DETAIL_MARKDOWN = (
    "| 序号 | 支出内容 | 实际支出数 | 会计凭证号 |\n| --- | --- | --- | --- |\n| 1 | 图书采购 | 24.50 | 记-012 |\n"
    "| 2 | 讲座场地 | 14.70 | 记-031 |\n|  | 支出合计 | 39.20 |  |\n\n"
)
DETAIL_SAID = f"{PROJECT}项目图书采购支出24.50万元，讲座场地租用支出14.70万元。"


@layouts(
    word_project(narrative=DETAIL_SAID).replace("附件四", DETAIL_WORD + "附件四"),
    markdown_project(narrative=DETAIL_SAID).replace("填表人：", DETAIL_MARKDOWN + "填表人："),
)
def test_project_amount_in_the_text_against_its_spending_details(text, name):
    # 24.50 is a line of the project's 支出明细, not a figure of its funds block: no warning.
    assert findings(text, "NARR005", name) == []
    (f,) = findings(text.replace("图书采购支出24.50万元", "图书采购支出26.50万元"), "NARR005", name)
    assert f.actual == "26.50万元"


@layouts(
    word_department({"二、一般公共预算支出情况": "2024年支出376.36万元，比上年减少19.15万元，下降6.0%。"}),
    markdown_department("2024年支出376.36万元，比上年减少19.15万元，下降6.0%。"),
)
def test_a_change_rate_recomputed_from_last_years_amount(text, name):
    # Last year: 376.36 + 19.15 = 395.51; 19.15 ÷ 395.51 = 4.84%.
    (f,) = findings(text, "XREF004", name)
    assert f.expected == "4.84%"
    assert findings(text.replace("下降6.0%", "下降4.84%"), "XREF004", name) == []
    assert findings(text, "NARR002", name) == []


@layouts(
    word_department({"九、部门整体支出绩效自评结果拟应用和公开情况": "本部门绩效自评综合得分95分。"}, total=("100", "92")),
    markdown_department("经评价，本馆绩效自评综合得分95分。"),
)
def test_the_comprehensive_self_evaluation_score_phrase(text, name):
    (f,) = findings(text, "NARR003", name)
    assert f.actual == "95分" and f.expected in ("92分", "99.7分")


STATED_SCORE = tsv(
    "2023年度部门整体支出绩效自评表",
    "部门名称 | 青山县林业局",
    "评价内容 | 绩效目标 | 完成情况",
    "预算执行 | 部门预算执行率≥90% | 部门预算执行率95.87%",
    "国土绿化 | 完成人工造林≥3.2万亩 | 完成人工造林3.46万亩",
    "综合得分 | 88.5 | 评价等次 | 良",
    "",
    "青山县林业局2023年度部门整体支出绩效自评报告",
    "一、部门整体支出绩效情况",
    "经自评，部门整体支出综合得分88.5分。",
)


@pytest.mark.parametrize(("text", "name"), [(STATED_SCORE, "tsv.txt"), (PREFECTURE, "word.txt")], ids=["tsv", "word"])
def test_score_in_the_text_against_the_score_stated_beside_the_grade(text, name):
    # No 总分 row: the form states 综合得分 88.5 beside its 评价等次.
    assert findings(text, "NARR003", name) == []
    (f,) = findings(text.replace("综合得分88.5分", "综合得分91分"), "NARR003", name)
    assert f.expected == "88.5分" and f.actual == "91分"
