"""Forms from provinces the reader was not built on: a careful reviewer's eye, no false alarms."""

from tests.reports import review_text


def _tsv(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(r) for r in rows) + "\n"


def _score_sheet(reason_column: bool) -> str:
    """A department score sheet (序号 / 三级 levels / 指标分值 / 评分标准 / 自评得分), two deductions."""
    header = ["序号", "一级指标", "二级指标", "三级指标", "指标分值", "评分标准", "自评得分"]
    rows = [
        ["1", "投入(30分)", "预算编制(15分)", "预算编制科学性", "15", "依据充分得15分", "15"],
        ["2", "", "预算执行(15分)", "预算执行率", "15", "执行率×15分", "14.4"],
        ["3", "产出(40分)", "职责履行(40分)", "重点工作完成率", "40", "完成率×40分", "40"],
        ["4", "效果(30分)", "履职效益(30分)", "服务对象满意度", "30", "满意度≥90%得满分", "28"],
        ["", "合计", "", "", "100", "", "97.4"],
    ]
    if reason_column:
        header.append("扣分原因")
        rows = [r + [""] for r in rows]
    return _tsv([["2024年度部门整体支出绩效评价自评表"], ["单位名称", "北川湾县测试局"], header, *rows])


def test_score_sheet_without_reason_column_is_not_asked_for_reasons():
    # The form has nowhere to write a reason and its rows carry no target to judge the
    # deduction by: the 评分标准 column governs, so "未说明扣分原因" would be noise.
    report, findings = review_text(_score_sheet(reason_column=False))
    assert len(report.department.indicators.indicators) == 4
    assert [f"{f.rule} {f.message}" for f in findings] == []


def test_score_sheet_with_an_empty_reason_column_still_warns():
    _, findings = review_text(_score_sheet(reason_column=True))
    warned = sorted(f.message for f in findings if f.rule == "SCORE008")
    assert len(warned) == 2
    assert "「预算执行率」分值15分、得分14.4分" in warned[0] + warned[1]
    assert "「服务对象满意度」分值30分、得分28分" in warned[0] + warned[1]


def test_met_target_deducted_warns_even_without_reason_column():
    # A target that was met and still lost points: the deduction itself may be wrong,
    # whether or not the form has a column for the reason.
    text = _tsv([
        ["2024年度项目支出绩效自评表"],
        ["项目名称", "测试水库巡查"],
        ["实施单位", "北川湾县水利局"],
        ["资金情况（万元）", "年初预算数", "全年预算数", "全年执行数", "执行率", "分值", "得分"],
        ["年度资金总额", "50.00", "50.00", "50.00", "100.00%", "10", "10"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "巡查次数", "≥120次", "126次", "50", "45"],
        ["效益指标", "社会效益指标", "险情处置率", "100%", "100%", "30", "30"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "95%", "10", "10"],
        ["总分", "", "", "", "", "100", "95"],
    ])
    _, findings = review_text(text)
    (f,) = [f for f in findings if f.rule == "SCORE008"]
    assert "「巡查次数」分值50分、得分45分，且年度指标值已完成" in f.message


def test_lone_money_table_is_checked_and_the_warning_says_so():
    # A 支出 table by unit, nothing else: its sums are checked (one unit's parts fall 10 short),
    # so the "not a report" warning must not claim that nothing was reviewed.
    text = _tsv([
        ["2024年度支出情况表（万元）"],
        ["机构名称", "支出合计", "基本支出", "项目支出"],
        ["汇总", "640.00", "420.00", "220.00"],
        ["1、局机关", "452.00", "300.00", "152.00"],
        ["2、执法大队", "188.00", "120.00", "58.00"],
    ])
    _, findings = review_text(text)
    assert any(f.rule == "SUM009" and "执法大队" in f.message for f in findings)
    (w,) = [f for f in findings if f.rule == "TEXT007"]
    assert "只核对了其中收支表格的合计" in w.message and "未做实质审阅" not in w.message


def test_unrelated_text_still_says_nothing_was_reviewed():
    _, findings = review_text("关于开展春季植树活动的通知\n\n各单位：请于三月十二日前报名。\n")
    (w,) = [f for f in findings if f.rule == "TEXT007"]
    assert "本次未做实质审阅" in w.message


def test_a_form_title_over_no_table_says_the_form_was_not_checked():
    # Columns aligned with spaces (copied from a PDF viewer), or tables a conversion lost: the
    # title names a form, but there is no table to check; "no findings" would read as a pass.
    spaced = (
        "2024年度项目支出绩效自评表\n\n项目名称    乡村道路养护    主管部门    某县交通运输局\n"
        "年度资金总额    100.00    95.00    95.00%    9.5\n"
    )
    _, findings = review_text(spaced)
    (w,) = [f for f in findings if f.rule == "TEXT007"]
    assert "项目支出绩效自评表" in w.message and "没有读到任何表格" in w.message
    # The same form with its cells separated by tabs is read, and nothing is said.
    tabbed = spaced.replace("    ", "\t")
    assert [f.rule for f in review_text(tabbed)[1] if f.rule == "TEXT007"] == []
