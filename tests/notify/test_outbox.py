"""Outbox and dispatcher against real PostgreSQL, a real SMTP server (aiosmtpd) and a loopback SMS API."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import psycopg

from pipelineos.net import free_loopback_port
from pipelineos.notify.dispatcher import dispatch_due, dispatch_message
from pipelineos.notify.outbox import enqueue, get_message
from pipelineos.notify.transports import LocalSmsSink, SmtpTransport, TwilioSms
from pipelineos.storage import get_storage

FAR = dt.timedelta(days=30)


def _smtp(port: int) -> dict:
    return {
        "email": SmtpTransport(
            host="127.0.0.1",
            port=port,
            mail_from="Bids <bids@demo.example>",
            timeout=2,
            storage=get_storage(),
        )
    }


def _queue(db: psycopg.Connection, org: str, recipient: str, **kw) -> str:  # type: ignore[no-untyped-def]
    mid = enqueue(
        db,
        organization_id=org,
        channel=kw.pop("channel", "email"),
        kind="test",
        recipient=recipient,
        subject="Hello",
        body_text="Body text",
        **kw,
    )
    db.commit()
    return mid


def _clear(db: psycopg.Connection) -> None:
    db.execute("update messages set status = 'dead' where status in ('queued', 'sending')")
    db.commit()


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
    _clear(db)
    mid = _queue(db, seeded["organization_id"], "not-an-address")
    row = get_message(db, mid)
    assert row is not None and row["status"] == "failed"
    assert "Invalid email address 'not-an-address'" in row["last_error"]
    db.execute(
        "insert into messages (organization_id, channel, kind, recipient) values (%s, 'sms', 't', '12')",
        (seeded["organization_id"],),
    )
    db.commit()
    report = dispatch_due(transports=_smtp(smtp_sink.port))
    assert report["failed_or_dead_on_claim"] == 1
    bad = db.execute("select status, last_error from messages where recipient = '12'").fetchone()
    assert bad["status"] == "failed" and "Invalid phone number '12'" in bad["last_error"]  # type: ignore[index]


def test_smtp_down_then_up_delivers_each_message_once(
    seeded: dict[str, str], db: psycopg.Connection, smtp_sink
) -> None:  # type: ignore[no-untyped-def]
    _clear(db)
    org = seeded["organization_id"]
    pdf = get_storage().put_bytes(b"%PDF-1.4 fake proposal")
    ids = [
        _queue(
            db,
            org,
            "one@example.com",
            attachments=[{"sha256": pdf.sha256, "filename": "p.pdf", "content_type": "application/pdf"}],
        ),
        _queue(db, org, "two@example.com"),
    ]
    before = dt.datetime.now(dt.UTC)
    down = dispatch_due(transports=_smtp(free_loopback_port()))
    assert (down["claimed"], down["retry"], down["sent"]) == (2, 2, 0)
    for mid in ids:
        row = get_message(db, mid)
        assert row["status"] == "queued" and row["attempts"] == 1  # type: ignore[index]
        assert "unreachable" in row["last_error"]  # type: ignore[index]
        assert row["next_attempt_at"] >= before + dt.timedelta(seconds=29)  # type: ignore[index]
    assert dispatch_due(transports=_smtp(smtp_sink.port))["claimed"] == 0, "not due yet: backoff holds"
    received_before = len(smtp_sink.messages)
    later = dt.datetime.now(dt.UTC) + FAR
    results = [dispatch_due(now=later, transports=_smtp(smtp_sink.port)) for _ in range(4)]
    assert [r["sent"] for r in results] == [2, 0, 0, 0]
    got = smtp_sink.messages[received_before:]
    assert sorted(m["To"] for m in got) == ["one@example.com", "two@example.com"]
    for mid in ids:
        row = get_message(db, mid)
        assert row["status"] == "sent" and row["attempts"] == 2  # type: ignore[index]
        assert any(m["Message-ID"] == row["provider_message_id"] for m in got)  # type: ignore[index]
    with_pdf = next(m for m in got if m["To"] == "one@example.com")
    parts = [p for p in with_pdf.walk() if p.get_filename() == "p.pdf"]
    assert parts and parts[0].get_payload(decode=True) == b"%PDF-1.4 fake proposal"


def test_dead_letter_after_max_attempts(seeded: dict[str, str], db: psycopg.Connection) -> None:
    _clear(db)
    mid = _queue(db, seeded["organization_id"], "dead@example.com", max_attempts=3)
    port = free_loopback_port()
    now = dt.datetime.now(dt.UTC)
    for i in range(5):
        dispatch_due(now=now + dt.timedelta(days=i + 1), transports=_smtp(port))
    row = get_message(db, mid)
    assert row["status"] == "dead" and row["attempts"] == 3  # type: ignore[index]
    assert "Gave up after 3 attempts" in row["last_error"]  # type: ignore[index]


def test_crashed_sends_retry_only_when_never_transmitted(
    seeded: dict[str, str], db: psycopg.Connection, smtp_sink
) -> None:  # type: ignore[no-untyped-def]
    _clear(db)
    org = seeded["organization_id"]
    claimed = _queue(db, org, "claimed@example.com")
    transmitting = _queue(db, org, "transmitting@example.com")
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
    dispatch_due(transports=_smtp(smtp_sink.port))
    dispatch_due(transports=_smtp(smtp_sink.port))
    assert [m["Message-ID"] for m in smtp_sink.messages[n:]] == ["<kept@demo.example>"]
    assert get_message(db, claimed)["status"] == "sent"  # type: ignore[index]
    row = get_message(db, transmitting)
    assert row["status"] == "failed" and "outcome unknown" in row["last_error"]  # type: ignore[index]


def test_default_transport_uses_settings_and_dispatch_message(
    seeded: dict[str, str], db: psycopg.Connection, smtp_sink
) -> None:  # type: ignore[no-untyped-def]
    _clear(db)
    mid = _queue(db, seeded["organization_id"], "now@example.com", send_at=dt.datetime.now(dt.UTC) + FAR)
    report = dispatch_message(mid)
    assert report["sent"] == 1
    assert smtp_sink.messages[-1]["To"] == "now@example.com"


def test_sms_local_sink(seeded: dict[str, str], db: psycopg.Connection, tmp_path: Path) -> None:
    _clear(db)
    mid = _queue(db, seeded["organization_id"], "(415) 555-2671", channel="sms")
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
    _clear(db)
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
        ok, bad, busy = (_queue(db, org, n, channel="sms") for n in ("+1 415 555 2671", "+14155550000", "+14155550001"))
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
