"""The structured-output client, driven through langchain and the real openai client
against a scripted OpenAI-compatible server on 127.0.0.1."""

import socket

import pytest

from reviewer.config import LLMConfig
from reviewer.llm.cache import ResponseCache
from reviewer.llm.client import LLMClient, LLMOutputError, LLMRequestError, schema_text
from reviewer.llm.schemas import Reading
from reviewer.llm.prompt import get_prompt
from tests.fake_openai import FakeOpenAI

PROMPT = get_prompt("read_narrative")
MESSAGES = [
    {"role": "system", "content": "摘录陈述，只输出 JSON。"},
    {"role": "user", "content": "2024年本单位项目支出326.5万元。"},
]
GOOD = {
    "claims": [
        {
            "quote": "2024年本单位项目支出326.5万元",
            "quantity": "项目支出",
            "value": 326.5,
            "unit": "万元",
            "year": 2024,
            "polarity": "asserts",
            "measure": None,
        }
    ]
}


def client(server, tmp_path=None, **settings) -> LLMClient:
    config = LLMConfig(base_url=server.base_url, model="test-model", max_retries=settings.pop("max_retries", 2), **settings)
    return LLMClient(config, ResponseCache(tmp_path) if tmp_path else None)


def kinds(server):
    """What each request asked for: the response_format type, or 'tools'."""
    return [
        "tools" if r.get("tools") else (r.get("response_format") or {}).get("type", "plain") for r in server.chat_requests
    ]


def test_json_schema_when_the_server_supports_it():
    with FakeOpenAI() as server:
        server.reply(GOOD)
        answer = client(server).ask(PROMPT, MESSAGES)
    assert isinstance(answer.data, Reading)
    claim = answer.data.claims[0]
    assert (claim.value, claim.unit, claim.polarity) == ("326.5", "万元", "asserts")  # number kept as text
    assert answer.mode == "json_schema" and answer.requests == 1 and not answer.cached
    request = server.chat_requests[0]
    assert request["model"] == "test-model" and request["temperature"] == 0
    assert request["response_format"]["json_schema"]["name"] == "Reading"
    assert "$ref" not in str(request["response_format"])
    assert [m["role"] for m in request["messages"]] == ["system", "user"]


def test_a_server_refusing_json_schema_is_used_through_function_calling():
    with FakeOpenAI(reject_json_schema=True) as server:
        server.reply(GOOD)
        server.reply({"claims": []})
        ask = client(server)
        first = ask.ask(PROMPT, MESSAGES)
        second = ask.ask(PROMPT, MESSAGES[:1] + [{"role": "user", "content": "无数字的段落"}])
    assert first.mode == second.mode == "function_calling"
    assert first.data.claims[0].quantity == "项目支出"
    assert second.data.claims == []
    # The refusal is remembered for the endpoint: the second question does not probe json_schema again.
    assert kinds(server) == ["json_schema", "tools", "tools"]
    assert server.chat_requests[1]["tool_choice"]["function"]["name"] == "Reading"


def test_json_object_with_the_schema_in_the_prompt_as_last_resort():
    with FakeOpenAI(reject_json_schema=True, reject_tools=True) as server:
        server.reply("```json\n" + '{"claims": []}' + "\n```")
        answer = client(server).ask(PROMPT, MESSAGES)
    assert answer.mode == "json_object"
    assert kinds(server) == ["json_schema", "tools", "json_object"]
    system = server.chat_requests[-1]["messages"][0]["content"]
    assert system.startswith("摘录陈述") and "JSON Schema" in system and '"polarity"' in system


@pytest.mark.parametrize("style", ["prose", "think", "think_unopened"])
def test_replies_around_the_json_are_read_without_a_reask(style):
    # Prose before a fenced block, or a reasoning model's <think> block (itself holding braces) first.
    with FakeOpenAI(reject_json_schema=True, reject_tools=True) as server:
        server.reply(GOOD, style=style)
        answer = client(server).ask(PROMPT, MESSAGES)
    assert answer.requests == 1 and answer.data.claims[0].value == "326.5"


def test_a_reply_that_still_fails_after_the_wrapping_is_removed_is_asked_again():
    with FakeOpenAI() as server:
        server.reply('{"claims": [ {"quote": ', style="think")
        server.reply(GOOD, style="prose")
        answer = client(server).ask(PROMPT, MESSAGES)
    assert answer.requests == 2 and answer.data.claims[0].quantity == "项目支出"
    assert "不是合法的 JSON" in server.chat_requests[1]["messages"][-1]["content"]


def test_invalid_json_is_asked_again_once_with_the_error():
    with FakeOpenAI() as server:
        server.reply('{"claims": [ {"quote": ')
        server.reply(GOOD)
        answer = client(server).ask(PROMPT, MESSAGES)
    assert answer.requests == 2 and answer.data.claims[0].value == "326.5"
    reask = server.chat_requests[1]["messages"]
    assert reask[:2] == server.chat_requests[0]["messages"]
    assert "不是合法的 JSON" in reask[-1]["content"]
    assert '{"claims": [ {"quote": ' in reask[-1]["content"]


def test_a_schema_violation_is_reported_in_the_reask():
    bad = {"claims": [{"quote": "q", "quantity": "项目支出", "value": "1", "polarity": "maybe"}]}
    with FakeOpenAI(reject_json_schema=True) as server:
        server.reply(bad)
        server.reply(GOOD)
        answer = client(server).ask(PROMPT, MESSAGES)
    assert answer.mode == "function_calling" and answer.requests == 2
    assert "claims.0.polarity" in server.chat_requests[-1]["messages"][-1]["content"]


def test_the_schema_is_sent_compact_and_the_bounds_it_leaves_out_are_still_checked():
    with FakeOpenAI() as server:
        server.reply({"claims": [{**GOOD["claims"][0], "quote": ""}]})  # minLength 1, not in the sent schema
        server.reply(GOOD)
        answer = client(server).ask(PROMPT, MESSAGES)
        sent = server.chat_requests[0]["response_format"]["json_schema"]["schema"]
    claim = sent["properties"]["claims"]["items"]["properties"]
    assert claim["value"] == {"type": ["string", "null"]} and claim["quote"] == {"type": "string"}
    assert not any(key in str(sent) for key in ("'default'", "'minLength'", "'title'", "'description'", "anyOf"))
    assert len(schema_text(Reading)) < 1300  # characters; pydantic's own schema is about three times that
    assert answer.requests == 2 and "claims.0.quote" in server.chat_requests[1]["messages"][-1]["content"]


def test_invalid_twice_fails_loudly_after_exactly_one_reask():
    with FakeOpenAI() as server:
        server.reply("不是 JSON")
        server.reply({"claims": "still wrong"})
        with pytest.raises(LLMOutputError, match="两次都不符合 Reading"):
            client(server).ask(PROMPT, MESSAGES)
        assert len(server.chat_requests) == 2


def test_server_errors_are_retried_with_backoff():
    with FakeOpenAI() as server:
        server.error(500)
        server.error(429, "rate limited")
        server.reply(GOOD)
        answer = client(server, max_retries=3).ask(PROMPT, MESSAGES)
    assert answer.data.claims and len(server.chat_requests) == 3


def test_persistent_server_errors_become_a_request_error():
    with FakeOpenAI() as server:
        for _ in range(3):
            server.error(503, "overloaded")
        with pytest.raises(LLMRequestError, match="HTTP 503"):
            client(server, max_retries=1).ask(PROMPT, MESSAGES)
        assert len(server.chat_requests) == 2  # the first try and one retry


def test_per_request_timeout():
    with FakeOpenAI() as server:
        server.reply(GOOD, delay=2.0)
        with pytest.raises(LLMRequestError, match="超时"):
            client(server, timeout=0.3, max_retries=0).ask(PROMPT, MESSAGES)


def test_unreachable_endpoint():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed when the block ends: nothing listens there
    config = LLMConfig(base_url=f"http://127.0.0.1:{port}/v1", model="m", max_retries=0)
    with pytest.raises(LLMRequestError, match="无法连接"):
        LLMClient(config).ask(PROMPT, MESSAGES)


def test_the_cache_prevents_a_second_request(tmp_path):
    with FakeOpenAI() as server:
        server.reply(GOOD)
        first = client(server, tmp_path).ask(PROMPT, MESSAGES)
        second = client(server, tmp_path).ask(PROMPT, MESSAGES)  # a new run, same cache directory
        assert len(server.chat_requests) == 1
    assert not first.cached and second.cached and second.requests == 0
    assert second.data == first.data


def test_unconfigured_client_is_refused():
    with pytest.raises(LLMRequestError, match="未配置"):
        LLMClient(LLMConfig(model="m"))
