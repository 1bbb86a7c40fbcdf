"""A figure of one unit's or project's table speaks only for that unit or project.

Layouts: "tsv" (rows as Excel/WPS copy them) with a 支出情况 table by unit
(汇总 / 馆本级 / 流动服务站 / 少儿分馆); "word" (Word's cell-per-line export) with a
department form and two project forms; and samples/hunan_prefecture.txt.
All reports are invented for these tests.
"""

from pathlib import Path

import pytest

from reviewer.extract import extract
from reviewer.ingest import load
from reviewer.ingest.text import read_text
from reviewer.llm.schemas import Claim, Suspicion
from reviewer.rules import run_rules
from reviewer.verify import Verifier
from tests.forms import tsv
from tests.reports import FUNDS_HEADER, INDICATOR_HEADER, basic_data, department_form, full_narrative, standard_indicators, table

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

BY_UNIT = tsv(
    "2024年度青山县文化馆部门整体支出绩效评价报告",
    "一、收支情况",
    "机构名称 | 支出合计 | 基本支出 | 项目支出",
    "汇总 | 400.00 | 272.40 | 127.60",
    "1、馆本级 | 190.00 | 131.70 | 58.30",
    "2、流动服务站 | 120.00 | 80.70 | 39.30",
    "3、少儿分馆 | 90.00 | 60.00 | 30.00",
    "",
    "二、各单位支出情况",
    "全馆支出合计400.00万元，其中基本支出272.40万元。",
    "馆本级全年支出190.00万元，其中基本支出131.70万元。",
    "流动服务站全年支出120.00万元，其中基本支出80.70万元。",
)


def project_form(name: str, funds: tuple[str, str, str], result: str = "完成了年度任务。") -> str:
    """附件三 for one project in Word's export layout."""
    budget, actual, rate = funds
    rows = [
        ["项目名称", name],
        ["实施单位", "青溪县文化馆"],
        FUNDS_HEADER,
        ["", "年度资金总额", budget, budget, actual, "10", rate, "9.8"],
        ["年度总体目标", "预期目标", "实际完成情况"],
        ["", "完成年度任务。", result],
        INDICATOR_HEADER,
        *standard_indicators(),
        ["总分", "100", "88", ""],
    ]
    return "附件三\n\n2024年度项目支出绩效自评表\n" + table(rows) + "\n"


def word_report(narrative: dict[str, str] | None = None, result_a: str = "完成了年度任务。", indicators=None) -> str:
    """A department report with two project forms; the narrative names each project in a paragraph of its own."""
    said = {
        "二、一般公共预算支出情况": "2024年基本支出200.00万元，项目支出120.00万元。",
        "六、部门整体支出绩效情况": "乡村阅读推广补助项目支出39.20万元。\n\n农家书屋更新补助项目支出57.35万元。",
    }
    said.update(narrative or {})
    return (
        basic_data([["基本支出", "180.00", "190.00", "200.00"], ["项目支出", "100.00", "110.00", "120.00"]])
        + department_form(indicators or standard_indicators(), total=("100", "98"))
        + project_form("乡村阅读推广补助", ("40.00", "39.20", "98%"), result_a)
        + project_form("农家书屋更新补助", ("60.00", "57.35", "95.58%"))
        + full_narrative(said)
    )


def verifier_of(text: str, name: str) -> Verifier:
    document = read_text(text, name, "0" * 64)
    return Verifier(document, extract(document))


# (layout, quote about unit A, A's own figure, a figure only in unit B's table)
CASES = {
    "tsv": (BY_UNIT, "流动服务站全年支出120.00万元", "39.30", "131.70"),
    "word": (word_report(), "乡村阅读推广补助项目支出39.20万元", "40.00", "57.35"),
}


@pytest.mark.parametrize("layout", list(CASES))
def test_a_figure_of_another_units_table_does_not_ground_a_citation(layout):
    text, quote, own, other = CASES[layout]
    verifier = verifier_of(text, f"{layout}.txt")
    borrowed = Suspicion(kind="contradiction", quote=quote, message=f"应为{other}万元", cited_numbers=[other])
    verdict = verifier.suspicion(borrowed)
    assert verdict.outcome == "rejected" and other in verdict.reason
    kept = Suspicion(kind="contradiction", quote=quote, message=f"表中为{own}万元，请核对", cited_numbers=[own])
    assert verifier.suspicion(kept).outcome == "unverified"


def test_one_units_figure_does_not_ground_a_sentence_about_the_whole_department():
    verifier = verifier_of(BY_UNIT, "tsv.txt")
    quote = "全馆支出合计400.00万元"
    unit_only = Suspicion(kind="contradiction", quote=quote, message="项目支出应为58.30万元", cited_numbers=["58.30"])
    assert verifier.suspicion(unit_only).outcome == "rejected"
    total = Suspicion(kind="contradiction", quote=quote, message="项目支出为127.60万元，请核对", cited_numbers=["127.60"])
    assert verifier.suspicion(total).outcome == "unverified"


def test_the_prefecture_samples_unit_rows_speak_only_for_their_unit():
    document = load(SAMPLES / "hunan_prefecture.txt")
    verifier = Verifier(document, extract(document))
    quote = "支出合计2,383.60万元，其中基本支出1,526.30万元、项目支出857.30万元"
    station = Suspicion(kind="contradiction", quote=quote, message="项目支出应为186.20万元", cited_numbers=["186.20"])
    assert verifier.suspicion(station).outcome == "rejected"  # the 推广站's 项目支出 only
    named = Suspicion(
        kind="contradiction", quote=quote, message="其中市林业科技推广站项目支出186.20万元", cited_numbers=["186.20"]
    )
    assert verifier.suspicion(named).outcome == "unverified"  # the message says whose figure it is


@pytest.mark.parametrize(
    ("layout", "quote", "quantity", "value"),
    [
        ("tsv", "流动服务站全年支出120.00万元，其中基本支出80.70万元", "基本支出", "80.70"),
        ("word", "乡村阅读推广补助项目支出39.20万元", "项目支出", "39.20"),
    ],
)
def test_a_claim_about_one_unit_is_not_compared_with_the_departments_figure(layout, quote, quantity, value):
    text = CASES[layout][0]
    verdict = verifier_of(text, f"{layout}.txt").claim(
        Claim(quote=quote, quantity=quantity, value=value, unit="万元", polarity="asserts")
    )
    assert verdict.outcome == "unchecked" and verdict.finding is None


def test_a_claim_about_a_project_is_compared_with_that_projects_form():
    verifier = verifier_of(word_report({"八、下一步改进措施": "乡村阅读推广补助项目全年执行数36.20万元。"}), "word.txt")
    verdict = verifier.claim(
        Claim(quote="乡村阅读推广补助项目全年执行数36.20万元", quantity="年度资金总额", value="36.20", unit="万元",
              measure="执行", polarity="asserts")
    )
    assert verdict.outcome == "verified" and "39.20" in verdict.finding.message and "57.35" not in verdict.finding.message


@pytest.mark.parametrize("layout", ["tsv", "word"])
def test_rules_leave_sentences_about_one_unit_to_that_unit(layout):
    text = CASES[layout][0]
    report = extract(read_text(text, f"{layout}.txt", "0" * 64))
    assert [f for f in run_rules(report) if f.rule.startswith("XREF")] == []
    # The department's own sentence is still compared with the department's tables.
    wrong = text.replace("基本支出272.40万元。", "基本支出275.40万元。").replace("基本支出200.00万元", "基本支出205.00万元")
    (finding,) = [f for f in run_rules(extract(read_text(wrong, f"{layout}.txt", "0" * 64))) if f.rule == "XREF003"]
    assert finding.actual in ("275.40万元", "205.00万元")


def test_a_score_or_completion_claim_in_a_project_cell_is_not_the_departments():
    # The department form (总分 98) missed 合格率; the project's own cell speaks of the project (总分 88, all met).
    missed = standard_indicators()
    missed[1] = ["", "", "质量指标", "合格率", "≥95%", "90%", "20", "18", "部分学员补考"]
    said = "各项指标均已完成，自评得分为88分。"
    report = extract(read_text(word_report(result_a=said, indicators=missed), "word.txt", "0" * 64))
    assert [f.rule for f in run_rules(report) if f.rule in ("NARR003", "NARR004")] == []
    # The same words in the department's narrative are the department's, and wrong.
    report = extract(read_text(word_report({"十、其他需要说明的情况": said}, indicators=missed), "word.txt", "0" * 64))
    assert sorted(f.rule for f in run_rules(report) if f.rule in ("NARR003", "NARR004")) == ["NARR003", "NARR004"]


@pytest.mark.parametrize(
    ("layout", "said", "expected"),
    [
        ("tsv", "全馆支出合计400.00万元，其中基本支出275.40万元，主要用于馆本级和流动服务站人员工资。", "272.40万元"),
        ("word", "2024年基本支出200.00万元，项目支出125.00万元，用于乡村阅读推广补助和农家书屋更新补助。", "120.00万元"),
    ],
)
def test_a_department_sentence_naming_units_after_its_figure_is_still_the_departments(layout, said, expected):
    text = CASES[layout][0]
    text = text.replace("全馆支出合计400.00万元，其中基本支出272.40万元。", said).replace(
        "2024年基本支出200.00万元，项目支出120.00万元。", said
    )
    assert said in text
    (finding,) = [f for f in run_rules(extract(read_text(text, f"{layout}.txt", "0" * 64))) if f.rule == "XREF003"]
    assert finding.expected == expected
    # The verifier compares such a claim with the department's figure too.
    quote = said.split("，用于")[0].split("，主要")[0]
    value = said.split("支出")[-1].split("万元")[0] if layout == "word" else "275.40"
    verdict = verifier_of(text, f"{layout}.txt").claim(
        Claim(quote=quote, quantity="基本支出" if layout == "tsv" else "项目支出", value=value, unit="万元", polarity="asserts")
    )
    assert verdict.outcome == "verified"


@pytest.mark.parametrize(
    ("layout", "quote", "value"),
    [
        ("prefecture", "项目资金到位180.00万元，实际支出172.35万元", "172.35"),  # a paragraph of the project's part
        ("word", "全年支出39.20万元", "39.20"),  # the project form's 实际完成情况 cell
    ],
)
def test_a_claim_in_a_projects_own_text_is_not_compared_with_the_departments_figure(layout, quote, value):
    if layout == "prefecture":
        document = load(SAMPLES / "hunan_prefecture.txt")
        verifier = Verifier(document, extract(document))
    else:
        verifier = verifier_of(word_report(result_a="全年支出39.20万元，完成年度任务。"), "word.txt")
    verdict = verifier.claim(Claim(quote=quote, quantity="项目支出", value=value, unit="万元", polarity="asserts"))
    assert verdict.outcome == "unchecked" and verdict.finding is None
