"""Enqueue the standard messages (lead auto-reply, follow-ups, stale-bid reminder) from their templates.

Every helper writes in the caller's transaction (see :mod:`pipelineos.notify.outbox`) with a dedupe key, so
calling it twice for the same lead or bid queues each message once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import psycopg

from pipelineos.db.queries import queries_beside
from pipelineos.errors import NotFoundError
from pipelineos.notify.outbox import enqueue
from pipelineos.notify.templates import render_message
from pipelineos.pricing.repository import query_rows

Q = queries_beside(__file__)


def money(value: Decimal | str | int | float | None, currency: str = "USD") -> str:
    """``$12,345.60`` style amount for messages and proposals."""
    amount = Decimal(str(value or 0)).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    symbol = "$" if currency == "USD" else f"{currency} "
    return f"{sign}{symbol}{abs(amount):,.2f}"


def organization(conn: psycopg.Connection, organization_id: str) -> dict[str, Any]:
    """The organization a message is sent for (name, contact and brand go into every template)."""
    found = query_rows(Q, conn, "organization", organization_id=organization_id)
    if not found:
        raise NotFoundError(f"Organization {organization_id} not found.")
    return found[0]


def queue_lead_autoreply(conn: psycopg.Connection, *, organization_id: str, lead: Mapping[str, Any]) -> list[str]:
    """Queue the auto-reply email and/or SMS for a new lead; returns the message ids."""
    org = organization(conn, organization_id)
    ids = []
    if lead.get("email"):
        r = render_message("lead_autoreply", org=org, lead=lead)
        ids.append(
            enqueue(
                conn,
                organization_id=organization_id,
                channel="email",
                kind="lead_autoreply",
                recipient=lead["email"],
                subject=r.subject,
                body_text=r.body_text,
                body_html=r.body_html,
                dedupe_key=f"lead:{lead['id']}:autoreply:email",
                lead_id=str(lead["id"]),
            )
        )
    if lead.get("phone"):
        r = render_message("lead_autoreply_sms", org=org, lead=lead)
        ids.append(
            enqueue(
                conn,
                organization_id=organization_id,
                channel="sms",
                kind="lead_autoreply",
                recipient=lead["phone"],
                subject="",
                body_text=r.body_text,
                dedupe_key=f"lead:{lead['id']}:autoreply:sms",
                lead_id=str(lead["id"]),
            )
        )
    return ids


def queue_follow_ups(
    conn: psycopg.Connection,
    *,
    bid: Mapping[str, Any],
    sent_at: dt.datetime,
    hours: Sequence[int] = (24, 72, 168),
    project: str | None = None,
) -> list[str]:
    """Queue the follow-up emails for a sent bid, due ``hours`` after ``sent_at``."""
    if not bid.get("customer_email"):
        return []
    org = organization(conn, str(bid["organization_id"]))
    ids = []
    for h in hours:
        r = render_message("follow_up", org=org, bid=bid, project=project, total=money(bid["total"]), hours=h)
        ids.append(
            enqueue(
                conn,
                organization_id=str(bid["organization_id"]),
                channel="email",
                kind="follow_up",
                recipient=bid["customer_email"],
                subject=r.subject,
                body_text=r.body_text,
                dedupe_key=f"bid:{bid['id']}:follow_up:{h}h",
                bid_id=str(bid["id"]),
                send_at=sent_at + dt.timedelta(hours=h),
            )
        )
    return ids


def queue_stale_bid_reminder(
    conn: psycopg.Connection, *, bid: Mapping[str, Any], recipient: str, days: int, project: str | None = None
) -> str:
    """Remind the estimator (``recipient``) that a sent bid has had no answer for ``days`` days."""
    org = organization(conn, str(bid["organization_id"]))
    r = render_message("stale_bid_reminder", org=org, bid=bid, project=project, total=money(bid["total"]), days=days)
    return enqueue(
        conn,
        organization_id=str(bid["organization_id"]),
        channel="email",
        kind="stale_bid_reminder",
        recipient=recipient,
        subject=r.subject,
        body_text=r.body_text,
        dedupe_key=f"bid:{bid['id']}:stale:{days}d",
        bid_id=str(bid["id"]),
    )
