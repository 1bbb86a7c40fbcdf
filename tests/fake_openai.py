"""A scripted OpenAI-compatible chat server on 127.0.0.1 for tests.

The test queues replies; each POST /v1/chat/completions takes the next one
and every request body is recorded. A content reply is returned as message
content, or as the arguments of a tool call when the request offered tools,
so the same script works whichever structured-output mode the client uses.
Servers that refuse a capability (DeepSeek refuses json_schema) are modelled
by ``reject_json_schema`` / ``reject_tools``, which answer 400 without
consuming the script. Models that do not answer with bare JSON are modelled
by ``reply(..., style=...)``: "prose" puts a sentence before a fenced block
and one after it, "think" opens with a <think>…</think> block as reasoning
models do (DeepSeek-R1, QwQ on vLLM or Ollama), "think_unopened" the same
with only the closing tag (some chat templates add the opening one to the
prompt). The style applies to content replies, not to tool-call arguments.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOpenAI:
    """Context manager running the fake server; ``base_url`` points at it."""

    def __init__(self, reject_json_schema: bool = False, reject_tools: bool = False):
        self.reject_json_schema = reject_json_schema
        self.reject_tools = reject_tools
        self.requests: list[dict[str, Any]] = []
        self.script: deque[dict[str, Any]] = deque()
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.base_url = ""
        self.in_flight = 0
        self.max_in_flight = 0  # most chat requests being answered at the same time

    def reply(self, content: str | dict | list, delay: float = 0.0, when: str | None = None, style: str = "plain") -> None:
        """Queue a successful answer (a dict or list is sent as its JSON text).

        With ``when``, the answer goes to the first request whose messages contain
        that text, so concurrent requests still get the answer meant for them.
        ``style`` is plain, prose, think or think_unopened (see the module text).
        """
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, indent=1)
        self.script.append({"content": text, "delay": delay, "when": when, "style": STYLES[style]})

    def error(self, status: int, message: str = "scripted error", when: str | None = None) -> None:
        """Queue an HTTP error answer."""
        self.script.append({"status": status, "message": message, "when": when})

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        """Bodies of the chat requests received so far."""
        return [r for r in self.requests if "messages" in r]

    def __enter__(self) -> "FakeOpenAI":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake.lock:
                    fake.requests.append(body)
                if not self.path.endswith("/chat/completions"):
                    return self.send(404, {"error": {"message": f"no route {self.path}"}})
                with fake.lock:
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    status, payload = fake.answer(body)
                finally:
                    with fake.lock:
                        fake.in_flight -= 1
                self.send(status, payload)

            def send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429 or status >= 500:
                    self.send_header("retry-after-ms", "5")  # keep the client's backoff short
                self.end_headers()
                self.wfile.write(data)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Decide the reply to one chat request."""
        response_format = (body.get("response_format") or {}).get("type")
        if self.reject_json_schema and response_format == "json_schema":
            return 400, error_body("This response_format type is unavailable now")
        if self.reject_tools and body.get("tools"):
            return 400, error_body("tools are not supported by this model")
        text = "\n".join(str(m.get("content") or "") for m in body.get("messages", []))
        with self.lock:
            item = next((i for i in self.script if i["when"] is None or i["when"] in text), None)
            if item is not None:
                self.script.remove(item)
        if item is None:
            return 418, error_body("the test scripted no reply for this request")
        if "status" in item:
            return item["status"], error_body(item["message"])
        if item["delay"]:
            time.sleep(item["delay"])
        message: dict[str, Any] = {"role": "assistant", "content": item["style"].format(item["content"])}
        finish = "stop"
        if body.get("tools"):
            name = body["tools"][0]["function"]["name"]
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": name, "arguments": item["content"]}}
                ],
            }
            finish = "tool_calls"
        prompt_chars = sum(len(m.get("content") or "") for m in body.get("messages", []))
        return 200, {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", ""),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": prompt_chars,
                "completion_tokens": len(item["content"]),
                "total_tokens": prompt_chars + len(item["content"]),
            },
        }


STYLES = {
    "plain": "{}",
    "prose": "好的，下面是按要求整理的结果，共分两部分：{{摘录}}与{{疑点}}。\n\n```json\n{}\n```\n\n以上结果仅供参考。",
    "think": "<think>\n先找出文字中的数字，例如 {{\"claims\": 需要逐条列出}}，再与表格核对。\n</think>\n\n{}",
    "think_unopened": "先逐句阅读，再列出陈述和疑点。\n</think>\n{}",
}


class QuietServer(ThreadingHTTPServer):
    """A server that ignores clients hanging up (the timeout test does that on purpose)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay silent about a client that closed the connection; report anything else."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def error_body(message: str) -> dict[str, Any]:
    """An OpenAI-style error payload."""
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}
