"""The verifier: quote grounding, claims against table facts, number grounding and arithmetic."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from reviewer.document import Location
from reviewer.errors import InputError
from reviewer.finding import Evidence, Finding
from reviewer.llm.schemas import Claim, Relation, Suspicion, candidates_schema_text
from reviewer.figures import parse_number
from reviewer.grounding import TextIndex, canonical_key
from reviewer.verify import Verifier, load_candidates_file, merge_findings, verify, verify_candidates
from tests.llm_helpers import sample_document, sample_report

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "candidates.schema.json"


@pytest.fixture(scope="module")
def verifier():
    document = sample_document()
    return Verifier(document, sample_report(document))


def claim(quote, quantity, value=None, unit=None, polarity="asserts", **extra):
    return Claim(quote=quote, quantity=quantity, value=value, unit=unit, polarity=polarity, **extra)


def located_text(loc):
    return sample_document().blocks[loc.block].text[loc.start : loc.end]


# ---------------------------------------------------------------- grounding


def test_exact_quote_is_located_ignoring_spaces_and_punctuation():
    index = TextIndex(sample_document())
    found = index.locate("2024 年本单位基本支出 150.25 万元，项目支出326.5万元")
    assert found.exact and found.loc.block == 6
    assert located_text(found.loc) == "2024年本单位基本支出150.25万元，项目支出326.5万元"


def test_table_cell_is_located_with_row_and_column():
    found = TextIndex(sample_document()).locate("152.25")
    assert (found.loc.table, found.loc.row, found.loc.col) == (0, 1, 2)


def test_fuzzy_quote_is_located_when_digits_agree():
    found = TextIndex(sample_document()).locate("2024年本单位的基本支出为150.25万元")
    assert found.loc is not None and not found.exact and found.loc.block == 6
    assert "150.25" in located_text(found.loc)


def test_fuzzy_quote_with_other_digits_is_not_grounded():
    found = TextIndex(sample_document()).locate("2024年本单位基本支出150.52万元")
    assert found.loc is None and "150.52" in found.problem and "150.25" in found.problem


def test_invented_quote_is_not_grounded():
    found = TextIndex(sample_document()).locate("本单位全年共举办培训班12期")
    assert found.loc is None and found.problem == "引文「本单位全年共举办培训班12期」在原文中找不到"


def test_quote_copied_from_masked_text_is_located():
    found = TextIndex(sample_document()).locate("填表人：［姓名］ 填报日期：2025年6月3日 联系电话：［电话］")
    assert found.loc is not None and found.loc.block == 2


def test_numbers_and_keys():
    assert parse_number("3,265,000", "元").value == parse_number("326.5万元").value
    assert parse_number("68.5%").tolerance == Decimal("0.05")
    assert parse_number("3,265,000", "元").tolerance == Decimal("0.00005")  # half a 元, in 万元
    assert canonical_key("一般公共预算拨款支出") == "一般公共预算"
    assert canonical_key("实际在职人数") == "在职人数"
    assert canonical_key("政府采购金额") is None


# ---------------------------------------------------------------- claims


def test_claim_that_agrees_with_the_table_is_consistent_and_located(verifier):
    verdict = verifier.claim(claim("项目支出326.5万元", "项目支出", "326.5", "万元"))
    assert verdict.outcome == "consistent" and verdict.finding is None
    assert located_text(verdict.loc) == "项目支出326.5万元"


def test_claim_within_rounding_and_in_another_unit_is_consistent(verifier):
    assert verifier.claim(claim("社会保险缴费18.42万元", "社会保险基金", "18.42", "万元")).outcome == "consistent"
    assert verifier.claim(claim("现有在职人员18人", "在职人数", "18", "人")).outcome == "consistent"


def test_claim_that_differs_becomes_a_finding_naming_both_numbers(verifier):
    verdict = verifier.claim(claim("基本支出150.25万元", "基本支出", "150.25", "万元", measure="决算"))
    assert verdict.outcome == "verified"
    finding = verdict.finding
    assert finding.rule == "LLM001" and finding.severity == "error" and finding.source == "llm"
    assert finding.verification == "verified"
    assert "150.25" in finding.message and "152.25" in finding.message
    assert finding.actual == "150.25万元" and finding.expected == "152.25"
    assert finding.evidence[0].loc.block == 6 and finding.evidence[1].loc.row == 1


def test_claim_with_unknown_measure_and_two_table_values_is_a_warning(verifier):
    finding = verifier.claim(claim("基本支出150.25万元", "基本支出", "150.25", "万元")).finding
    assert finding.severity == "warning" and "140" in finding.message and "152.25" in finding.message


def test_denial_against_a_positive_table_value(verifier):
    verdict = verifier.claim(claim("2024年本单位无政府性基金安排支出", "政府性基金", polarity="denies"))
    assert verdict.outcome == "verified"
    assert verdict.finding.rule == "LLM002" and "12" in verdict.finding.message
    assert located_text(verdict.loc) == "2024年本单位无政府性基金安排支出"


def test_no_overspending_claim_against_spending_above_budget(verifier):
    finding = verifier.claim(claim("本年度无超预算支出", "超预算支出", polarity="denies")).finding
    assert finding.rule == "LLM002" and "478.75" in finding.message


def test_claim_value_must_be_written_in_its_quote(verifier):
    verdict = verifier.claim(claim("项目支出326.5万元", "项目支出", "362.5", "万元"))
    assert verdict.outcome == "rejected" and "362.5" in verdict.reason


def test_claim_with_invented_quote_is_rejected(verifier):
    verdict = verifier.claim(claim("项目支出426万元", "项目支出", "426", "万元"))
    assert verdict.outcome == "rejected" and "找不到" in verdict.reason


def test_claims_without_a_comparable_fact_are_unchecked(verifier):
    assert verifier.claim(claim("我局2019年在全市交通运输工作中获评先进单位", "获评先进", "2019")).outcome == "unchecked"


def test_project_and_previous_year_facts_are_not_compared(verifier):
    facts = verifier.facts.table_facts("执行率", None, None)
    assert [f.quantity.raw for _, f in facts] == ["100.4%"]
    facts = verifier.facts.table_facts("项目支出", None, "决算")
    assert [f.quantity.raw for _, f in facts] == ["326.50"]


# ---------------------------------------------------------------- suspicions

QUOTE = "基本支出150.25万元，项目支出326.5万元，合计478.75万元"


def test_correct_arithmetic_against_a_different_stated_total_is_verified_and_located(verifier):
    suspicion = Suspicion(
        kind="contradiction",
        quote=QUOTE,
        message="基本支出与项目支出之和与所写合计不符",
        cited_numbers=["150.25", "326.5", "478.75"],
        relation=Relation(op="sum", operands=["150.25", "326.5"], result="476.75", stated="478.75"),
    )
    verdict = verifier.suspicion(suspicion)
    assert verdict.outcome == "verified"
    assert verdict.finding.rule == "LLM003" and verdict.finding.severity == "error"
    assert "476.75" in verdict.finding.message and "478.75" in verdict.finding.message
    assert located_text(verdict.loc) == QUOTE


def test_wrong_arithmetic_is_rejected(verifier):
    suspicion = Suspicion(
        kind="contradiction",
        quote=QUOTE,
        message="合计不符",
        relation=Relation(op="sum", operands=["150.25", "326.5"], result="486.75", stated="478.75"),
    )
    verdict = verifier.suspicion(suspicion)
    assert verdict.outcome == "rejected" and "算式不成立" in verdict.reason and "476.75" in verdict.reason


def test_invented_number_is_rejected(verifier):
    suspicion = Suspicion(kind="contradiction", quote=QUOTE, message="与决算数523.17不符", cited_numbers=["523.17"])
    verdict = verifier.suspicion(suspicion)
    assert verdict.outcome == "rejected" and "523.17" in verdict.reason


def test_number_recomputed_from_two_facts_is_grounded(verifier):
    # 326.50 - 300 = 26.5: not written anywhere, but recomputable from the table.
    suspicion = Suspicion(kind="contradiction", quote=QUOTE, message="项目支出超预算26.5万元", cited_numbers=["26.5"])
    assert verifier.suspicion(suspicion).outcome == "unverified"


def test_a_figure_only_in_the_message_must_be_grounded_too(verifier):
    # The model names a budget figure in its explanation without citing it: it is in no table and no text.
    invented = Suspicion(kind="contradiction", quote=QUOTE, message="基本支出预算为512.37万元，文字所写偏低", cited_numbers=[])
    verdict = verifier.suspicion(invented)
    assert verdict.outcome == "rejected" and verdict.reason == "说明中的数字 512.37 既不在报告中，也无法由报告数据算出"
    honest = Suspicion(kind="contradiction", quote=QUOTE, message="基本支出预算为140万元，决算152.25万元，文字写150.25万元")
    assert verifier.suspicion(honest).outcome == "unverified"


@pytest.mark.parametrize(
    ("cited", "grounded"),
    [
        ("1,522,500元", True),  # 152.25 万元 of the table, written in 元
        ("152.25元", False),  # the table's digits at a ten-thousandth of the amount
        ("152.25%", False),  # the table's digits as a percentage
        ("68.5%", True),  # written in the quote as a percentage
        ("68.5万元", False),  # the quote's percentage read as money
    ],
)
def test_numbers_are_matched_with_unit_and_scale(verifier, cited, grounded):
    suspicion = Suspicion(kind="contradiction", quote=QUOTE + "，项目支出占68.5%", message="数据有疑问", cited_numbers=[cited])
    assert (verifier.suspicion(suspicion).outcome == "unverified") is grounded


def test_a_figure_of_another_year_does_not_ground_a_citation(verifier):
    # 280 is only the 2023 决算 of 项目支出: it grounds a citation that speaks of 2023, not one that does not.
    silent = Suspicion(kind="contradiction", quote=QUOTE, message="项目支出应为280万元", cited_numbers=["280"])
    assert verifier.suspicion(silent).outcome == "rejected"
    dated = Suspicion(kind="contradiction", quote=QUOTE, message="项目支出比2023年的280万元增加较多", cited_numbers=["280"])
    assert verifier.suspicion(dated).outcome == "unverified"


def test_share_that_recomputes_to_the_stated_value_is_no_contradiction(verifier):
    suspicion = Suspicion(
        kind="contradiction",
        quote="项目支出占68.5%",
        message="占比有误",
        relation=Relation(op="share", operands=["326.5", "476.75"], result="68.48%", stated="68.5%"),
    )
    verdict = verifier.suspicion(suspicion)
    assert verdict.outcome == "rejected" and "不构成矛盾" in verdict.reason


def test_irrelevant_text_is_shown_for_human_review(verifier):
    suspicion = Suspicion(
        kind="irrelevant",
        quote="我局2019年在全市交通运输工作中获评先进单位",
        message="这段讲的是2019年的事，与本年度自评无关",
        cited_numbers=["2019"],
    )
    verdict = verifier.suspicion(suspicion)
    assert verdict.outcome == "unverified"
    finding = verdict.finding
    assert (finding.rule, finding.severity, finding.verification) == ("LLM004", "warning", "unverified")
    assert finding.suggestion == "需人工复核"


def test_unverified_suspicion_on_a_proven_claim_is_not_shown_twice():
    document = sample_document()
    result = verify(
        document,
        sample_report(document),
        [claim("2024年本单位无政府性基金安排支出", "政府性基金", polarity="denies")],
        [Suspicion(kind="contradiction", quote="无政府性基金安排支出", message="表中政府性基金决算12", cited_numbers=["12"])],
    )
    assert [f.rule for f in result.findings] == ["LLM002"]
    assert result.count("unverified") == 1 and result.rejected == []


# ---------------------------------------------------------------- candidates file


def test_verify_candidates_from_json():
    document = sample_document()
    candidates = {
        "schema_version": 1,
        "source": "另一个系统",
        "claims": [
            {"quote": "基本支出150.25万元", "quantity": "基本支出", "value": "150.25", "unit": "万元", "polarity": "asserts", "measure": "决算"},
            {"quote": "本单位全年共举办培训班12期", "quantity": "培训", "value": "12", "polarity": "asserts"},
        ],
        "suspicions": [
            {"kind": "contradiction", "quote": QUOTE, "message": "合计不符", "cited_numbers": ["999.99"]},
        ],
    }
    findings, rejected = verify_candidates(document, sample_report(document), json.dumps(candidates, ensure_ascii=False))
    assert [f.rule for f in findings] == ["LLM001"]
    assert len(rejected) == 2
    assert rejected[0].reason == "引文「本单位全年共举办培训班12期」在原文中找不到"
    assert "999.99" in rejected[1].reason
    assert rejected[0].candidate["type"] == "claim" and rejected[1].candidate["type"] == "suspicion"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "不是合法的 JSON"),
        ('{"schema_version": 2}', "schema_version"),
        ('{"claims": [{"quote": "x"}]}', "claims.0.quantity"),
        ('{"claims": [], "extra": 1}', "extra"),
    ],
)
def test_bad_candidates_file_names_the_file(text, problem):
    document = sample_document()
    with pytest.raises(InputError, match="cands.json") as raised:
        verify_candidates(document, sample_report(document), text, name="cands.json")
    assert problem in str(raised.value)


def test_published_candidates_schema_is_current():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == candidates_schema_text(), (
        "docs/candidates.schema.json is stale: python -m reviewer.llm.schemas > docs/candidates.schema.json"
    )


def test_model_findings_on_text_a_rule_already_flagged_are_merged_away():
    document = sample_document()
    result = verify(
        document,
        sample_report(document),
        [
            claim("基本支出150.25万元", "基本支出", "150.25", "万元", measure="决算"),
            claim("2024年本单位无政府性基金安排支出", "政府性基金", polarity="denies"),
        ],
        [],
    )
    llm = result.findings
    rule = Finding(
        rule="XREF003",
        severity="error",
        category="crossref",
        message="报告称“基本支出150.25万元”，但表中为152.25",
        evidence=[Evidence(quote="基本支出150.25万元", loc=Location(block=6, start=8, end=20))],
    )
    merged = merge_findings([rule], llm)
    assert [f.rule for f in merged] == ["XREF003", "LLM002"]


def test_candidates_file_errors_name_the_file(tmp_path):
    with pytest.raises(InputError, match="nope.json: 候选文件不存在"):
        load_candidates_file(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_bytes("{}".encode("utf-16"))
    with pytest.raises(InputError, match="UTF-8"):
        load_candidates_file(bad)


def test_verify_command_rejects_what_the_report_does_not_support(tmp_path):
    import subprocess
    import sys

    from tests.reports import basic_data, department_form, full_narrative, standard_indicators

    lines = [["基本支出", "180.00", "190.00", "200.00"], ["项目支出", "100.00", "110.00", "120.00"]]
    said = {"二、一般公共预算支出情况": "2024年基本支出200.00万元，项目支出120.00万元，合计330.00万元。"}
    report = tmp_path / "report.txt"
    report.write_text(basic_data(lines) + department_form(standard_indicators()) + full_narrative(said), encoding="utf-8")
    candidates = {
        "claims": [
            {"quote": "项目支出120.00万元", "quantity": "项目支出", "value": "120.00", "unit": "万元", "year": 2024, "polarity": "asserts"},
            {"quote": "基本支出210.00万元", "quantity": "基本支出", "value": "210.00", "unit": "万元", "polarity": "asserts"},
        ],
        "suspicions": [
            {"kind": "contradiction", "quote": "合计330.00万元", "message": "合计与两项之和不符",
             "relation": {"op": "sum", "operands": ["200.00", "120.00"], "result": "320.00", "stated": "330.00"}},
            {"kind": "contradiction", "quote": "合计330.00万元", "message": "合计不符",
             "relation": {"op": "sum", "operands": ["200.00", "120.00"], "result": "310.00", "stated": "330.00"}},
            {"kind": "contradiction", "quote": "合计330.00万元", "message": "年初预算为345.67万元", "cited_numbers": ["345.67"]},
        ],
    }
    path = tmp_path / "candidates.json"
    path.write_text(json.dumps(candidates, ensure_ascii=False), encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-m", "reviewer", "verify", str(report), "--candidates", str(path), "--format", "json"],
        cwd=root, capture_output=True, text=True, timeout=120,
    )
    data = json.loads(done.stdout)
    llm = [f for f in data["findings"] if f["source"] == "llm"]
    assert [f["rule"] for f in llm] == ["LLM003"] and "320" in llm[0]["message"]
    reasons = [r["reason"] for r in data["rejected"]]
    assert len(reasons) == 3
    assert "210.00" in reasons[0] and "原文" in reasons[0]  # quote not in the report (its digits differ)
    assert "算式不成立" in reasons[1]  # arithmetic that does not hold
    assert "345.67" in reasons[2]  # a figure the report does not contain
