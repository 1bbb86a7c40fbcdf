"""The web app's outer guard (ASGI middleware): Host allowlist, same-origin POSTs, body size limit, security headers.

The Host header must name this server (``[web] hosts``; loopback names by
default), so that a foreign page cannot reach it through a rebound DNS name.

A body that declares its size over the limit is flagged for the page to
answer 413 after the form is refused; a chunked body, which declares nothing,
is taken in first (spooled to disk past 1 MB) and answered 413 as soon as it
passes the limit, before any parser sees it.
"""

from __future__ import annotations

import tempfile
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reviewer.web.settings import WebSettings

FORM_OVERHEAD = 1024 * 1024  # multipart boundaries and text fields on top of the files
SECURITY_HEADERS = [
    # The review markup's filter form carries onsubmit="return false": allowed by its hash, nothing else inline.
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
     b"frame-ancestors 'none'; form-action 'self'; "
     b"script-src 'self' 'unsafe-hashes' 'sha256-GZIcz60Uwd6wT3vaYke/atSr53TehbYAPepOa3d03Vw='"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class TooLarge(Exception):
    """The request body passed the configured limit while it was being received."""

    def __init__(self, limit: int):
        """Remember the limit in bytes for the message."""
        super().__init__(limit)
        self.limit = limit


def megabytes(limit: int) -> str:
    """A byte count in MB, without a needless decimal."""
    value = limit / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.2g}"


class Guard:
    """ASGI middleware: body size limit, same-origin check for POST, security headers."""

    def __init__(self, app: ASGIApp, settings: WebSettings):
        """Wrap ``app``; a request body may not exceed the batch limit plus form overhead."""
        self.app = app
        self.limit = settings.max_batch_bytes + FORM_OVERHEAD
        self.hosts = settings.allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request, count the body as it arrives, add headers to the response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if not host_allowed(headers.get("host", ""), self.hosts):
            # A page of another site reaching this server through a rebound DNS name (DNS rebinding).
            await self._refuse(scope, send, PlainTextResponse("主机名不在允许列表中（见配置项 [web] hosts）", 400))
            return
        if scope["method"] == "POST" and not _same_origin(headers):
            await PlainTextResponse("跨站请求被拒绝", 403)(scope, receive, send)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            scope["reviewer.too_large"] = self.limit
        elif not declared and scope["method"] in ("POST", "PUT", "PATCH"):
            # A chunked body announces no size: take it in (spooled to disk) before anything parses it,
            # so that an oversized one is a 413 however it is sent, not a parser's 400.
            spooled = await _spool(receive, self.limit)
            if spooled is None:
                await self._too_large(scope, send)
                return
            receive = _replay(spooled, receive)
        received = 0
        limit = self.limit

        async def counted() -> Message:
            """Receive a body message, counting its bytes against the limit."""
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge(limit)
            return message

        async def secured(message: Message) -> None:
            """Send a response message, adding the security headers to its start."""
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, counted, secured)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        """Answer 413 with the one-line reason (the body was not read to its end)."""
        message = f"上传内容超过 {megabytes(self.limit - FORM_OVERHEAD)} MB 上限，请减少文件或分批上传"
        await self._refuse(scope, send, PlainTextResponse(message, 413, headers={"connection": "close"}))

    async def _refuse(self, scope: Scope, send: Send, response: PlainTextResponse) -> None:
        """Send ``response`` with the security headers, without reading the request body."""

        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await response(scope, nothing, secured)


SPOOL_IN_MEMORY = 1024 * 1024  # a chunked body is kept in memory up to this, then on disk
REPLAY_CHUNK = 64 * 1024


async def _spool(receive: Receive, limit: int):
    """The whole request body in a spooled temporary file, or None (file closed) once it passes ``limit`` bytes."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            spool.close()
            return None
        await run_in_threadpool(spool.write, chunk)
        if not message.get("more_body", False):
            break
    return spool


def _replay(spool, receive: Receive) -> Receive:
    """A receive callable that hands the spooled body out again in chunks, then waits on the real one."""
    remaining = spool.seek(0, 2)
    spool.seek(0)

    async def replayed() -> Message:
        nonlocal remaining
        if spool.closed:
            return await receive()
        chunk = await run_in_threadpool(spool.read, REPLAY_CHUNK)
        remaining -= len(chunk)
        if remaining <= 0:
            spool.close()
        return {"type": "http.request", "body": chunk, "more_body": remaining > 0}

    return replayed




def _same_origin(headers: dict[str, str]) -> bool:
    """A browser's POST from another site carries a foreign Origin (or "null"); requests without one (tools) pass."""
    origin = headers.get("origin")
    if origin is None:
        return True
    return origin != "null" and urlsplit(origin).netloc == headers.get("host", "")


def host_allowed(host: str, allowed: list[str]) -> bool:
    """Whether a Host header names this server: its name (port ignored) is in ``allowed``; "*" allows any, "*.x" a subdomain of x."""
    if "*" in allowed:
        return True
    name = urlsplit(f"//{host}").hostname or ""
    for pattern in allowed:
        pattern = pattern.strip("[]").lower()
        if name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False
