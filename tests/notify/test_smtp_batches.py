"""A dispatcher pass sends its batch over one SMTP connection; refusals and dropped connections mid-batch do
not cost other messages, and nothing is sent twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller
from notify_helpers import clear, queue, smtp

from pipelineos.net import free_loopback_port
from pipelineos.notify.dispatcher import dispatch_due
from pipelineos.notify.outbox import get_message
from pipelineos.testing import SmtpSink, SmtpSinkHandler


class CountingHandler(SmtpSinkHandler):
    """The sink, also counting connections (one EHLO each) and refusing one mailbox at RCPT."""

    def __init__(self, sink: SmtpSink) -> None:
        super().__init__(sink)
        self.connections = 0

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address == "gone@example.com":
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class Server:
    """The counting server on a fixed loopback port; ``restart`` drops every open connection."""

    def __init__(self) -> None:
        self.sink = SmtpSink("127.0.0.1", free_loopback_port())
        self.handler = CountingHandler(self.sink)
        self.controller = self._start()

    def _start(self) -> Controller:
        controller = Controller(self.handler, hostname="127.0.0.1", port=self.sink.port)
        controller.start()
        return controller

    def restart(self) -> None:
        self.controller.stop()
        self.controller = self._start()


@pytest.fixture()
def server(app_env: dict[str, str]) -> Iterator[Server]:
    srv = Server()
    yield srv
    srv.controller.stop()


def test_one_connection_per_batch_and_a_refusal_mid_batch(
    seeded: dict[str, str], db: psycopg.Connection, server: Server
) -> None:
    sink, handler = server.sink, server.handler
    clear(db)
    org = seeded["organization_id"]
    recipients = [f"r{i}@example.com" for i in range(5)]
    ids = [queue(db, org, r) for r in recipients[:2]] + [queue(db, org, "gone@example.com")]
    ids += [queue(db, org, r) for r in recipients[2:]]

    report = dispatch_due(transports=smtp(sink.port))

    assert (report["sent"], report["failed"], report["retry"]) == (5, 1, 0)
    assert handler.connections == 1, "the whole batch went over one connection"
    assert sorted(m["To"] for m in sink.messages) == recipients, "each delivered once, the refusal skipped"
    statuses = [get_message(db, mid)["status"] for mid in ids]  # type: ignore[index]
    assert statuses == ["sent", "sent", "failed", "sent", "sent", "sent"]
    message_ids = {m["Message-ID"] for m in sink.messages}
    assert message_ids == {get_message(db, mid)["provider_message_id"] for mid in ids if mid != ids[2]}  # type: ignore[index]


def test_a_dropped_connection_is_reopened_before_anything_is_sent(server: Server) -> None:
    sink, handler = server.sink, server.handler
    transport = smtp(sink.port)["email"]
    marks: list[str] = []
    message = {"recipient": "a@example.com", "subject": "S", "body_text": "B", "provider_message_id": "<1@x.example>"}
    with transport.session() as session:
        session.send(dict(message), lambda: marks.append("1"))
        server.restart()  # the server drops the connection the session holds
        session.send({**message, "provider_message_id": "<2@x.example>"}, lambda: marks.append("2"))
    assert marks == ["1", "2"] and handler.connections == 2
    assert [m["Message-ID"] for m in sink.messages] == ["<1@x.example>", "<2@x.example>"]


def test_a_large_batch_over_several_connections_delivers_each_once(
    seeded: dict[str, str], db: psycopg.Connection, server: Server
) -> None:
    clear(db)
    ids = [queue(db, seeded["organization_id"], f"bulk{i}@example.com") for i in range(60)]

    report = dispatch_due(limit=100, transports=smtp(server.sink.port), senders=3)

    assert (report["claimed"], report["sent"]) == (60, 60) and sorted(report["ids"]) == sorted(ids)
    assert server.handler.connections == 2, "one sender per 25 messages, at most the 3 asked for"
    delivered = sorted(m["To"] for m in server.sink.messages)
    assert delivered == sorted(f"bulk{i}@example.com" for i in range(60)), "each exactly once"
    assert {get_message(db, mid)["status"] for mid in ids} == {"sent"}  # type: ignore[index]
