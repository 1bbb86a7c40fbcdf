"""Each rule on a small report: silent on the clean version, firing on the planted mistake."""

from decimal import Decimal

import pytest

from reviewer.rules import REGISTRY, Settings
from tests.reports import basic_data, codes, department_form, full_narrative, review_text, standard_indicators

PROJECT_LINES = [["项目支出：", "30", "40", "45"], ["1、培训项目", "10", "20", "25"], ["2、宣传项目", "20", "20", "20"]]
PUBLIC_LINES = [["公用经费", "10", "12", "11"], ["其中：办公经费", "4", "5", "5"], ["水费、电费、差旅费", "3", "4", "4"]]
SPLITS = [
    ["", "其中： 一般公共预算：100", "其中：基本支出：55"],
    ["", "政府性基金拨款：0", "项目支出：45"],
]


def clean(**changes) -> str:
    """The clean synthetic report with parts replaced."""
    parts = {
        "basic": basic_data(PROJECT_LINES + PUBLIC_LINES),
        "form": department_form(standard_indicators(), splits=SPLITS),
        "narrative": full_narrative(),
    }
    parts.update(changes)
    return parts["basic"] + parts["form"] + parts["narrative"]


def findings_of(text: str, code: str):
    """Findings of one rule on a report."""
    _, findings = review_text(text)
    return [f for f in findings if f.rule == code]


def test_clean_report_has_no_findings():
    report, findings = review_text(clean())
    assert [f"{f.rule} {f.message}" for f in findings] == []
    assert report.unit == "青溪县测试局" and report.year == 2024
    assert len(report.department.indicators.indicators) == 5


def test_every_rule_is_documented():
    for code, r in REGISTRY.items():
        assert r.summary and len(r.doc) > 40, code
        assert "Example" in r.doc, f"{code} docstring needs an example"
        assert code[:-3].isalpha() and code[-3:].isdigit()


# -- SUM -------------------------------------------------------------------------


def test_sum001_total_vs_items_names_both_numbers():
    lines = [["项目支出：", "30", "40", "816.23"], ["1、培训项目", "10", "20", "500.00"], ["2、宣传项目", "20", "20", "322.23"]]
    (f,) = findings_of(clean(basic=basic_data(lines)), "SUM001")
    assert f.message == "项目支出2024年决算数816.23万元，与明细合计822.23万元不一致（差6.00万元）"
    assert f.expected == "822.23万元" and f.actual == "816.23万元"
    assert f.evidence[0].loc.label == "附件一 基础数据表 表1 第4行「项目支出」「2024 年决算数」"


def test_sum001_respects_rounding_intervals():
    # 0.333 + 0.333 + 0.333 written as 0.33 each: total 1.0 written with one decimal is within rounding.
    lines = [["项目支出：", "1.0", "1.0", "1.0"], ["1、甲", "0.33", "0.33", "0.33"], ["2、乙", "0.33", "0.33", "0.33"], ["3、丙", "0.33", "0.33", "0.33"]]
    assert findings_of(clean(basic=basic_data(lines)), "SUM001") == []
    lines[0] = ["项目支出：", "1.02", "1.0", "1.0"]
    assert len(findings_of(clean(basic=basic_data(lines)), "SUM001")) == 1


def test_sum002_sub_items_above_parent():
    lines = PROJECT_LINES + [["公用经费", "10", "12", "11"], ["其中：办公经费", "4", "5", "8"], ["水费、电费、差旅费", "3", "4", "4"]]
    (f,) = findings_of(clean(basic=basic_data(lines)), "SUM002")
    assert "公用经费2024年决算数11万元，其中各项合计12万元" in f.message
    assert (f.actual, f.basis, f.expected) == ("11万元", "computed", "12万元")  # 报告值 is the parent's own figure


def test_sum003_expense_splits_vs_total():
    splits = [["", "其中： 一般公共预算：100", "其中：基本支出：50"], ["", "政府性基金拨款：0", "项目支出：45"]]
    (f,) = findings_of(clean(form=department_form(standard_indicators(), splits=splits)), "SUM003")
    assert f.message.endswith("年度资金总额100万元，与按支出性质分各项合计（基本支出50+项目支出45）95万元不一致（差5万元）")


def test_sum003_staff_and_public_costs_vs_basic_expense():
    splits = SPLITS + [["", "其他资金：0", "人员经费：40"], ["", "", "公用经费：12"]]
    (f,) = findings_of(clean(form=department_form(standard_indicators(), splits=splits)), "SUM003")
    assert f.message == "附件二 部门整体支出绩效自评表基本支出55万元，与人员经费40加公用经费12之和52万元不一致（差3万元）"
    assert f.expected == "52万元" and f.actual == "55万元"


def test_sum004_income_splits_vs_total():
    splits = [["", "其中： 一般公共预算：90", "其中：基本支出：55"], ["", "政府性基金拨款：5", "项目支出：45"]]
    (f,) = findings_of(clean(form=department_form(standard_indicators(), splits=splits)), "SUM004")
    assert "按收入性质分各项合计（一般公共预算90+政府性基金拨款5）95万元" in f.message


def test_sum006_execution_rate_recomputed():
    funds = ("212.40", "212.40", "172.18", "10", "100%", "10")
    (f,) = findings_of(clean(form=department_form(standard_indicators(), funds=funds, splits=None)), "SUM006")
    assert f.expected == "81.06%" and f.actual == "100%"
    ok = ("212.40", "212.40", "172.18", "10", "81.06%", "8.11")
    assert findings_of(clean(form=department_form(standard_indicators(), funds=ok, splits=None)), "SUM006") == []


def test_sum007_staff_control_rate():
    (f,) = findings_of(clean(basic=basic_data(PROJECT_LINES, staff=("25", "14", "65%"))), "SUM007")
    assert f.expected == "56.00%"


# -- SCORE -----------------------------------------------------------------------


def test_score001_weights_do_not_add_to_total():
    indicators = standard_indicators()
    indicators[3] = ["", "效益指标(40 分)", "社会效益指标", "受训人数", "≥500人", "520人", "40", "40", "无"]
    text = clean(form=department_form(indicators, total=("100", "110"), splits=SPLITS))
    (f,) = findings_of(text, "SCORE001")
    assert "加预算执行率分值10分共110分，与总分分值100分不一致" in f.message
    assert (f.actual, f.basis, f.expected) == ("100分", "computed", "110分")  # the stated full score, the weights' sum
    # A department-wide form follows its province's weights: no usual-split warning (SCORE003 is for projects).
    assert "SCORE003" not in codes(review_text(text)[1])


def project_version(form: str) -> str:
    """The same form as a 项目支出绩效自评表 of a project named 青溪县培训项目."""
    return form.replace("部门整体支出绩效自评表", "项目支出绩效自评表").replace("预算部门、单位名称", "项目名称").replace(
        "青溪县测试局", "青溪县培训项目"
    )


def test_score003_a_project_split_other_than_50_30_10_is_a_warning_a_department_split_is_not():
    indicators = standard_indicators()
    indicators[0] = ["", "产出指标(40 分)", "数量指标", "培训场次", "≥10次", "12次", "10", "10", "无"]
    indicators[3] = ["", "效益指标(40 分)", "社会效益指标", "受训人数", "≥500人", "520人", "40", "40", "无"]
    department = department_form(indicators)
    (f,) = findings_of(project_version(department), "SCORE003")
    assert f.severity == "warning"
    assert f.message.endswith("一级指标分值为产出指标40分（通常50分），效益指标40分（通常30分）")
    assert "项目支出绩效自评表「青溪县培训项目」" in f.message
    assert "SCORE003" not in codes(review_text(department)[1])
    # The usual split on a project form: nothing to say.
    assert "SCORE003" not in codes(review_text(project_version(department_form(standard_indicators())))[1])


def test_score002_header_points_vs_rows():
    indicators = standard_indicators()
    indicators[3][1] = "效益指标(40 分)"
    (f,) = findings_of(clean(form=department_form(indicators, splits=SPLITS)), "SCORE002")
    assert f.message.endswith("「效益指标」标注40分，其下各指标分值合计30分")
    assert (f.actual, f.basis, f.expected) == ("40分", "computed", "30分")


def test_score004_and_score005():
    text = clean(form=department_form(standard_indicators(scores=("20", "22", "10", "30", "10")), total=("100", "100"), splits=SPLITS))
    assert len(findings_of(text, "SCORE004")) == 1
    (f,) = findings_of(text, "SCORE005")
    assert f.expected == "102分" and f.actual == "100分"


def test_score006_execution_score():
    funds = ("100", "100", "80", "10", "80%", "10")
    (f,) = findings_of(clean(form=department_form(standard_indicators(), funds=funds, splits=None, total=("100", "100"))), "SCORE006")
    assert f.expected == "8.00分"


def test_score007_full_marks_on_missed_target_and_score009_without_reason():
    indicators = standard_indicators()
    indicators[1] = ["", "", "质量指标", "合格率", "≥95%", "90%", "20", "20", "无"]
    text = clean(form=department_form(indicators, splits=SPLITS))
    (f,) = findings_of(text, "SCORE007")
    assert "实际完成值90%未达到年度指标值≥95%，却得满分20分" in f.message
    assert len(findings_of(text, "SCORE009")) == 1


def test_score009_strict_comparator_and_reason_accepted():
    indicators = standard_indicators()
    indicators[1] = ["", "", "质量指标", "合格率", ">95%", "95%", "20", "19", "无"]
    (f,) = findings_of(clean(form=department_form(indicators, total=("100", "99"), splits=SPLITS)), "SCORE009")
    assert "严格大于" in f.message
    indicators[1][-1] = "两名学员缺考，下年度加强考前辅导。"
    assert findings_of(clean(form=department_form(indicators, total=("100", "99"), splits=SPLITS)), "SCORE009") == []


def test_score008_deduction_without_reason():
    text = clean(form=department_form(standard_indicators(scores=("18", "20", "10", "30", "10")), total=("100", "98"), splits=SPLITS))
    (f,) = findings_of(text, "SCORE008")
    assert "分值20分、得分18分，且年度指标值已完成" in f.message


def test_score010_far_above_target():
    indicators = standard_indicators()
    indicators[0] = ["", "产出指标(50 分)", "数量指标", "培训场次", "≥10次", "25次", "20", "20", "无"]
    (f,) = findings_of(clean(form=department_form(indicators, splits=SPLITS)), "SCORE010")
    assert "为年度指标值≥10次的250%" in f.message


def test_score011_grade_vs_score():
    text = clean(narrative=full_narrative({"九、部门整体支出绩效自评结果拟应用和公开情况": "自评等级为良。"}))
    (f,) = findings_of(text, "SCORE011")
    assert f.expected == "优" and f.actual == "良"


@pytest.mark.parametrize(
    "target, actual, score, formula, fires",
    [
        ("≥100次", "60次", "18", "ratio", True),  # 60% of 20 = 12
        ("≥100次", "60次", "12", "ratio", False),
        ("≥100次", "60次", "12.4", "ratio", False),  # within half a point
        ("≤10天", "20天", "12", "ratio", True),  # 10/20 × 20 = 10
        ("≤10天", "20天", "10", "ratio", False),
        ("≤10天", "15天", "12", "deviation", True),  # (1 − 5/10) × 20 = 10
        ("≤10天", "15天", "10", "deviation", False),
        ("≤10天", "12天", "1", "zero", True),
    ],
)
def test_score013_proportional_score(target, actual, score, formula, fires):
    indicators = standard_indicators()
    indicators[0] = ["", "产出指标(50 分)", "数量指标", "办结时限", target, actual, "20", score, "受天气影响延误"]
    total = str(80 + float(score)).removesuffix(".0")
    text = clean(form=department_form(indicators, total=("100", total), splits=SPLITS))
    _, findings = review_text(text, Settings(negative_scoring=formula))
    assert len([f for f in findings if f.rule == "SCORE013"]) == int(fires)


def test_tolerance_widens_sums():
    lines = [["项目支出：", "30", "40", "45.02"], ["1、培训项目", "10", "20", "25"], ["2、宣传项目", "20", "20", "20"]]
    text = clean(basic=basic_data(lines))
    assert "SUM001" in codes(review_text(text)[1])
    assert "SUM001" not in codes(review_text(text, Settings(tolerance=Decimal("0.05")))[1])


def test_score012_rate_above_hundred():
    funds = ("100", "100", "120", "10", "120%", "10")
    assert len(findings_of(clean(form=department_form(standard_indicators(), funds=funds, splits=None)), "SCORE012")) == 1


# -- IND -------------------------------------------------------------------------


def _with_row(row):
    indicators = standard_indicators()
    indicators[1] = row
    return clean(form=department_form(indicators, splits=SPLITS))


def test_ind001_malformed_target():
    (f,) = findings_of(_with_row(["", "", "质量指标", "合格率", "≤万元", "3万元", "20", "20", "无"]), "IND001")
    assert "缺少数值" in f.message


def test_ind002_target_at_least_hundred():
    assert len(findings_of(_with_row(["", "", "质量指标", "覆盖率", "≥100%", "100%", "20", "20", "无"]), "IND002")) == 1


def test_ind003_range_and_copy():
    assert len(findings_of(_with_row(["", "", "质量指标", "合格率", "≥95%", "95%以上", "20", "20", "无"]), "IND003")) == 1
    copy = ["", "", "质量指标", "培训质量", "达到省定标准", "达到省定标准", "20", "20", "无"]
    assert "完全相同" in findings_of(_with_row(copy), "IND003")[0].message


def test_ind004_qualitative_answer():
    assert len(findings_of(_with_row(["", "", "质量指标", "完成项目数", "1项", "提升明显", "20", "20", "无"]), "IND004")) == 1


def test_ind005_blank_target_scored():
    (f,) = findings_of(_with_row(["", "", "质量指标", "生态效益", "", "提升明显", "20", "20", "无"]), "IND005")
    assert f.message.endswith("年度指标值空白，却得20分")


def test_ind007_timeliness_after_report_year():
    target, actual = findings_of(_with_row(["", "", "时效指标", "完成时间", "=2025年", "2025年", "20", "20", "无"]), "IND007")
    assert "年度指标值“=2025年”晚于报告年度2024年" in target.message
    assert "实际完成值“2025年”晚于报告年度2024年" in actual.message


def test_ind008_cost_with_lower_bound():
    assert len(findings_of(_with_row(["", "", "成本指标", "培训成本", "≥20万元", "18万元", "20", "20", "节约开支"]), "IND008")) == 1


def test_ind009_satisfaction_hundred_without_survey():
    row = ["", "", "质量指标", "学员满意度", "≥95%", "100%", "20", "20", "无"]
    narrative = full_narrative({"六、部门整体支出绩效情况": "各项指标均已完成。"})
    text = basic_data(PROJECT_LINES + PUBLIC_LINES) + department_form(
        [standard_indicators()[0], row, *standard_indicators()[2:]], splits=SPLITS
    ) + narrative
    assert len(findings_of(text, "IND009")) == 1
    assert findings_of(_with_row(row), "IND009") == []  # the clean narrative mentions 问卷调查


# -- XREF ------------------------------------------------------------------------


def test_xref001_basic_data_vs_department_form():
    splits = [["", "其中： 一般公共预算：100", "其中：基本支出：62"], ["", "政府性基金拨款：0", "项目支出：38"]]
    (f,) = findings_of(clean(form=department_form(standard_indicators(), splits=splits)), "XREF001")
    assert f.message.startswith("项目支出：附件一 基础数据表 表1 第4行「项目支出」「2024 年决算数」为45万元，")
    assert f.message.endswith("「项目支出」为38万元，两处不一致（差7万元）")


def test_xref002_denial_against_table():
    splits = [["", "其中： 一般公共预算：80", "其中：基本支出：55"], ["", "政府性基金拨款：20", "项目支出：45"]]
    (f,) = findings_of(clean(form=department_form(standard_indicators(), splits=splits)), "XREF002")
    assert f.message == "报告称“2024年本部门无政府性基金安排支出”，但附件二 部门整体支出绩效自评表 表2 第6行「政府性基金拨款」政府性基金为20万元"


def test_xref003_narrative_staff_quota():
    text = clean(narrative=full_narrative({"一、部门基本情况": "核定编制数合计14名，行政编制数4名。"}))
    (f,) = findings_of(text, "XREF003")
    assert f.severity == "error" and f.expected == "25名" and f.actual == "14名"


def test_xref003_severity_follows_the_measure():
    # 项目支出 2024: 预算数 40, 决算数 45 in the basic data.
    said = {"二、一般公共预算支出情况": "2024年本部门项目支出预算数38.00万元。"}
    (f,) = findings_of(clean(narrative=full_narrative(said)), "XREF003")
    assert f.severity == "error" and f.expected == "40万元"  # same measure (预算) compared first
    said = {"二、一般公共预算支出情况": "2024年本部门项目支出43.00万元。"}
    (f,) = findings_of(clean(narrative=full_narrative(said)), "XREF003")
    assert f.severity == "error" and f.expected == "45万元"
    said = {"二、一般公共预算支出情况": "2024年本部门基本支出预算数50.00万元。"}
    (f,) = findings_of(clean(narrative=full_narrative(said)), "XREF003")
    assert f.severity == "warning"  # the form states 基本支出 only as one unqualified amount


def test_xref003_control_rate():
    said = {"一、部门基本情况": "本局人员控制率95%。"}
    (f,) = findings_of(clean(narrative=full_narrative(said)), "XREF003")
    assert f.expected == "56%" and f.actual == "95%"


def test_xref003_satisfaction_claim_against_the_indicator():
    said = {"六、部门整体支出绩效情况": "各项指标均已完成，经问卷调查，学员满意度达100%。"}
    (f,) = findings_of(clean(narrative=full_narrative(said)), "XREF003")
    assert f.expected == "93.5%" and f.actual == "100%" and f.severity == "error"
    assert f.evidence[1].loc.label.endswith("「实际完成值」")


def test_xref007_no_overrun_claim_against_tables():
    said = {"二、一般公共预算支出情况": "2024年全年无超预算支出。"}
    overrun = ("100", "100", "112.50", "10", "112.5%", "10")
    (f,) = findings_of(clean(form=department_form(standard_indicators(), funds=overrun, splits=None), narrative=full_narrative(said)), "XREF007")
    assert f.message.startswith("报告称“无超预算支出”，但") and "112.5万元超过" in f.message
    # 项目支出 2024 in the basic data: 预算数 40, 决算数 45 — in-year additions, not an overrun.
    assert findings_of(clean(narrative=full_narrative(said)), "XREF007") == []


def test_xref004_change_rate():
    body = "本年财政拨款支出376.36万元，比上年减少19.15万元，下降6.00%。"
    (f,) = findings_of(clean(narrative=full_narrative({"二、一般公共预算支出情况": body})), "XREF004")
    assert f.expected == "4.84%"
    good = "本年财政拨款支出376.36万元，比上年减少19.15万元，下降4.84%。"
    assert findings_of(clean(narrative=full_narrative({"二、一般公共预算支出情况": good})), "XREF004") == []


# -- TEXT ------------------------------------------------------------------------


def test_text001_residue():
    text = clean(narrative=full_narrative({"十、其他需要说明的情况": "××单位（每个专项一行）"}))
    assert len(findings_of(text, "TEXT001")) == 2


def test_text002_signature_without_year():
    text = clean().replace("填报日期：2025年6月1日", "填报日期：6月1日")
    (f,) = findings_of(text, "TEXT002")
    assert f.message.startswith("填报日期未写年份（共2处")


def test_text003_missing_sections_in_one_finding():
    text = clean(narrative=full_narrative()).replace("七、存在的问题及原因分析", "七、其他").replace("八、下一步改进措施", "八、其他事项")
    (f,) = findings_of(text, "TEXT003")
    assert f.message == "自评报告缺少2个规定部分：存在的问题及原因分析、下一步改进措施"


def test_text004_no_problems_claimed_while_missed():
    indicators = standard_indicators()
    indicators[1] = ["", "", "质量指标", "合格率", "≥95%", "90%", "20", "15", "两名学员缺考"]
    text = clean(form=department_form(indicators, total=("100", "95"), splits=SPLITS), narrative=full_narrative({"七、存在的问题及原因分析": "无"}))
    (f,) = findings_of(text, "TEXT004")
    assert "有1项指标未完成" in f.message


def test_text005_repeated_paragraph():
    para = "本部门严格执行预算管理制度，加强资金使用监督，确保资金安全高效使用，取得良好效果。"
    text = clean(narrative=full_narrative({"六、部门整体支出绩效情况": para, "八、下一步改进措施": para}))
    assert len(findings_of(text, "TEXT005")) == 1


def test_text006_numbering_gap():
    lines = [["项目支出：", "30", "40", "45"], ["1、培训项目", "10", "20", "25"], ["3、宣传项目", "20", "20", "20"]]
    assert findings_of(clean(basic=basic_data(lines)), "TEXT006")[0].severity == "info"


# -- settings ----------------------------------------------------------------------


def test_settings_select_ignore_and_severity():
    lines = [["项目支出：", "30", "40", "55"], ["1、培训项目", "10", "20", "25"], ["2、宣传项目", "20", "20", "20"]]
    text = clean(basic=basic_data(lines))
    assert codes(review_text(text)[1])[:2] == ["SUM001", "XREF001"]
    assert codes(review_text(text, Settings(ignore=["SUM", "XREF"]))[1]) == []
    (f,) = review_text(text, Settings(select=["SUM001"], severity={"SUM001": "warning"}))[1]
    assert f.severity == "warning"


@pytest.mark.parametrize("threshold, expected", [(Decimal(90), 1), (Decimal(80), 0)])
def test_low_execution_threshold(threshold, expected):
    funds = ("100", "100", "85", "10", "85%", "8.5")
    form = department_form(standard_indicators(), funds=funds, total=("100", "98.5"))
    text = clean(form=form, narrative=full_narrative({"七、存在的问题及原因分析": "无"}))
    _, findings = review_text(text, Settings(low_execution_rate=threshold))
    assert len([f for f in findings if f.rule == "TEXT004"]) == expected


def test_settings_enabled_covers_any_code_family():
    settings = Settings(select=["SUM", "LLM"], ignore=["LLM003"])
    assert settings.enabled("SUM001") and settings.enabled("LLM001")
    assert not settings.enabled("LLM003") and not settings.enabled("XREF001")


def test_text007_nothing_recognised():
    _, findings = review_text("关于做好年度工作的通知\n\n各单位：请按时报送材料。\n")
    assert codes(findings) == ["TEXT007"]
    assert codes(review_text(clean())[1]) == []
