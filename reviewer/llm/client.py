"""A structured-output client for any OpenAI-compatible endpoint, through langchain-openai.

Servers differ in what they accept: OpenAI and vLLM take a json_schema
response_format, DeepSeek refuses it but calls functions, DashScope (Qwen)
only promises json_object. The client tries the modes in that order, and
remembers per endpoint (for the rest of the process) the first one that the
server accepted. Whatever the mode, the answer is validated with pydantic;
an invalid answer is re-asked once with the validation error, then reported
as LLMOutputError. Transport failures (after the openai client's own retries
with backoff on 429/5xx and connection errors) are reported as
LLMRequestError. The stage turns both into a note; the review goes on.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from dataclasses import dataclass
from typing import Any

import openai
from langchain_core.exceptions import ContextOverflowError
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, ValidationError

from reviewer.config import LLMConfig
from reviewer.errors import validation_problems
from reviewer.llm.cache import ResponseCache, input_hash
from reviewer.llm.tokens import count_messages, count_tokens
from reviewer.llm.prompt import Prompt

MODES = ("json_schema", "function_calling", "json_object")
# A server without the key (local vLLM, Ollama) still needs a non-empty value for the openai client.
NO_KEY = "not-needed"
REASK_EXCERPT = 4000  # characters of the invalid answer quoted back to the model
FENCE = re.compile(r"```[a-zA-Z]*\s*(.*?)\s*```", re.DOTALL)
# Reasoning models (DeepSeek-R1, QwQ on vLLM or Ollama) write their thinking first; some templates drop the opening tag.
THINKING = re.compile(r"\A\s*(?:<think>)?.*?</think>", re.DOTALL)

_mode_lock = threading.Lock()
_endpoint_modes: dict[tuple[str, str], int] = {}  # (base_url, model) -> index into MODES


class LLMError(Exception):
    """The model could not give a usable answer; the message is shown to the user."""


class LLMRequestError(LLMError):
    """The endpoint could not be reached, refused the request, or kept failing."""


class LLMOutputError(LLMError):
    """The answer did not match the schema, even after one re-ask."""


@dataclass
class Answer:
    """A validated answer and what it cost."""

    data: BaseModel
    cached: bool
    mode: str | None
    requests: int
    input_tokens: int
    output_tokens: int


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace ``$ref`` to ``$defs`` by the definitions: small servers do not resolve references."""
    defs = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]]))
            return {k: resolve(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return resolve(schema)


# Keys the model need not see: titles and descriptions (the prompt explains every field),
# defaults and length bounds (pydantic checks those when the answer comes back, and a
# violation is re-asked quoting the problem).
_UNSENT_KEYS = {"title", "description", "default", "minLength", "minItems"}


def compact(node: Any) -> Any:
    """A JSON Schema without the keys of _UNSENT_KEYS, and with ``anyOf [X, null]`` written as ``type [X's type, "null"]``.

    Together with compact JSON this halves the schema sent with every request
    (461 to about 270 tokens for Reading), and says the same to the model.
    """
    if isinstance(node, list):
        return [compact(v) for v in node]
    if not isinstance(node, dict):
        return node
    options = node.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and options[1] == {"type": "null"} and isinstance(options[0].get("type"), str):
        inner = compact(options[0])
        rest = compact({k: v for k, v in node.items() if k != "anyOf"})
        return {**rest, **inner, "type": [inner["type"], "null"]}
    return {
        k: ({p: compact(v) for p, v in value.items()} if k == "properties" else compact(value))
        for k, value in node.items()
        if k not in _UNSENT_KEYS  # a property that happens to be named "title" is a key of "properties", kept above
    }


def output_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of an answer model, self-contained and compact (see ``compact``)."""
    return compact(inline_refs(model.model_json_schema()))


def schema_text(model: type[BaseModel]) -> str:
    """``output_schema`` as compact JSON: what the schema costs a request, whichever way it travels."""
    return json.dumps(output_schema(model), ensure_ascii=False, separators=(",", ":"))


def schema_instruction(model: type[BaseModel]) -> str:
    """The text appended to the system message when the schema travels inside the prompt."""
    # Some servers (DeepSeek) refuse json_object mode unless the prompt says "json" in lower case.
    return f"\n\n请以 json 格式输出一个 JSON 对象，并符合下面的 JSON Schema：\n{schema_text(model)}"


def to_langchain(messages: list[dict[str, str]]) -> list[BaseMessage]:
    """Convert role/content dicts to langchain messages."""
    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m["role"]](content=m["content"]) for m in messages]


def validation_problem(exc: Exception) -> str:
    """A short description of why an answer failed, for the re-ask and for the user."""
    if isinstance(exc, ValidationError):
        return validation_problems(exc)
    return str(exc)


class LLMClient:
    """Asks one prompt at a time for a validated structured answer; thread-safe."""

    def __init__(self, config: LLMConfig, cache: ResponseCache | None = None):
        if not config.configured:
            raise LLMRequestError("未配置大模型（需要 base_url 和 model）")
        self.config = config
        self.cache = cache
        self.endpoint = (str(config.base_url), str(config.model))
        self.chat = ChatOpenAI(
            model=str(config.model),
            base_url=config.base_url,
            api_key=config.api_key or NO_KEY,
            timeout=config.timeout,
            max_retries=config.max_retries,
            temperature=0,
        )

    def ask(self, prompt: Prompt, messages: list[dict[str, str]]) -> Answer:
        """Return the validated answer to ``messages``, from the cache when it holds one."""
        model = prompt.schema_model
        digest = input_hash(messages)
        if self.cache is not None:
            stored = self.cache.get(prompt.id, prompt.version, self.endpoint[1], digest)
            if stored is not None:
                try:
                    return Answer(model.model_validate_json(stored), True, None, 0, 0, 0)
                except ValidationError:
                    pass  # stored by an older schema: ask again and overwrite
        answer = self._ask_model(model, messages)
        if self.cache is not None:
            self.cache.put(prompt.id, prompt.version, self.endpoint[1], digest, answer.data.model_dump_json())
        return answer

    def _ask_model(self, model: type[BaseModel], messages: list[dict[str, str]]) -> Answer:
        """Ask, falling back through the modes, then re-ask once on an invalid answer."""
        mode, reply = self._first_reply(model, messages)
        usage = [reply]
        try:
            data = self._parse(model, reply)
        except (ValueError, ValidationError) as exc:
            problem = validation_problem(exc)
            reask = messages + [
                {
                    "role": "user",
                    "content": (
                        f"你上一次的输出没有通过校验：{problem}\n上一次的输出是：\n{raw_text(reply)[:REASK_EXCERPT]}\n"
                        "请改正后重新输出完整的 JSON 对象，只输出 JSON。"
                    ),
                }
            ]
            reply = self._request(mode, model, reask)
            usage.append(reply)
            try:
                data = self._parse(model, reply)
            except (ValueError, ValidationError) as again:
                raise LLMOutputError(f"模型输出两次都不符合 {model.__name__} 的格式：{validation_problem(again)}") from again
        sent = [messages] if len(usage) == 1 else [messages, reask]
        return Answer(
            data=data,
            cached=False,
            mode=mode,
            requests=len(usage),
            input_tokens=sum(reported(r, "input_tokens", count_messages(m)) for r, m in zip(usage, sent)),
            output_tokens=sum(reported(r, "output_tokens", count_tokens(raw_text(r))) for r in usage),
        )

    def _first_reply(self, model: type[BaseModel], messages: list[dict[str, str]]) -> tuple[str, AIMessage]:
        """Send in the first mode the endpoint accepts, remembering it for later requests."""
        with _mode_lock:
            start = _endpoint_modes.get(self.endpoint, 0)
        refusals: list[str] = []
        for index in range(start, len(MODES)):
            mode = MODES[index]
            try:
                reply = self._request(mode, model, messages, capability_probe=True)
            except CapabilityRefused as refused:
                refusals.append(f"{mode}: {refused}")
                continue
            with _mode_lock:
                _endpoint_modes[self.endpoint] = index
            return mode, reply
        raise LLMRequestError("服务端拒绝了所有结构化输出方式（" + "；".join(refusals) + "）")

    def _request(
        self, mode: str, model: type[BaseModel], messages: list[dict[str, str]], capability_probe: bool = False
    ) -> AIMessage:
        """One chat request in ``mode``; a 400/422 while probing means the mode is not supported."""
        name = model.__name__
        try:
            if mode == "json_schema":
                fmt = {"type": "json_schema", "json_schema": {"name": name, "schema": output_schema(model), "strict": False}}
                return self.chat.invoke(to_langchain(messages), response_format=fmt)
            if mode == "function_calling":
                tool = {
                    "type": "function",
                    "function": {"name": name, "description": model.__doc__ or name, "parameters": output_schema(model)},
                }
                return self.chat.bind_tools([tool], tool_choice=name).invoke(to_langchain(messages))
            with_schema = [dict(m) for m in messages]
            with_schema[0]["content"] += schema_instruction(model)
            return self.chat.invoke(to_langchain(with_schema), response_format={"type": "json_object"})
        except ContextOverflowError as exc:
            raise LLMRequestError(f"输入超出模型的上下文长度，请调小 token_budget（{exc}）") from exc
        except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
            if capability_probe:
                raise CapabilityRefused(error_text(exc)) from exc
            raise LLMRequestError(f"请求被拒绝：{error_text(exc)}") from exc
        except openai.APITimeoutError as exc:
            raise LLMRequestError(f"请求超时（{self.config.timeout:g} 秒，已重试 {self.config.max_retries} 次）") from exc
        except openai.APIConnectionError as exc:
            raise LLMRequestError(f"无法连接 {self.config.base_url}（已重试 {self.config.max_retries} 次）") from exc
        except openai.APIStatusError as exc:
            raise LLMRequestError(f"服务端返回 HTTP {exc.status_code}：{error_text(exc)}") from exc

    def _parse(self, model: type[BaseModel], reply: AIMessage) -> BaseModel:
        """Validate the reply: a tool call's arguments, or JSON in the content."""
        if reply.tool_calls:
            return model.model_validate(reply.tool_calls[0]["args"])
        return model.model_validate(json_in(raw_text(reply)))


def json_in(text: str) -> Any:
    """The JSON object of a reply that may open with a <think> block and wrap the JSON in prose or a fence.

    Tried in order: the whole text, each fenced block, then the first text
    from a "{" that parses. ValueError (with the parser's complaint about the
    whole text) when none does.
    """
    text = THINKING.sub("", text, count=1) if "</think>" in text else text
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problem = f"不是合法的 JSON（{exc.msg}，第 {exc.pos} 个字符）"
    for block in FENCE.findall(text):
        try:
            return json.loads(block)
        except json.JSONDecodeError:
            continue
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start >= 0:
        try:
            return decoder.raw_decode(text, start)[0]
        except json.JSONDecodeError:
            start = text.find("{", start + 1)
    raise ValueError(problem)


class CapabilityRefused(Exception):
    """The server refused a structured-output mode (HTTP 400/422)."""


def raw_text(reply: AIMessage) -> str:
    """What the model wrote: the content, or the raw arguments of an unparseable tool call."""
    if reply.invalid_tool_calls:
        return str(reply.invalid_tool_calls[0].get("args") or "")
    if reply.tool_calls:
        return json.dumps(reply.tool_calls[0]["args"], ensure_ascii=False)
    return reply.content if isinstance(reply.content, str) else json.dumps(reply.content, ensure_ascii=False)


def reported(reply: AIMessage, field: str, estimate: int) -> int:
    """Token usage as reported by the server, or our estimate when it reports none."""
    usage = reply.usage_metadata or {}
    return int(usage.get(field) or estimate)


def error_text(exc: openai.APIStatusError) -> str:
    """The server's error message, without the request dump."""
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if isinstance(body.get("message"), str):
            return body["message"]
    return exc.message
