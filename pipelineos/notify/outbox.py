"""The transactional outbox: a message is a ``messages`` row written in the caller's transaction.

Whatever business event causes a message (a lead arrives, a proposal is rendered) commits together with the
row, or not at all; the dispatcher sends committed rows later. A ``dedupe_key`` makes a repeated enqueue (a
retried request, a re-run pipeline) return the existing message instead of sending twice. An invalid recipient
is stored straight away as ``failed`` with the reason, so the business transaction still succeeds and the
failure is visible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from pipelineos.db.queries import queries_beside
from pipelineos.errors import ValidationError
from pipelineos.notify.models import CHANNELS, InvalidRecipient, normalize_recipient
from pipelineos.pricing.repository import query_rows

Q = queries_beside(__file__)


def _attachments(items: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    out = []
    for index, item in enumerate(items):
        missing = [k for k in ("sha256", "filename", "content_type") if not item.get(k)]
        if missing:
            raise ValidationError(
                f"Attachment {index + 1} lacks {', '.join(missing)}: each attachment names "
                "a stored file by sha256, a filename and a content type."
            )
        out.append({k: str(item[k]) for k in ("sha256", "filename", "content_type")})
    return out


def message_params(
    *,
    organization_id: str,
    channel: str,
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    attachments: Iterable[Mapping[str, Any]] = (),
    dedupe_key: str | None = None,
    lead_id: str | None = None,
    bid_id: str | None = None,
    proposal_id: str | None = None,
    max_attempts: int | None = None,
    send_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The checked ``insert_message`` parameters of one message: a recipient that is not a valid address makes
    it ``failed`` with the reason; other domains use them to write a message within a statement of their own
    (e.g. a lead and its auto-reply in one round trip)."""
    if channel not in CHANNELS:
        raise ValidationError(f"Unknown channel {channel!r}: use one of {', '.join(CHANNELS)}.")
    status, last_error = "queued", None
    try:
        recipient = normalize_recipient(channel, recipient)
    except InvalidRecipient as exc:
        status, last_error = "failed", exc.message
    if max_attempts is None:
        from pipelineos.settings import get_settings

        max_attempts = get_settings().outbox_max_attempts
    return {
        "organization_id": organization_id,
        "channel": channel,
        "kind": kind,
        "recipient": recipient,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "attachments": Jsonb(_attachments(attachments)),
        "status": status,
        "max_attempts": max_attempts,
        "send_at": send_at,
        "last_error": last_error,
        "dedupe_key": dedupe_key,
        "lead_id": lead_id,
        "bid_id": bid_id,
        "proposal_id": proposal_id,
    }


def enqueue(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    channel: str,
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    attachments: Iterable[Mapping[str, Any]] = (),
    dedupe_key: str | None = None,
    lead_id: str | None = None,
    bid_id: str | None = None,
    proposal_id: str | None = None,
    max_attempts: int | None = None,
    send_at: dt.datetime | None = None,
) -> str:
    """Write one outgoing message in the caller's transaction; return its id (the existing one on a dupe)."""
    params = message_params(
        organization_id=organization_id,
        channel=channel,
        kind=kind,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments,
        dedupe_key=dedupe_key,
        lead_id=lead_id,
        bid_id=bid_id,
        proposal_id=proposal_id,
        max_attempts=max_attempts,
        send_at=send_at,
    )
    found = query_rows(Q, conn, "insert_message", **params) or query_rows(
        Q, conn, "message_by_dedupe_key", dedupe_key=dedupe_key
    )
    return str(found[0]["id"])


def get_message(conn: psycopg.Connection, message_id: str) -> dict[str, Any] | None:
    """One message row (any organization), for status pages and tests."""
    found = query_rows(Q, conn, "get_message", message_id=message_id)
    return found[0] if found else None
