"""The LLM stage on real inputs: the project's sample report and, when present, the seed reports."""

import json
from pathlib import Path

import pytest

from reviewer.config import LLMConfig
from reviewer.extract import extract
from reviewer.ingest import load
from reviewer.llm.stage import run_llm_stage
from reviewer.pipeline import model_review
from reviewer.rules import run_rules
from reviewer.verify import merge_findings, overlaps
from tests.fake_openai import FakeOpenAI
from tests.seeds import seed_params

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "hunan_department.txt"


def personal_data(report):
    """Names and phone numbers of the report's signature lines, as extraction read them."""
    found = set()
    for signature in report.signatures:
        for span in (signature.filler, signature.phone):
            if span and span.text.strip():
                found.add(span.text.strip())
    return found


def test_sample_report_end_to_end(tmp_path):
    document = load(SAMPLE)
    report = extract(document)
    secrets = personal_data(report)
    assert secrets  # the sample has a filled-in signature line
    claims = {
        "claims": [
            {"quote": "2024年本部门基本支出346.75万元", "quantity": "基本支出", "value": "346.75", "unit": "万元", "year": 2024, "polarity": "asserts", "measure": None},
            {"quote": "2024年本部门项目支出327.80万元", "quantity": "项目支出", "value": "327.80", "unit": "万元", "year": 2024, "polarity": "asserts", "measure": None},
            {"quote": "2024年本部门无政府性基金安排支出", "quantity": "政府性基金", "value": None, "unit": None, "year": 2024, "polarity": "denies", "measure": None},
            {"quote": "预算执行率99.17%", "quantity": "执行率", "value": "99.17", "unit": "%", "year": 2024, "polarity": "asserts", "measure": None},
        ]
    }
    suspicions = {
        "suspicions": [
            {
                "kind": "contradiction",
                "quote": "2024年本部门一般公共预算拨款支出649.55万元",
                "message": "基本支出与项目支出之和与一般公共预算拨款支出不一致",
                "cited_numbers": ["346.75", "327.80", "649.55"],
                "relation": {"op": "sum", "operands": ["346.75", "327.80"], "result": "674.55", "stated": "649.55"},
            },
            {
                "kind": "contradiction",
                "quote": "比上年增加38.55万元，增长5.97%",
                "message": "增幅计算有误",
                "cited_numbers": ["38.55", "5.97%"],
                "relation": {"op": "share", "operands": ["38.55", "646.00"], "result": "6.5%", "stated": "5.97%"},
            },
        ]
    }
    with FakeOpenAI(reject_json_schema=True) as server:
        server.reply({**claims, **suspicions})
        config = LLMConfig(base_url=server.base_url, model="deepseek-chat", cache_dir=tmp_path, max_retries=0)
        result = model_review(document, report, config)
        sent = json.dumps(server.chat_requests, ensure_ascii=False)
    assert not any(secret in sent for secret in secrets)
    assert "［姓名］" in sent and "［电话］" in sent

    by_rule = {f.rule: f for f in result.findings}
    assert sorted(by_rule) == ["LLM001", "LLM002", "LLM003"]
    assert "346.75" in by_rule["LLM001"].message and "356.75" in by_rule["LLM001"].message
    assert "35" in by_rule["LLM002"].message
    assert "674.55" in by_rule["LLM003"].message
    located = by_rule["LLM003"].evidence[0].loc
    assert document.blocks[located.block].text[located.start : located.end] == "2024年本部门一般公共预算拨款支出649.55万元"
    # 646.00 is written nowhere and is not a sum or ratio of two facts: the suspicion is rejected.
    assert [r.candidate["quote"] for r in result.rejected] == ["比上年增加38.55万元，增长5.97%"]

    rules = run_rules(report)
    merged = merge_findings(rules, result.findings)
    taken = [e.loc for f in rules for e in f.evidence if e.loc]
    kept = [f for f in merged if f.source == "llm"]
    assert "LLM003" in [f.rule for f in kept]
    assert all(not any(overlaps(f.evidence[0].loc, loc) for loc in taken) for f in kept)


@pytest.mark.parametrize("seed", seed_params())
def test_seed_dry_run_masks_signatures(seed):
    document = load(seed)
    report = extract(document)
    result = run_llm_stage(document, report, LLMConfig(), dry_run=True)
    sent = json.dumps([r.messages for r in result.dry_run_messages], ensure_ascii=False)
    assert result.token_counts.planned_input_tokens > 1000
    assert all(r.tokens < LLMConfig().token_budget + 3000 for r in result.dry_run_messages)
    assert not any(secret in sent for secret in personal_data(report))
