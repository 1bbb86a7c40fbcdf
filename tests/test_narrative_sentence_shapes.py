"""Sentence shapes real narratives use, read against the tables without a false finding.

A claim that leaves indicators out ("除…外，其余指标均已完成") is no claim that
all were met; a total whose use is described before its 其中 parts is still
their total; a share may write its base's amount inside it ("占部门总支出
632.00万元的45.66%"); an execution rate after the clause of the spent amount
("调整后预算845.60万元；实际支出813.89万元，执行率96.25%") is the department's.
All reports are invented for these tests.
"""

import pytest

from reviewer.extract import extract
from reviewer.ingest.text import read_text
from tests.test_rules_narrative import MISSED, findings, layouts, markdown_project, word_department

SIX = "六、部门整体支出绩效情况"


# ---------------------------------------------------------------- NARR004: claims about some indicators only


@pytest.mark.parametrize(
    "said",
    [
        "除“合格率”外，其余指标均已完成。",
        "除合格率未达到目标以外，其他各项指标均已完成。",
        "共设置5项指标，4项指标均已完成，合格率未达标。",
        "其余绩效指标均已全部完成。",
    ],
)
def test_a_claim_that_leaves_the_missed_indicator_out_is_no_claim(said):
    assert findings(word_department({SIX: said}, indicators=MISSED, total=("100", "98")), "NARR004") == []


@layouts(
    word_department({SIX: "年初设定的绩效指标均已全部完成。"}, indicators=MISSED, total=("100", "98")),
    markdown_project(narrative="项目设定的产出、效益和满意度指标均已全部完成。", missed=True, total="94"),
)
def test_a_claim_with_all_between_its_verb_and_completion_is_read(text, name):
    (f,) = findings(text, "NARR004", name)
    assert f.evidence[0].quote.endswith("指标均已全部完成")


# ---------------------------------------------------------------- NARR001: a described total before 其中


BASIC = "2024年本部门基本支出200.00万元，主要用于在职人员工资福利和机关日常运转，其中人员经费{staff}万元、公用经费48.00万元。"


def test_parts_of_a_total_whose_use_is_described_before_qizhong():
    (f,) = findings(word_department({"二、一般公共预算支出情况": BASIC.format(staff="155.00")}), "NARR001")
    assert "200.00" in f.message and f.expected == "203.00万元"
    assert findings(word_department({"二、一般公共预算支出情况": BASIC.format(staff="152.00")}), "NARR001") == []


def test_a_clause_with_its_own_figures_before_qizhong_is_not_skipped():
    # "用于3个项目" has a figure of its own: the total is not looked for further back.
    said = "项目支出120.00万元，用于3个项目，其中培训经费130.00万元、教材经费10.00万元。"
    assert findings(word_department({"二、一般公共预算支出情况": said}), "NARR001") == []


# ---------------------------------------------------------------- NARR002: the base's amount inside the share


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        ("项目支出120.00万元，占部门总支出320.00万元的37.50%。", False),
        ("项目支出120.00万元，占部门总支出320.00万元的40.50%。", True),
        ("政府采购金额57.32万元，占政府采购预算60.00万元的95.5%。", False),
        ("政府采购金额57.32万元，占政府采购预算60.00万元的97.5%。", True),
    ],
)
def test_a_share_that_writes_its_base_amount_inside_it(said, wrong):
    found = findings(word_department({"二、一般公共预算支出情况": said}), "NARR002")
    assert len(found) == wrong
    if wrong:
        assert "÷" in found[0].message and found[0].evidence[0].quote.startswith("占")


# ---------------------------------------------------------------- 执行率 after the clause of the spent amount


def rate_report(rate: str) -> str:
    said = f"年初预算90.00万元，年中追加10.00万元，调整后预算100.00万元；实际支出96.00万元，执行率{rate}。"
    return word_department({SIX: said}).replace("\t100\n\t100\n\t100\n\t10\n\t100%\n\t10", "\t90\n\t100\n\t96\n\t10\n\t96%\n\t9.6", 1)


def test_the_rate_after_the_spent_clause_is_the_departments():
    text = rate_report("97.50%")
    assert "\t96%" in text  # the form's 执行率 is 96%
    facts = [f for f in extract(read_text(text, "t.txt", "0" * 64)).facts if f.key == "执行率" and f.source == "narrative"]
    assert [str(f.quantity.value) for f in facts] == ["97.50"]
    (f,) = findings(text, "XREF003")
    assert "97.5" in f.message and "96" in f.message
    assert findings(rate_report("96.00%"), "XREF003") == []


def test_a_projects_rate_after_its_spent_clause_stays_the_projects():
    said = "调整后预算100.00万元；其中培训项目实际支出50.00万元，执行率80.00%。"
    assert findings(word_department({SIX: said}), "XREF003") == []


# ---------------------------------------------------------------- XREF005: what an indicator counts


def test_indicators_counting_different_things_are_not_the_same():
    from tests.test_narrative_clauses import counted_forms, found

    blocks = counted_forms("特困人员供养乡镇数", "12人")
    assert found(blocks, "word.txt", "XREF005") == []  # 乡镇s, not 特困人员 供养
    (f,) = found(counted_forms("特困供养人员数", "742人"), "word.txt", "XREF005")  # the same count in other words
    assert f.expected == "742人"


# ---------------------------------------------------------------- XREF004: a sentence opening with last year's amount


@pytest.mark.parametrize(("rate", "wrong"), [("10.00%", False), ("12.50%", True)])
def test_a_change_said_of_this_year_after_last_years_amount(rate, wrong):
    said = f"上年该项目支出1000.00万元，本年增加100.00万元，同比增长{rate}。"
    found = findings(word_department({SIX: said}), "XREF004")
    assert len(found) == wrong
    if wrong:  # explained from last year's 1000, not from a last year of 900
        assert "按上年1000" in found[0].message and found[0].expected == "10.00%"


# ---------------------------------------------------------------- XREF003: bounds, per-person figures, years side by side

# The basic data of tests.test_rules_narrative: 基本支出 180/190/200, 项目支出 100/110/120 (2023决算, 2024预算, 2024决算).


def narrative_facts(said: dict[str, str]) -> list:
    report = extract(read_text(word_department(said), "t.txt", "0" * 64))
    return [f for f in report.facts if f.source == "narrative" and f.key and "六、" in f.loc.label]


@pytest.mark.parametrize(
    "said",
    [
        "全年预算执行率超过90%，项目支出约120万元。",
        "满意度均在90%以上，基本支出不超过210.00万元。",
        "人均基本支出8.00万元，人均项目支出4.80万元。",
        "平均每人公用经费0.85万元。",
    ],
)
def test_bounds_roundings_and_per_person_figures_state_no_total(said):
    text = word_department({SIX: said})
    assert findings(text, "XREF003") == []
    assert narrative_facts({SIX: said}) == []


def test_a_bound_beside_the_figure_keeps_the_figure():
    said = "项目支出125.00万元，执行率超过90%。"
    assert [(f.key, str(f.value)) for f in narrative_facts({SIX: said})] == [("项目支出", "125.00")]
    (f,) = findings(word_department({SIX: said}), "XREF003")
    assert "125" in f.message and "120" in f.message


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        ("2023年项目支出100.00万元，2024年项目支出120.00万元，项目个数不变。", False),
        ("2023年项目支出100.00万元，2024年项目支出125.00万元，项目个数不变。", True),
        ("2023年项目支出105.00万元，2024年项目支出120.00万元，项目个数不变。", True),
    ],
)
def test_each_figure_is_of_the_year_written_before_it(said, wrong):
    assert [f.year for f in narrative_facts({SIX: said})] == [2023, 2024]
    assert len(findings(word_department({SIX: said}), "XREF003")) == wrong


# ---------------------------------------------------------------- NARR005: an amount per unit of a project


@pytest.mark.parametrize("layout", ["word", "markdown"])
def test_a_projects_amount_per_unit_is_not_its_funds(layout):
    from tests.test_rules_narrative import PROJECT, word_project

    build = word_project if layout == "word" else markdown_project
    for said in (f"{PROJECT}每场讲座平均投入1.96万元。", f"{PROJECT}单个村补助标准2.00万元。"):
        assert findings(build(narrative=said), "NARR005", f"{layout}.md") == []
    (f,) = findings(build(narrative=f"{PROJECT}全年投入1.96万元。"), "NARR005", f"{layout}.md")
    assert f.actual == "1.96万元"


# ---------------------------------------------------------------- XREF003: whose satisfaction (the form measured 学员满意度 93.5%)


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        ("学员满意度93.5%，用人单位满意度96.0%。", False),  # the employers' survey is not on the form
        ("学员满意度95.0%，用人单位满意度96.0%。", True),
        ("经问卷调查，满意度为96.0%。", True),  # names no group: the form's
        ("服务对象满意度96.0%。", True),
    ],
)
def test_a_satisfaction_of_another_group_is_not_the_forms(said, wrong):
    found = findings(word_department({SIX: said}), "XREF003")
    assert len(found) == wrong
    if wrong:
        assert found[0].expected == "93.5%"


# ---------------------------------------------------------------- XREF003: a change against the tables' two years


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        ("项目支出120.00万元，比上年增加20.00万元，增长20.00%。", False),
        ("项目支出120.00万元，比上年减少20.00万元，下降14.29%。", True),  # consistent in itself, not with 100 → 120
        ("项目支出120.00万元，比上年增加12.00万元，增长11.11%。", True),
    ],
)
def test_a_change_against_last_years_table_figure(said, wrong):
    found = [f for f in findings(word_department({SIX: said}), "XREF003") if "比上年" in f.message]
    assert len(found) == wrong
    if wrong:
        assert found[0].expected == "比上年增加20.00万元" and "上年为100.00万元" in found[0].message
    assert findings(word_department({SIX: said}), "XREF004") == []


def test_a_change_of_an_amount_that_is_not_the_tables_is_left_alone():
    said = "其中培训项目支出60.00万元，比上年减少20.00万元，下降25.00%。"  # a part, not the 120.00 of 项目支出
    assert [f for f in findings(word_department({SIX: said}), "XREF003") if "比上年" in f.message] == []


# ---------------------------------------------------------------- 编制 alone, and a sentence that gives a phone number

ONE = "一、部门基本情况"


@pytest.mark.parametrize(
    ("said", "quota"),
    [
        ("全局现有编制30个（行政10个、事业20个），在职人员14名。", "30"),
        ("本单位编制25人，实有14人。", "25"),
        ("本局今年编制3个专项规划，在职人员14名。", None),  # plans drawn up, not posts
        ("行政编制10个、事业编制15个。", None),  # kinds of posts, not the total
    ],
)
def test_quota_written_as_bianzhi_alone(said, quota):
    facts = [f for f in extract(read_text(word_department({ONE: said}), "t.txt", "0" * 64)).facts if f.source == "narrative" and f.key == "编制数"]
    assert [str(f.value) for f in facts] == ([quota] if quota else [])
    assert len(findings(word_department({ONE: said}), "XREF003")) == (quota == "30")  # the basic data's 编制数 is 25


def test_a_sentence_with_the_units_phone_is_still_narrative():
    said = "2024年项目支出125.00万元，联系电话0731-1234567。"
    (f,) = findings(word_department({SIX: said}), "XREF003")
    assert "125" in f.message
    signed = "填表人：李四 联系电话：0731-1234567"  # a signature line stays one
    assert findings(word_department({SIX: signed}), "XREF003") == []


# ---------------------------------------------------------------- XREF002: "无结转结余" while money was left unspent


def unspent(said: str, actual: str = "96") -> str:
    from tests.reports import basic_data, department_form, full_narrative, standard_indicators
    from tests.test_rules_narrative import BASIC_LINES

    rate = f"{actual}%"
    funds = ("100", "100", actual, "10", rate, str(int(actual) / 10))
    return basic_data(BASIC_LINES) + department_form(standard_indicators(), funds=funds) + full_narrative({SIX: said})


@pytest.mark.parametrize(
    ("said", "actual", "wrong"),
    [
        ("全年预算资金全部执行到位，无结转结余。", "96", True),
        ("全年预算资金全部执行到位，无结转结余。", "100", False),
        ("未执行的4.00万元已按规定收回财政，无结转结余。", "96", False),  # returned, not carried over
        ("上年无结转结余资金，本年结转4.00万元。", "96", False),  # last year's
    ],
)
def test_a_denied_carry_over_against_money_left_unspent(said, actual, wrong):
    found = findings(unspent(said, actual), "XREF002")
    assert len(found) == wrong
    if wrong:
        assert found[0].expected == "结转结余4.00万元" and found[0].evidence[0].quote == "无结转结余"
        assert found[0].severity == "warning"  # the money may have been taken back without a word


# ---------------------------------------------------------------- NARR003: last year's score beside this year's (总分 100)


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        ("本年自评得分100分，较上年自评得分96.50分提高3.50分。", False),
        ("2023年度部门整体支出绩效自评得分为96.50分。", False),
        ("上年自评得分96.50分，本年自评得分98.00分。", True),  # this year's is wrong
        ("经2025年5月自评，部门整体支出绩效自评得分98.00分。", True),  # a later year dates the evaluation
    ],
)
def test_last_years_score_is_not_this_years(said, wrong):
    found = findings(word_department({SIX: said}), "NARR003")
    assert len(found) == wrong
    if wrong:
        assert found[0].actual == "98分"


# ---------------------------------------------------------------- XREF003: 分别为, and a share of a quantity


@pytest.mark.parametrize(
    "said",
    [
        "基本支出和项目支出分别为200.00万元和120.00万元。",
        "培训经费60.00万元，占项目支出的50.00%。",
    ],
)
def test_figures_after_fenbie_and_shares_of_a_quantity_are_not_its_amount(said):
    assert findings(word_department({SIX: said}), "XREF003") == []
    assert [f.key for f in narrative_facts({SIX: said})] == []


# ---------------------------------------------------------------- XREF002: a denied breach is no denied fund


def test_a_denied_breach_of_the_moneys_rules_is_not_a_denied_fund():
    from tests.reports import basic_data, department_form, full_narrative, standard_indicators

    splits = [["", "其中：一般公共预算：80", "其中：基本支出：60"], ["", "政府性基金拨款：20", "项目支出：40"]]
    form = department_form(standard_indicators(), splits=splits)
    base = basic_data([["基本支出", "55.00", "60.00", "60.00"], ["项目支出", "35.00", "40.00", "40.00"]]) + form

    def review(said):
        return findings(base + full_narrative({"三、政府性基金预算支出情况": said}), "XREF002")

    assert review("本部门无政府性基金挤占挪用问题。") == []
    assert review("本部门政府性基金无超范围支出。") == []
    (f,) = review("本部门无政府性基金安排支出。")  # the fund itself denied: the form's 20 contradicts it
    assert "20" in f.message


# ---------------------------------------------------------------- NARR005: a use of the project's money, or what it saved


@pytest.mark.parametrize("layout", ["word", "markdown"])
def test_a_projects_use_or_saving_is_not_its_funds(layout):
    from tests.test_rules_narrative import PROJECT, word_project

    build = word_project if layout == "word" else markdown_project
    for said in (f"{PROJECT}项目用于购书16.00万元。", f"{PROJECT}节约资金0.80万元，已收回财政。"):
        assert findings(build(narrative=said), "NARR005", f"{layout}.md") == []


# ---------------------------------------------------------------- the words of the 预算数(A) | 执行数(B) and 调整后预算数 forms


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        ("年初预算90.00万元，调整后预算数100.00万元，预算执行数96.00万元，预算执行率96.00%。", False),
        ("年初预算90.00万元，调整后预算数100.00万元，预算执行数96.00万元，预算执行率98.00%。", True),
        ("年初预算80.00万元，调整后预算数100.00万元，预算执行数96.00万元，预算执行率120.00%。", False),  # of 年初预算
        ("本项目预算数（A）100.00万元，执行数（B）96.00万元，执行率（B/A）96.00%。", False),
        ("本项目预算数（A）100.00万元，执行数（B）96.00万元，执行率（B/A）98.00%。", True),
    ],
)
def test_rates_in_the_words_of_other_forms(said, wrong):
    assert len(findings(word_department({SIX: said}), "NARR002")) == wrong


def test_the_execution_written_as_column_b_is_the_projects():
    from tests.test_rules_narrative import word_project

    said = "本项目预算数（A）40.00万元，执行数（B）39.80万元。"
    (f,) = findings(word_project(narrative=said), "XREF003")
    assert "39.8" in f.message and f.expected.startswith("39.2")
    assert findings(word_project(narrative=said.replace("39.80", "39.20")), "XREF003") == []


def test_a_rate_after_a_list_opening_with_the_initial_budget_is_the_departments():
    said = "年初预算90.00万元，调整后预算数100.00万元，预算执行数100.00万元，预算执行率97.00%。"
    (f,) = findings(word_department({SIX: said}), "XREF003")
    assert "97" in f.message


# ---------------------------------------------------------------- a figure said of last year (项目支出 2023: 100, 2024: 120)


@pytest.mark.parametrize(
    ("said", "year", "wrong"),
    [
        ("上年项目支出100.00万元，本年增加20.00万元，同比增长20.00%。", 2023, False),
        ("上年项目支出105.00万元，本年增加15.00万元，同比增长14.29%。", 2023, True),
        ("与上年相比，项目支出120.00万元，增长明显。", 2024, False),
    ],
)
def test_a_figure_said_of_last_year_is_last_years(said, year, wrong):
    assert [f.year for f in narrative_facts({SIX: said})] == [year]
    assert len(findings(word_department({SIX: said}), "XREF003")) == wrong


# ---------------------------------------------------------------- counts beside money and staff keywords


@pytest.mark.parametrize(
    "said",
    [
        "在职人员平均年龄45岁，在职人员中党员18人。",
        "项目支出共涉及3个项目，基本支出保障在职人员14人正常运转。",
        "全年公务接待12批次86人次。",
    ],
)
def test_counts_beside_money_and_staff_keywords_are_not_their_figures(said):
    assert findings(word_department({SIX: said}), "XREF003") == []


def test_a_head_count_and_an_amount_are_still_read():
    said = "在职人员共16人，项目支出125.00万元。"  # 在职 14 and 项目支出 120 in the tables
    assert sorted((f.key, str(f.value)) for f in narrative_facts({SIX: said})) == [("在职人数", "16"), ("项目支出", "125.00")]
    assert len(findings(word_department({SIX: said}), "XREF003")) == 2


@pytest.mark.parametrize("layout", ["word", "markdown"])
def test_an_amount_used_in_full_is_still_the_projects(layout):
    from tests.test_rules_narrative import PROJECT, word_project

    build = word_project if layout == "word" else markdown_project
    (f,) = findings(build(narrative=f"{PROJECT}项目45.00万元已全部用于年度任务。"), "NARR005", f"{layout}.md")
    assert f.actual == "45.00万元"


# ---------------------------------------------------------------- XREF003: a target in a table is no figure to compare with


def test_a_bound_read_from_a_table_cell_is_no_figure():
    from tests.reports import basic_data, department_form, full_narrative, standard_indicators
    from tests.test_rules_narrative import BASIC_LINES

    # a target read beside its name (as from a form read cell by cell): "学员满意度 | ≥90%" — no measured value
    stray = "\n附件五\n\n满意度调查表\n\t学员满意度\n\t≥90%\n\n"
    text = basic_data(BASIC_LINES) + department_form(standard_indicators()) + stray + full_narrative({SIX: "学员满意度93.5%。"})
    facts = [f for f in extract(read_text(text, "t.txt", "0" * 64)).facts if f.key == "满意度" and f.source == "table"]
    assert any(f.quantity.is_range for f in facts)  # the stray target was read as a 满意度 figure
    assert findings(text, "XREF003") == []
    (f,) = findings(text.replace("学员满意度93.5%。", "学员满意度96.0%。"), "XREF003")  # the form's 93.5% still counts
    assert f.expected == "93.5%"
