"""Outbox and dispatcher against real PostgreSQL, a real SMTP server (aiosmtpd) and a loopback SMS API.

The SMTP outage (server stopped and restarted) is in ``test_smtp_outage.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import psycopg
from notify_helpers import clear, queue, smtp

from pipelineos.net import free_loopback_port
from pipelineos.notify.dispatcher import dispatch_due, dispatch_message
from pipelineos.notify.outbox import enqueue, get_message
from pipelineos.notify.transports import LocalSmsSink, TwilioSms

FAR = dt.timedelta(days=30)


def test_enqueue_is_transactional_and_deduplicated(seeded: dict[str, str], db: psycopg.Connection) -> None:
    org = seeded["organization_id"]
    first = enqueue(
        db,
        organization_id=org,
        channel="email",
        kind="t",
        recipient="a@example.com",
        subject="s",
        body_text="b",
        dedupe_key="k-1",
    )
    again = enqueue(
        db,
        organization_id=org,
        channel="email",
        kind="t",
        recipient="a@example.com",
        subject="s",
        body_text="b",
        dedupe_key="k-1",
    )
    assert first == again
    db.rollback()
    assert get_message(db, first) is None, "the message rolls back with the caller's transaction"


def test_invalid_recipient_is_failed_with_reason(seeded: dict[str, str], db: psycopg.Connection, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    clear(db)
    mid = queue(db, seeded["organization_id"], "not-an-address")
    row = get_message(db, mid)
    assert row is not None and row["status"] == "failed"
    assert "Invalid email address 'not-an-address'" in row["last_error"]
    db.execute(
        "insert into messages (organization_id, channel, kind, recipient) values (%s, 'sms', 't', '12')",
        (seeded["organization_id"],),
    )
    db.commit()
    report = dispatch_due(transports=smtp(smtp_sink.port))
    assert report["failed_or_dead_on_claim"] == 1
    bad = db.execute("select status, last_error from messages where recipient = '12'").fetchone()
    assert bad["status"] == "failed" and "Invalid phone number '12'" in bad["last_error"]  # type: ignore[index]


def test_dead_letter_after_max_attempts(seeded: dict[str, str], db: psycopg.Connection) -> None:
    clear(db)
    mid = queue(db, seeded["organization_id"], "dead@example.com", max_attempts=3)
    port = free_loopback_port()
    now = dt.datetime.now(dt.UTC)
    for i in range(5):
        dispatch_due(now=now + dt.timedelta(days=i + 1), transports=smtp(port))
    row = get_message(db, mid)
    assert row["status"] == "dead" and row["attempts"] == 3  # type: ignore[index]
    assert "Gave up after 3 attempts" in row["last_error"]  # type: ignore[index]


def test_crashed_sends_retry_only_when_never_transmitted(
    seeded: dict[str, str], db: psycopg.Connection, smtp_sink
) -> None:  # type: ignore[no-untyped-def]
    clear(db)
    org = seeded["organization_id"]
    claimed = queue(db, org, "claimed@example.com")
    transmitting = queue(db, org, "transmitting@example.com")
    db.execute(
        "update messages set status = 'sending', attempts = 1, delivery_phase = 'claimed', "
        "provider_message_id = '<kept@demo.example>', next_attempt_at = now() - interval '1 s' "
        "where id = %s",
        (claimed,),
    )
    db.execute(
        "update messages set status = 'sending', attempts = 1, delivery_phase = 'transmitting', "
        "provider_message_id = '<maybe@demo.example>', next_attempt_at = now() - interval '1 s' "
        "where id = %s",
        (transmitting,),
    )
    db.commit()
    n = len(smtp_sink.messages)
    dispatch_due(transports=smtp(smtp_sink.port))
    dispatch_due(transports=smtp(smtp_sink.port))
    assert [m["Message-ID"] for m in smtp_sink.messages[n:]] == ["<kept@demo.example>"]
    assert get_message(db, claimed)["status"] == "sent"  # type: ignore[index]
    row = get_message(db, transmitting)
    assert row["status"] == "failed" and "outcome unknown" in row["last_error"]  # type: ignore[index]


def test_default_transport_uses_settings_and_dispatch_message(
    seeded: dict[str, str], db: psycopg.Connection, smtp_sink
) -> None:  # type: ignore[no-untyped-def]
    clear(db)
    mid = queue(db, seeded["organization_id"], "now@example.com", send_at=dt.datetime.now(dt.UTC) + FAR)
    report = dispatch_message(mid)
    assert report["sent"] == 1
    assert smtp_sink.messages[-1]["To"] == "now@example.com"


def test_sms_local_sink(seeded: dict[str, str], db: psycopg.Connection, tmp_path: Path) -> None:
    clear(db)
    mid = queue(db, seeded["organization_id"], "(415) 555-2671", channel="sms")
    sink = tmp_path / "sms.jsonl"
    assert dispatch_due(transports={"sms": LocalSmsSink(sink)})["sent"] == 1
    (line,) = [json.loads(x) for x in sink.read_text().splitlines()]
    assert (line["to"], line["body"]) == ("+14155552671", "Body text")
    assert get_message(db, mid)["provider_message_id"] == line["id"]  # type: ignore[index]


class _TwilioHandler(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self) -> None:
        body = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        type(self).requests.append({"path": self.path, "auth": self.headers["Authorization"], **body})
        if body["To"][0] == "+14155550000":
            status, payload = 400, {"code": 21211, "message": "The 'To' number is not a valid phone number."}
        elif body["To"][0] == "+14155550001":
            status, payload = 503, {"code": 20503, "message": "Service unavailable"}
        else:
            status, payload = 201, {"sid": f"SM{len(type(self).requests):032d}", "status": "queued"}
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def test_sms_twilio_compatible_api_on_loopback(seeded: dict[str, str], db: psycopg.Connection) -> None:
    clear(db)
    server = HTTPServer(("127.0.0.1", 0), _TwilioHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        api = TwilioSms(
            api_url=f"http://127.0.0.1:{server.server_port}",
            account_sid="AC123",
            auth_token="secret",
            sender="+15005550006",
        )
        org = seeded["organization_id"]
        ok, bad, busy = (queue(db, org, n, channel="sms") for n in ("+1 415 555 2671", "+14155550000", "+14155550001"))
        report = dispatch_due(transports={"sms": api})
        assert (report["sent"], report["failed"], report["retry"]) == (1, 1, 1)
        assert get_message(db, ok)["provider_message_id"] == "SM" + "1".zfill(32)  # type: ignore[index]
        assert "not a valid phone number" in get_message(db, bad)["last_error"]  # type: ignore[index]
        assert get_message(db, busy)["status"] == "queued"  # type: ignore[index]
        first = _TwilioHandler.requests[0]
        assert first["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
        assert first["From"] == ["+15005550006"] and first["auth"].startswith("Basic ")
    finally:
        server.shutdown()
