"""Local override of ``smtp_sink``: the shared fixture asks aiosmtpd for port 0, which aiosmtpd 1.4.6 cannot
use (its start-up self-check connects to the requested port). Here a free port is picked first."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

import pytest


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.sink.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def smtp_sink(app_env: dict[str, str]) -> Iterator[SmtpSink]:
    """A real aiosmtpd server on 127.0.0.1; settings point at it."""
    from aiosmtpd.controller import Controller

    from pipelineos.settings import get_settings

    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(_Handler(sink), hostname="127.0.0.1", port=sink.port)
    controller.start()
    os.environ["PIPELINEOS_SMTP_HOST"] = "127.0.0.1"
    os.environ["PIPELINEOS_SMTP_PORT"] = str(sink.port)
    get_settings.cache_clear()
    yield sink
    controller.stop()
    os.environ.pop("PIPELINEOS_SMTP_PORT", None)
    os.environ.pop("PIPELINEOS_SMTP_HOST", None)
    get_settings.cache_clear()
