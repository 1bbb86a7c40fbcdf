"""The LLM stage end to end: masked prompts to a scripted OpenAI-compatible server, answers verified."""

import json


from reviewer.config import LLMConfig
from reviewer.document import Location
from reviewer.llm.stage import Passage, fact_entry, facts_table, plan, render_dry_run, run_llm_stage, selected
from reviewer.llm.privacy import Masker
from reviewer.llm.tokens import count_messages
from reviewer.pipeline import model_review
from tests.fake_openai import FakeOpenAI
from reviewer.quantity import parse_quantity
from reviewer.report import Fact
from tests.llm_helpers import sample_document, sample_report
TOTAL_QUOTE = "基本支出150.25万元，项目支出326.5万元，合计478.75万元"

CLAIMS = {
    "claims": [
        {"quote": "项目支出326.5万元", "quantity": "项目支出", "value": "326.5", "unit": "万元", "year": 2024, "polarity": "asserts", "measure": None},
        {"quote": "基本支出150.25万元", "quantity": "基本支出", "value": "150.25", "unit": "万元", "year": 2024, "polarity": "asserts", "measure": "决算"},
        {"quote": "2024年本单位无政府性基金安排支出", "quantity": "政府性基金", "value": None, "unit": None, "year": 2024, "polarity": "denies", "measure": None},
        {"quote": "全年共举办培训班12期", "quantity": "培训班", "value": "12", "unit": "期", "year": 2024, "polarity": "asserts", "measure": None},
    ]
}
SUSPICIONS = {
    "suspicions": [
        {
            "kind": "contradiction",
            "quote": TOTAL_QUOTE,
            "message": "基本支出与项目支出之和不等于所写合计",
            "cited_numbers": ["150.25", "326.5", "478.75"],
            "relation": {"op": "sum", "operands": ["150.25", "326.5"], "result": "476.75", "stated": "478.75"},
        },
        {"kind": "contradiction", "quote": TOTAL_QUOTE, "message": "与决算数523.17不符", "cited_numbers": ["523.17"], "relation": None},
        {
            "kind": "contradiction",
            "quote": TOTAL_QUOTE,
            "message": "合计算错",
            "cited_numbers": ["478.75"],
            "relation": {"op": "sum", "operands": ["150.25", "326.5"], "result": "470.75", "stated": "478.75"},
        },
        {"kind": "irrelevant", "quote": "我局2019年在全市交通运输工作中获评先进单位", "message": "讲的是2019年的事", "cited_numbers": [], "relation": None},
    ]
}


def config(server, tmp_path, **settings) -> LLMConfig:
    settings.setdefault("max_retries", 1)
    return LLMConfig(base_url=server.base_url, model="test-model", cache_dir=tmp_path, **settings)


READING = {**CLAIMS, **SUSPICIONS}


def script(server, style="plain"):
    server.reply(READING, style=style)


def test_stage_sends_masked_narrative_and_keeps_only_verified_findings(tmp_path):
    document = sample_document()
    with FakeOpenAI() as server:
        script(server)
        result = model_review(document, sample_report(document), config(server, tmp_path))
        sent = json.dumps(server.chat_requests, ensure_ascii=False)
    assert len(server.chat_requests) == 1  # one request per chunk: claims and suspicions together
    # Privacy: the signature's name and phone, and the name repeated in the narrative, never leave.
    assert "李春梅" not in sent and "13907340001" not in sent
    assert "［姓名］" in sent and "［电话］" in sent
    assert "2024年本单位基本支出150.25万元" in sent  # the narrative itself is sent
    assert "附件一 基础数据表：" in sent and "基本支出（决算） 152.25" in sent  # the compact facts, one line per table

    rules = sorted(f.rule for f in result.findings)
    assert rules == ["LLM001", "LLM002", "LLM003", "LLM004"]
    by_rule = {f.rule: f for f in result.findings}
    assert all(f.source == "llm" for f in result.findings)
    assert by_rule["LLM003"].verification == "verified" and "476.75" in by_rule["LLM003"].message
    assert by_rule["LLM003"].evidence[0].loc.block == 6
    assert by_rule["LLM004"].verification == "unverified"
    reasons = sorted(r.reason for r in result.rejected)
    assert len(reasons) == 3
    assert any("找不到" in r for r in reasons)  # invented quote
    assert any("523.17" in r for r in reasons)  # invented number
    assert any("算式不成立" in r for r in reasons)  # wrong arithmetic
    counts = result.token_counts
    assert (counts.chunks, counts.planned_requests, counts.requests_sent, counts.cache_hits) == (1, 1, 1, 0)
    assert counts.input_tokens > 0 and counts.output_tokens > 0
    assert "核实 3 条、待人工复核 1 条、剔除 3 条" in result.notes[-1]


def test_a_reasoning_model_or_a_chatty_one_is_read_the_same(tmp_path):
    document = sample_document()
    for style in ("think", "prose"):
        with FakeOpenAI(reject_json_schema=True, reject_tools=True) as server:
            script(server, style)
            result = model_review(document, sample_report(document), config(server, tmp_path / style))
        assert sorted(f.rule for f in result.findings) == ["LLM001", "LLM002", "LLM003", "LLM004"]
        answered = [r for r in server.chat_requests if r.get("response_format", {}).get("type") == "json_object"]
        assert len(answered) == 1 and not server.script  # read at once: no re-ask


def test_every_request_opens_with_the_same_system_message(tmp_path):
    # Static instructions first: DeepSeek, DashScope and vLLM bill a repeated prefix once.
    document = sample_document(filler=6)
    requests, counts = plan(document, sample_report(document), 200)
    assert counts.chunks >= 3 and len(requests) == counts.chunks
    assert len({r.messages[0]["content"] for r in requests}) == 1
    assert all("示例县交通运输局" not in r.messages[0]["content"] for r in requests)


def test_the_facts_table_holds_only_what_the_chunk_names():
    report = sample_report()
    masker = Masker([])
    staff = facts_table(report, "本单位核定编制数20名，现有在职人员18人。", masker)
    assert "编制数 20" in staff and "在职人数" in staff
    assert "基本支出" not in staff and "年度资金总额" not in staff
    money = facts_table(report, "基本支出150.25万元。", masker)
    # One line per table, its name once; the 口径 in brackets, the year only when it is not the report's.
    assert money.splitlines() == ["附件一 基础数据表：基本支出（预算） 140；基本支出（决算） 152.25"]
    assert "信息化运维" not in money  # a project's facts only come with the project's name
    # A figure the text writes brings its fact along, whatever its name.
    assert "社会保险基金" in facts_table(report, "缴费18.423万元。", masker)
    last_year = Fact(label="基本支出", key="基本支出", quantity=parse_quantity("131.8"), measure="决算", year=2023,
                     part="附件一 基础数据表", loc=Location(block=1))
    assert fact_entry(last_year, 2024) == "基本支出（决算，2023年） 131.8"
    assert fact_entry(last_year, 2023) == "基本支出（决算） 131.8"


def test_only_paragraphs_with_something_checkable_are_sent_each_once():
    sent = ["2024年本单位基本支出150.25万元。", "本年度无超预算支出。", "行政编制十一名。", "项目支出按计划执行。", "各项指标均已完成。"]
    unsent = ["3、负责全县交通运输行业管理，拟订发展规划并组织实施。", "填表人：［姓名］ 填报日期：2025年6月3日"]
    kept, left_out = selected([Passage("一、基本情况", sent + unsent), Passage("表格外的其他文字", [sent[0], "附件一"])])
    # A figure, a Chinese numeral with its measure word, a denial, a quantity's name, a compliance word: kept.
    assert [p.paragraphs for p in kept] == [sent]
    assert left_out == 4  # the duties (a list number is no figure), the signature line, the repeat and the bare heading
    document = sample_document()
    requests, counts = plan(document, sample_report(document), 2000)
    assert counts.left_out >= 2 and "李春梅" not in str(requests) and "填报日期" not in str(requests)
    text = requests[0].messages[1]["content"]
    assert "我局2019年在全市交通运输工作中获评先进单位" in text  # a year: another year's text is a suspicion
    assert "本单位核定编制数20名，现有在职人员18人。联系人：［姓名］。" in text  # a name in running text is no signature line


def test_second_review_of_the_same_document_makes_no_request(tmp_path):
    document = sample_document()
    with FakeOpenAI() as server:
        script(server)
        first = model_review(document, sample_report(document), config(server, tmp_path))
        second = model_review(document, sample_report(document), config(server, tmp_path))
        assert len(server.chat_requests) == 1
    assert [f.id for f in second.findings] == [f.id for f in first.findings]
    assert second.token_counts.cache_hits == 1 and second.token_counts.requests_sent == 0


def test_dry_run_shows_exactly_what_a_real_run_sends_and_sends_nothing(tmp_path):
    document = sample_document()
    report = sample_report(document)
    with FakeOpenAI() as server:
        dry = run_llm_stage(document, report, config(server, tmp_path), dry_run=True)
        assert server.chat_requests == []
        script(server)
        run_llm_stage(document, report, config(server, tmp_path / "fresh"))
        received = sorted(json.dumps(r["messages"], ensure_ascii=False, sort_keys=True) for r in server.chat_requests)
    planned = sorted(json.dumps(r.messages, ensure_ascii=False, sort_keys=True) for r in dry.dry_run_messages)
    assert planned == received
    assert dry.claims == [] and dry.token_counts.requests_sent == 0
    assert dry.token_counts.planned_input_tokens == sum(
        count_messages(r.messages) + r.format_tokens for r in dry.dry_run_messages
    )
    assert all(r.format_tokens > 100 for r in dry.dry_run_messages)
    text = render_dry_run(dry, "sample.txt")
    assert "约 " in text and "tokens" in text and "李春梅" not in text and "［姓名］" in text


def test_dry_run_works_without_configuration():
    document = sample_document()
    result = run_llm_stage(document, sample_report(document), LLMConfig(), dry_run=True)
    assert len(result.dry_run_messages) == 1 and result.token_counts.planned_input_tokens > 500


def test_a_failing_request_becomes_a_note_and_the_rest_is_kept(tmp_path):
    document = sample_document(filler=6)
    report = sample_report(document)
    requests, _ = plan(document, report, 200)
    first, *rest = requests
    with FakeOpenAI() as server:
        server.reply("这不是 JSON", when=first.chunk)
        server.reply("仍然不是 JSON", when=first.chunk)
        for request in rest:
            server.reply(READING if "部门基本情况" in request.chunk else {}, when=request.messages[1]["content"][-200:])
        result = model_review(document, report, config(server, tmp_path, token_budget=200))
    assert f"1/{len(requests)} 个请求失败" in result.notes[0] and "文字审阅不完整" in result.notes[0]
    assert first.chunk in result.notes[0]


def test_an_unreachable_model_still_lets_the_review_complete(tmp_path):
    document = sample_document()
    with FakeOpenAI() as server:
        for _ in range(2):
            server.error(503, "overloaded")
        settings = LLMConfig(base_url=server.base_url, model="m", cache_dir=tmp_path, max_retries=0)
        result = model_review(document, sample_report(document), settings)
    assert result.findings == [] and "1/1 个请求失败" in result.notes[0] and "HTTP 503" in result.notes[0]


def test_concurrency_is_bounded(tmp_path):
    document = sample_document(filler=6)
    report = sample_report(document)
    requests, counts = plan(document, report, 200)
    assert counts.chunks >= 3
    with FakeOpenAI() as server:
        for _ in requests:
            server.reply({"claims": [], "suspicions": []}, delay=0.1)
        run_llm_stage(document, report, config(server, tmp_path, concurrency=2, token_budget=200))
    assert len(server.chat_requests) == len(requests)
    assert server.max_in_flight == 2


def test_unconfigured_stage_says_so():
    document = sample_document()
    result = run_llm_stage(document, sample_report(document), LLMConfig())
    assert result.claims == [] and result.notes == ["未配置大模型，跳过文字审阅"]


def test_json_output_carries_the_model_notes(tmp_path):
    # A failed request leaves the review incomplete: the JSON says so, as the text output does.
    from reviewer.pipeline import ReviewOptions, review_document
    from reviewer.render.json import render_json

    document = sample_document()
    with FakeOpenAI() as server:
        server.error(503, "overloaded")
        review, _ = review_document(document, ReviewOptions(llm=config(server, tmp_path, max_retries=0)))
    notes = json.loads(render_json([review], single=True))["notes"]
    assert any("1/1 个请求失败" in n and "文字审阅不完整" in n and "HTTP 503" in n for n in notes)
