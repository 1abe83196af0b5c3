"""A real HTTP server on 127.0.0.1 that speaks the Anthropic Messages API, and page-image helpers.

The provider under test talks to it through the official SDK, so request building, JSON parsing, status codes,
headers and timeouts are all exercised for real.
"""

from __future__ import annotations

import base64
import io
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

from pipelineos.ai.retry import RetryPolicy

API_KEY = "sk-ant-test-key"


@dataclass
class Reply:
    """What the fake API answers to one request."""

    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class ReceivedRequest:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    received_at: float

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return self.body["messages"][0]["content"]

    @property
    def png(self) -> bytes:
        (image,) = [b for b in self.blocks if b["type"] == "image"]
        assert image["source"]["media_type"] == "image/png"
        return base64.b64decode(image["source"]["data"])

    @property
    def image(self) -> Image.Image:
        return Image.open(io.BytesIO(self.png))

    @property
    def tile_number(self) -> int:
        (text,) = [b["text"] for b in self.blocks if b["type"] == "text"]
        match = re.search(r"Tile (\d+) of (\d+)", text)
        assert match, text
        return int(match.group(1))


def tool_reply(fixtures: Any, input_tokens: int = 1000, output_tokens: int = 100) -> Reply:
    """A successful Messages API response whose only content block calls `report_fixtures`."""
    return Reply(
        body={
            "id": "msg_01test",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-5",
            "content": [
                {
                    "type": "tool_use",
                    "id": "toolu_01test",
                    "name": "report_fixtures",
                    "input": {"fixtures": fixtures},
                }
            ],
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
        }
    )


def error_reply(status: int, headers: dict[str, str] | None = None, delay: float = 0.0) -> Reply:
    """An error response in the API's JSON error shape."""
    kind = {429: "rate_limit_error", 401: "authentication_error", 529: "overloaded_error"}.get(status, "api_error")
    body = {"type": "error", "error": {"type": kind, "message": f"fake {kind}"}}
    return Reply(status=status, body=body, headers=headers or {}, delay=delay)


def api_key_of(headers: dict[str, str]) -> str | None:
    """The API key a request carries: `x-api-key`, or `Authorization: Bearer` as SDK 2.x sends it."""
    bearer = headers.get("authorization", "")
    return headers.get("x-api-key") or (bearer[7:] if bearer.startswith("Bearer ") else None)


class FakeAnthropic:
    """The server's state: replies queued by the test (then ``default``) and every request received."""

    def __init__(self) -> None:
        self.requests: list[ReceivedRequest] = []
        self.replies: deque[Reply] = deque()
        self.default: Callable[[ReceivedRequest], Reply] = lambda request: tool_reply([])
        self.lock = threading.Lock()
        self.url = ""

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def answer(self, request: ReceivedRequest) -> Reply:
        with self.lock:
            self.requests.append(request)
            if self.replies:
                return self.replies.popleft()
        return self.default(request)


def _handler_for(api: FakeAnthropic) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            if self.path != "/v1/messages" or api_key_of(headers) != API_KEY:
                self._send(error_reply(404 if self.path != "/v1/messages" else 401))
                return
            reply = api.answer(ReceivedRequest(self.path, headers, json.loads(raw), time.monotonic()))
            time.sleep(reply.delay)
            self._send(reply)

        def _send(self, reply: Reply) -> None:
            payload = json.dumps(reply.body).encode()
            try:
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.send_header("request-id", "req_fake")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def start_server(state: FakeAnthropic) -> ThreadingHTTPServer:
    """Serve ``state`` on an ephemeral loopback port in a daemon thread; sets ``state.url``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    server.daemon_threads = True
    server.block_on_close = False
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.01, max_retry_after=5.0)


def page_png(width: int, height: int, value: int = 0, info: dict[str, str] | None = None) -> bytes:
    """A grayscale PNG filled with ``value``, optionally carrying PNG text chunks."""
    from PIL.PngImagePlugin import PngInfo

    meta = PngInfo()
    for key, text in (info or {}).items():
        meta.add_text(key, text)
    buffer = io.BytesIO()
    Image.new("L", (width, height), value).save(buffer, format="PNG", pnginfo=meta)
    return buffer.getvalue()
