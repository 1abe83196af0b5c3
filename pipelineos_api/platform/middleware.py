"""Pure ASGI middleware: request id + logging context + security headers, and the per-address rate limit."""

from __future__ import annotations

import math
import re
import time
import uuid
from urllib.parse import unquote_to_bytes

import msgspec
import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from pipelineos_api.platform.clientip import client_ip
from pipelineos_api.platform.ratelimit import TokenBuckets

_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_DOCS_CSP = (
    b"default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://unpkg.com; "
    b"style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://unpkg.com "
    b"https://fonts.googleapis.com; "
    b"img-src 'self' data: https:; font-src 'self' https://fonts.gstatic.com; frame-ancestors 'none'"
)
_STATIC_HEADERS = [
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
log = structlog.get_logger("pipelineos_api.access")


def problem_bytes(status: int, title: str, detail: str, request_id: str | None, **extra: object) -> bytes:
    """An RFC 9457 body for responses produced outside Litestar's exception handling."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    if request_id:
        body["request_id"] = request_id
    return msgspec.json.encode(body)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _printable_target(scope: Scope) -> bool:
    """False when the path or query string (after percent-decoding) holds a control character such as NUL."""
    raw_path = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogateescape")
    return not (
        _CONTROL.search(unquote_to_bytes(raw_path)) or _CONTROL.search(unquote_to_bytes(scope.get("query_string", b"")))
    )


async def send_problem(
    scope: Scope, send: Send, status: int, title: str, detail: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """Answer with an RFC 9457 body from outside Litestar's exception handling."""
    request_id = scope.get("state", {}).get("request_id")
    body = problem_bytes(status, title, detail, request_id, instance=scope.get("path", ""))
    head = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": head + (headers or [])})  # type: ignore[arg-type]
    await send({"type": "http.response.body", "body": body})  # type: ignore[arg-type]


async def _refuse_control_characters(scope: Scope, receive: Receive, send: Send) -> None:
    detail = "The URL contains a control character (such as %00); remove it from the path and query parameters."
    await send_problem(scope, send, 400, "Bad Request", detail)


class RequestContextMiddleware:
    """Accept or generate X-Request-ID, bind it to every log line, add security headers, log the request."""

    def __init__(self, app: ASGIApp, allow: dict[str, bytes] | None = None) -> None:
        self.app = app
        self.allow = allow or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        path = scope.get("path", "")
        csp = _DOCS_CSP if path.startswith("/schema") else _API_CSP
        started = time.perf_counter()
        status_holder = [500]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.append((b"content-security-policy", csp))
                headers.extend(_STATIC_HEADERS)
                if scope.get("method") == "OPTIONS" and scope.get("path_template") in self.allow:
                    allow = self.allow[scope["path_template"]]
                    headers = [(k, allow if k.lower() == b"allow" else v) for k, v in headers]
                message["headers"] = headers  # type: ignore[typeddict-unknown-key]
            await send(message)

        handler = self.app if _printable_target(scope) else _refuse_control_characters
        try:
            await handler(scope, receive, send_wrapper)
        finally:
            log.info(
                "request",
                method=scope.get("method"),
                path=path,
                status=status_holder[0],
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )


class RateLimitMiddleware:
    """Answer 429 problem+json with Retry-After when one address exceeds the configured rate."""

    def __init__(
        self, app: ASGIApp, buckets: TokenBuckets, trusted_proxies: tuple[str, ...], exempt: tuple[str, ...]
    ) -> None:
        self.app = app
        self.buckets = buckets
        self.trusted = trusted_proxies
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") == "OPTIONS" or scope.get("path") in self.exempt:
            await self.app(scope, receive, send)
            return
        ip = client_ip(scope, self.trusted)
        scope.setdefault("state", {})["client_ip"] = ip
        wait = self.buckets.take(ip)
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        retry = str(max(1, math.ceil(wait)))
        detail = f"More than {self.buckets.rate:g} requests per second from your address; retry after {retry} s."
        await send_problem(scope, send, 429, "Too Many Requests", detail, [(b"retry-after", retry.encode())])
