"""Helpers shared by the messaging tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

from typing import Any

import psycopg

from pipelineos.notify.outbox import enqueue
from pipelineos.notify.transports import SmtpTransport
from pipelineos.storage import get_storage


def smtp(port: int) -> dict[str, Any]:
    """The email transport pointed at a loopback SMTP server on ``port`` (short timeout)."""
    return {
        "email": SmtpTransport(
            host="127.0.0.1", port=port, mail_from="Bids <bids@demo.example>", timeout=2, storage=get_storage()
        )
    }


def queue(db: psycopg.Connection, org: str, recipient: str, **kw: Any) -> str:
    """Enqueue and commit one test message; returns its id."""
    mid = enqueue(
        db,
        organization_id=org,
        channel=kw.pop("channel", "email"),
        kind="test",
        recipient=recipient,
        subject=kw.pop("subject", "Hello"),
        body_text="Body text",
        **kw,
    )
    db.commit()
    return mid


def clear(db: psycopg.Connection) -> None:
    """Park every pending message of earlier tests so each test dispatches only its own."""
    db.execute("update messages set status = 'dead' where status in ('queued', 'sending')")
    db.commit()
