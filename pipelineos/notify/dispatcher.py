"""The outbox dispatcher: claim due messages, send them, record the outcome — each message at most once.

Protocol for one message (every numbered step is its own committed transaction):

1. **Claim** (``FOR UPDATE SKIP LOCKED``): ``status='sending'``, ``attempts+1``, ``delivery_phase='claimed'``,
   a Message-ID generated and stored in ``provider_message_id`` (kept for every later attempt), and a lease
   (``next_attempt_at = now + lease``) so no other dispatcher picks it up meanwhile.
2. **Transmitting**: just before the content is handed to the SMTP server (``DATA``) or the SMS API,
   ``delivery_phase='transmitting'`` is committed.
3. **Outcome** (committed without waiting for the WAL flush, see :func:`_relaxed_commit`): ``sent``; or, when
   the provider did not accept it, ``queued`` again with exponential backoff (``backoff × 2^(attempts-1)``),
   ``dead`` after ``max_attempts``, ``failed`` for a permanent refusal (bad recipient, 5xx); or ``failed`` when
   the outcome is unknown (connection lost after the content was sent).

Why this is at most once: a message is only ever re-sent when we *know* the provider did not accept it. Before
step 2 the server has not seen the content — an error there (connection refused, RCPT refused, AUTH failed) is
safe to retry. After step 2 the server may have queued it even if we never read its "250": we do not retry
but mark it ``failed`` with "outcome unknown" and the Message-ID, so a person can check the mail log. A row
found still in ``sending`` after its lease expired means the dispatcher died mid-send: in phase ``claimed`` it
never reached the server and is retried; in phase ``transmitting`` it is marked failed, never re-sent.

A pass claims its whole batch in one statement and sends it through one session per transport (one SMTP
connection for all its emails, see :mod:`pipelineos.notify.smtp`; a large batch may be split over a few
sessions sending side by side); the steps above stay per message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from email.utils import make_msgid, parseaddr
from typing import Any

import psycopg

from pipelineos.db.queries import queries_beside
from pipelineos.notify.delivery import DeliveryFailed, Transport
from pipelineos.notify.models import InvalidRecipient, normalize_recipient
from pipelineos.notify.transports import LocalSmsSink, SmtpTransport, TwilioSms
from pipelineos.pricing.repository import query_rows

Q = queries_beside(__file__)
log = logging.getLogger(__name__)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def default_transports() -> dict[str, Transport]:
    """Transports chosen from the settings: SMTP for email, the local sink or Twilio for SMS."""
    from pipelineos.settings import get_settings
    from pipelineos.storage import get_storage

    s = get_settings()
    email = SmtpTransport(
        host=s.smtp_host,
        port=s.smtp_port,
        mail_from=s.mail_from,
        security=s.smtp_security,
        username=s.smtp_username,
        password=s.smtp_password.get_secret_value() if s.smtp_password else None,
        timeout=s.smtp_timeout_seconds,
        storage=get_storage(),
    )
    sms: Transport
    if s.sms_provider == "twilio":
        sms = TwilioSms(
            api_url=s.sms_api_url,
            account_sid=s.sms_account_sid or "",
            auth_token=s.sms_auth_token.get_secret_value() if s.sms_auth_token else "",
            sender=s.sms_from or "",
            timeout=s.smtp_timeout_seconds,
        )
    else:
        sms = LocalSmsSink(s.data_dir / "sms-sink.jsonl", s.sms_from)
    return {"email": email, "sms": sms}


def _exec(conn: psycopg.Connection, name: str, **params: Any) -> list[dict[str, Any]]:
    return query_rows(Q, conn, name, **params)


def _message_id(channel: str) -> str:
    from pipelineos.settings import get_settings

    if channel == "sms":
        return make_msgid(domain="sms.pipelineos").strip("<>")
    domain = parseaddr(get_settings().mail_from)[1].partition("@")[2] or "pipelineos.local"
    return make_msgid(domain=domain)


def _finish(conn: psycopg.Connection, row: dict[str, Any], status: str, error: str | None) -> str:
    _exec(conn, "mark_final", message_id=row["id"], status=status, error=error)
    if row.get("proposal_id"):
        _exec(conn, "proposal_sent", proposal_id=row["proposal_id"], status="failed", now=_utcnow())
    return status


def _resolve_unsendable(conn: psycopg.Connection, row: dict[str, Any]) -> bool:
    """Finish a locked row that must not be sent (outcome unknown, out of attempts, bad recipient); True if
    it was finished, False when it can be claimed."""
    if row["status"] == "sending" and row["delivery_phase"] == "transmitting":
        _finish(
            conn,
            row,
            "failed",
            f"Delivery outcome unknown: the dispatcher stopped while handing over "
            f"Message-ID {row['provider_message_id']}; not re-sent so it is never delivered twice. Check "
            "the provider's log.",
        )
        return True
    if row["attempts"] >= row["max_attempts"]:
        _finish(conn, row, "dead", f"Gave up after {row['attempts']} attempts: {row['last_error'] or ''}")
        return True
    try:
        row["recipient"] = normalize_recipient(row["channel"], row["recipient"])
    except InvalidRecipient as exc:
        _finish(conn, row, "failed", exc.message)
        return True
    return False


def _claim(
    conn: psycopg.Connection, locked: list[dict[str, Any]], now: dt.datetime, lease: float
) -> list[dict[str, Any]]:
    """Step 1 for the locked rows, in one statement; rows resolved without sending are left out."""
    sendable = [row for row in locked if not _resolve_unsendable(conn, row)]
    if not sendable:
        return []
    claimed = _exec(
        conn,
        "mark_claimed",
        ids=[row["id"] for row in sendable],
        provider_message_ids=[_message_id(row["channel"]) for row in sendable],
        now=now,
        lease_until=now + dt.timedelta(seconds=lease),
    )
    by_id = {row["id"]: row for row in claimed}
    return [{**by_id[row["id"]], "recipient": row["recipient"]} for row in sendable]


def _send(conn: psycopg.Connection, row: dict[str, Any], transports: dict[str, Transport], backoff: float) -> str:
    """Steps 2–3 for one claimed row (``conn`` in autocommit: every update commits at once)."""

    def on_transmitting() -> None:
        _exec(conn, "mark_transmitting", message_id=row["id"])

    try:
        provider_id = transports[row["channel"]].send(row, on_transmitting)
    except DeliveryFailed as exc:
        if exc.accepted is None:
            return _finish(
                conn,
                row,
                "failed",
                f"Delivery outcome unknown, not retried (at most once): "
                f"{exc.reason}; Message-ID {row['provider_message_id']}",
            )
        if exc.permanent:
            return _finish(conn, row, "failed", exc.reason)
        if row["attempts"] >= row["max_attempts"]:
            return _finish(conn, row, "dead", f"Gave up after {row['attempts']} attempts: {exc.reason}")
        delay = backoff * 2 ** (row["attempts"] - 1)
        _exec(
            conn,
            "mark_retry",
            message_id=row["id"],
            error=exc.reason,
            next_attempt_at=_utcnow() + dt.timedelta(seconds=delay),
        )
        return "retry"
    except Exception as exc:  # a bug or bad data must not leave the row leased forever
        log.exception("message %s could not be sent", row["id"])
        return _finish(conn, row, "failed", f"Internal error while sending: {type(exc).__name__}: {exc}")
    with _relaxed_commit(conn):
        _exec(conn, "mark_sent", message_id=row["id"], now=_utcnow(), provider_message_id=provider_id)
        if row.get("proposal_id"):
            _exec(conn, "proposal_sent", proposal_id=row["proposal_id"], status="sent", now=_utcnow())
    return "sent"


@contextmanager
def _relaxed_commit(conn: psycopg.Connection) -> Iterator[None]:
    """One transaction (sent in one round trip) whose commit does not wait for the WAL flush.

    Only for outcome marks: were one lost in a database crash, the row would still say ``transmitting`` and
    the next pass would mark it failed (outcome unknown), never re-send it. The claim and the ``transmitting``
    mark, which at most once rests on, always commit durably.
    """
    with conn.pipeline(), conn.transaction():
        _exec(conn, "relax_commit")
        yield


def _run(
    query: str,
    params: dict[str, Any],
    now: dt.datetime | None,
    transports: dict[str, Transport] | None,
    senders: int = 1,
) -> dict[str, Any]:
    from pipelineos.db.pool import connection
    from pipelineos.settings import get_settings

    settings = get_settings()
    now = now or _utcnow()
    lease = max(120.0, 4 * settings.smtp_timeout_seconds)
    transports = transports or default_transports()
    report: dict[str, Any] = {"claimed": 0, "sent": 0, "retry": 0, "failed": 0, "dead": 0, "ids": []}
    with connection() as conn:
        locked = _exec(conn, query, now=now, **params)
        claimed = _claim(conn, locked, now, lease)
        report["failed_or_dead_on_claim"] = len(locked) - len(claimed)
    report["claimed"] = len(claimed)
    workers = max(1, min(senders, len(claimed) // PER_SENDER))
    shares = [claimed[i::workers] for i in range(workers)] if claimed else []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="outbox-send") as pool:
        for outcomes in pool.map(lambda share: _send_share(share, transports, settings.outbox_backoff_seconds), shares):
            for message_id, outcome in outcomes:
                report[outcome] += 1
                report["ids"].append(message_id)
    return report


PER_SENDER = 25
"""A pass starts another sender (connection) only for every this many messages."""


def _send_share(
    claimed: list[dict[str, Any]], transports: dict[str, Transport], backoff: float
) -> list[tuple[str, str]]:
    """Steps 2–3 for some claimed rows over one database connection and one session per transport."""
    from pipelineos.db.pool import connection

    outcomes = []
    with connection() as conn, ExitStack() as sessions:
        conn.autocommit = True
        try:
            senders = {channel: _session(sessions, transport) for channel, transport in transports.items()}
            for row in claimed:
                outcomes.append((str(row["id"]), _send(conn, row, senders, backoff)))
        finally:
            conn.autocommit = False
    return outcomes


def _session(sessions: ExitStack, transport: Transport) -> Transport:
    """The transport's batch session (one connection for the pass) when it has one, else the transport."""
    session = getattr(transport, "session", None)
    return sessions.enter_context(session()) if session is not None else transport


def dispatch_due(
    *,
    limit: int = 50,
    now: dt.datetime | None = None,
    transports: dict[str, Transport] | None = None,
    senders: int = 1,
) -> dict[str, Any]:
    """Send up to ``limit`` due messages; returns counts per outcome (sent, retry, failed, dead).

    ``senders`` > 1 sends a large batch over that many connections at once (each message still follows the
    protocol above), so the waits for the database's flush and the server's replies overlap.
    """
    return _run("claim_due", {"limit": limit}, now, transports, senders)


def dispatch_message(message_id: str, *, transports: dict[str, Transport] | None = None) -> dict[str, Any]:
    """Send one queued message now, whatever its ``next_attempt_at`` (e.g. right after a lead arrives)."""
    return _run("claim_one", {"message_id": message_id}, None, transports)
