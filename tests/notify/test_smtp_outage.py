"""A real SMTP server (aiosmtpd) goes down and comes back on the same port: nothing is lost, nothing is doubled.

Also: backoff doubles per attempt, the Message-ID chosen at the first claim is the one finally delivered, and a
recipient the server refuses at RCPT is marked failed with the server's reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller
from notify_helpers import clear, queue, smtp

from pipelineos.net import free_loopback_port
from pipelineos.notify.dispatcher import dispatch_due
from pipelineos.notify.outbox import get_message
from pipelineos.storage import get_storage
from pipelineos.testing import SmtpSink, SmtpSinkHandler

BACKOFF = 30.0  # PIPELINEOS_OUTBOX_BACKOFF_SECONDS default


class RefusingHandler(SmtpSinkHandler):
    """Accepts mail like the sink, but refuses one mailbox at RCPT the way a real server does."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address == "gone@example.com":
            return "550 5.1.1 <gone@example.com>: Recipient address rejected: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class Server:
    """An aiosmtpd server on a fixed loopback port that a test can stop and start again."""

    def __init__(self, port: int) -> None:
        self.sink = SmtpSink("127.0.0.1", port)
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(RefusingHandler(self.sink), hostname="127.0.0.1", port=self.sink.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture()
def server(app_env: dict[str, str]) -> Iterator[Server]:
    srv = Server(free_loopback_port())
    srv.start()
    yield srv
    srv.stop()


def _times(start: dt.datetime, seconds: float) -> dt.datetime:
    return start + dt.timedelta(seconds=seconds)


def test_outage_keeps_messages_queued_and_delivers_each_once_when_back(
    seeded: dict[str, str], db: psycopg.Connection, server: Server
) -> None:
    clear(db)
    org = seeded["organization_id"]
    pdf = get_storage().put_bytes(b"%PDF-1.4 outage proposal")
    attachment = {"sha256": pdf.sha256, "filename": "proposal.pdf", "content_type": "application/pdf"}
    ids = [queue(db, org, "one@example.com", attachments=[attachment]), queue(db, org, "two@example.com")]
    transports = smtp(server.sink.port)

    server.stop()
    t0 = dt.datetime.now(dt.UTC)
    first = dispatch_due(now=t0, transports=transports)
    assert (first["claimed"], first["retry"], first["sent"]) == (2, 2, 0)
    message_ids = {}
    for mid in ids:
        row = get_message(db, mid)
        assert row is not None and row["status"] == "queued" and row["attempts"] == 1
        assert "unreachable" in row["last_error"]
        # attempt 1 failed → next try backoff × 2^0 = 30 s later
        assert _times(t0, BACKOFF) <= row["next_attempt_at"] <= _times(dt.datetime.now(dt.UTC), BACKOFF + 1)
        message_ids[mid] = row["provider_message_id"]
    assert dispatch_due(now=_times(t0, BACKOFF - 5), transports=transports)["claimed"] == 0, "backoff holds"

    t1 = _times(t0, BACKOFF + 10)
    second = dispatch_due(now=t1, transports=transports)
    assert (second["claimed"], second["retry"]) == (2, 2), "still down: queued again, not lost"
    for mid in ids:
        row = get_message(db, mid)
        assert row is not None and row["attempts"] == 2 and row["status"] == "queued"
        # attempt 2 failed → backoff × 2^1 = 60 s after the failure (the real clock, not the simulated one)
        assert row["next_attempt_at"] >= _times(t0, 2 * BACKOFF)
        assert row["provider_message_id"] == message_ids[mid], "Message-ID chosen once, kept across retries"
    assert server.sink.messages == []

    server.start()  # the same port again
    later = _times(t0, 3600)
    reports = [dispatch_due(now=later, transports=transports) for _ in range(3)]
    assert [r["sent"] for r in reports] == [2, 0, 0]
    assert sorted(m["To"] for m in server.sink.messages) == ["one@example.com", "two@example.com"]
    for mid in ids:
        row = get_message(db, mid)
        assert row is not None and (row["status"], row["attempts"]) == ("sent", 3)
        delivered = [m for m in server.sink.messages if m["Message-ID"] == message_ids[mid]]
        assert len(delivered) == 1, "delivered exactly once, under the Message-ID recorded at the first claim"
    with_pdf = next(m for m in server.sink.messages if m["To"] == "one@example.com")
    (part,) = [p for p in with_pdf.walk() if p.get_filename() == "proposal.pdf"]
    assert part.get_payload(decode=True) == b"%PDF-1.4 outage proposal"


def test_recipient_refused_at_rcpt_is_failed_with_the_server_reason(
    seeded: dict[str, str], db: psycopg.Connection, server: Server
) -> None:
    clear(db)
    mid = queue(db, seeded["organization_id"], "gone@example.com")
    report = dispatch_due(transports=smtp(server.sink.port))
    assert report["failed"] == 1 and report["retry"] == 0
    row = get_message(db, mid)
    assert row is not None and row["status"] == "failed" and row["attempts"] == 1
    assert "550" in row["last_error"] and "mailbox unavailable" in row["last_error"]
    assert server.sink.messages == []
    assert (
        dispatch_due(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=1), transports=smtp(server.sink.port))["claimed"]
        == 0
    ), "a permanent refusal is never retried"
