"""The verifier on real layouts: a Word .docx and a Markdown report (samples/), with the fake model server.

Each layout gets the same kinds of candidates: a figure the report has (as
written, or in 元), an invented one, the report's digits as a percentage, a
figure of another year; and a model that answers with a <think> block or
prose around a fenced block.
"""

from pathlib import Path

import pytest

from reviewer.config import LLMConfig
from reviewer.extract import extract
from reviewer.ingest import load
from reviewer.llm.schemas import Suspicion
from reviewer.pipeline import model_review
from reviewer.verify import Verifier
from tests.fake_openai import FakeOpenAI

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# layout -> (file, a quote of its narrative, a figure of its tables, the same in 元, an invented figure)
LAYOUTS = {
    "docx": ("hunan_department.docx", "2024年全年预算数690.30万元，全年执行数684.55万元", "346.75", "3,467,500元", "512.37"),
    "markdown": ("markdown_report.md", "2024年全年预算数40.00万元，全年执行数39.20万元", "98.6%", "392,000元", "41.63"),
}


@pytest.fixture(scope="module", params=list(LAYOUTS))
def layout(request):
    name, *case = LAYOUTS[request.param]
    document = load(SAMPLES / name)
    report = extract(document)
    return document, report, Verifier(document, report), *case


def test_figures_are_grounded_with_unit_and_scale_and_invented_ones_rejected(layout):
    _, _, verifier, quote, real, in_yuan, invented = layout

    def outcome(*cited: str) -> str:
        return verifier.suspicion(Suspicion(kind="contradiction", quote=quote, message="请核对", cited_numbers=list(cited))).outcome

    assert outcome(real) == "unverified" and outcome(in_yuan) == "unverified"
    assert outcome(invented) == "rejected"
    digits = quote.split("预算数")[1].split("万元")[0]
    assert outcome(f"{digits}%") == "rejected" and outcome(f"{digits}元") == "rejected"  # the digits, not the amount
    verdict = verifier.suspicion(Suspicion(kind="contradiction", quote=quote, message=f"表中为{invented}万元", cited_numbers=[]))
    assert verdict.outcome == "rejected" and invented in verdict.reason  # a figure only in the message


def test_a_figure_of_another_year_grounds_only_a_text_about_that_year():
    document = load(SAMPLES / "hunan_department.docx")
    verifier = Verifier(document, extract(document))
    quote = "2024年本部门项目支出327.80万元"
    # 296.00 is only the 基础数据表's 2023 决算数 of 项目支出.
    silent = Suspicion(kind="contradiction", quote=quote, message="项目支出应为296.00万元", cited_numbers=["296.00"])
    assert verifier.suspicion(silent).outcome == "rejected"
    dated = Suspicion(kind="contradiction", quote=quote, message="2023年项目支出为296.00万元", cited_numbers=["296.00"])
    assert verifier.suspicion(dated).outcome == "unverified"


@pytest.mark.parametrize("style", ["think", "prose"])
def test_the_model_stage_on_real_layouts_keeps_only_what_the_report_supports(layout, style, tmp_path):
    document, report, _, quote, real, _, invented = layout
    reading = {
        "claims": [],
        "suspicions": [
            {"kind": "contradiction", "quote": quote, "message": f"执行数与{invented}万元不符", "cited_numbers": [invented]},
            {"kind": "contradiction", "quote": quote, "message": "执行数与表格不一致，请核对", "cited_numbers": [real]},
        ],
    }
    with FakeOpenAI(reject_json_schema=True, reject_tools=True) as server:
        server.reply(reading, style=style)
        for _ in range(5):  # the other chunks, if any, find nothing
            server.reply({"claims": [], "suspicions": []}, style=style)
        config = LLMConfig(base_url=server.base_url, model="test-model", cache_dir=tmp_path, max_retries=1, concurrency=1)
        result = model_review(document, report, config)
    assert [r.reason for r in result.rejected] == [f"所引数字 {invented} 既不在引文中，也不在报告中，且无法由报告数据算出"]
    (shown,) = result.findings
    assert shown.verification == "unverified" and shown.suggestion == "需人工复核"
    assert not any("请求失败" in note for note in result.notes)


def test_the_verify_command_on_a_markdown_report(tmp_path):
    import json
    import subprocess
    import sys

    quote = "2024年全年预算数40.00万元，全年执行数39.20万元"
    candidates = {
        "claims": [
            {"quote": "2024年全年预算数45.00万元", "quantity": "年度资金总额", "value": "45.00", "unit": "万元", "polarity": "asserts"},
        ],
        "suspicions": [
            {"kind": "contradiction", "quote": quote, "message": "结余不符",
             "relation": {"op": "difference", "operands": ["40.00", "39.20"], "result": "1.80", "stated": None}},
            {"kind": "contradiction", "quote": quote, "message": "年初预算为43.75万元", "cited_numbers": ["43.75"]},
            {"kind": "other", "quote": "共回收有效问卷412份", "message": "问卷数量偏少，请核对", "cited_numbers": ["412"]},
        ],
    }
    path = tmp_path / "candidates.json"
    path.write_text(json.dumps(candidates, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "reviewer", "verify", str(SAMPLES / "markdown_report.md"), "--candidates", str(path), "--format", "json"],
        cwd=SAMPLES.parent, capture_output=True, text=True, timeout=120,
    )
    data = json.loads(done.stdout)
    reasons = [r["reason"] for r in data["rejected"]]
    assert len(reasons) == 3
    assert "45.00" in reasons[0] and "40.00" in reasons[0]  # the quote's digits differ from the report's
    assert "算式不成立" in reasons[1] and "0.8" in reasons[1]  # arithmetic that does not hold
    assert "43.75" in reasons[2]  # a figure the report does not contain
    shown = [f for f in data["findings"] if f["source"] == "llm"]
    assert [(f["rule"], f["verification"]) for f in shown] == [("LLM005", "unverified")]
