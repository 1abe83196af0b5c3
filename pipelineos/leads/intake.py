"""Public lead intake in one statement: the per-address limit, the lead, and its auto-reply in the outbox.

The form is the API's hottest write path, so it costs one round trip: a single ``INSERT … WITH`` counts the
address's recent leads (from the ``leads`` table, so the limit holds across every API instance sharing the
database), stores the lead only when the address is under its limit, and writes the auto-reply message for it.
One statement is atomic by itself: either the lead and its reply both exist, or neither does. Like the count
before it, the limit may be overshot by the requests of one address that are in flight at the same moment
(no lock is taken, so intake of different addresses never waits on each other).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, LiteralString

import psycopg

from pipelineos.errors import ConflictError, RateLimited, ValidationError
from pipelineos.leads import repository as repo
from pipelineos.leads.models import LeadInput
from pipelineos.leads.replies import auto_reply
from pipelineos.notify.outbox import message_params

Row = dict[str, Any]
NO_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class IntakeLimit:
    """At most ``burst`` leads per address within ``burst / per_minute`` minutes (``per_minute <= 0``: none)."""

    per_minute: float
    burst: int

    def window_seconds(self) -> float:
        return 60.0 * self.burst / self.per_minute if self.per_minute > 0 else 0.0


def _limit_params(client_ip: str | None, limit: IntakeLimit | None) -> dict[str, Any]:
    if client_ip is None or limit is None or limit.per_minute <= 0:
        return {"window_seconds": 0.0, "max_leads": NO_LIMIT}
    return {"window_seconds": limit.window_seconds(), "max_leads": max(1, limit.burst)}


def _reply_params(organization_id: str, lead: LeadInput, organization: Row) -> dict[str, Any]:
    channel, recipient = ("email", lead.email) if lead.email else ("sms", lead.phone or "")
    reply = auto_reply({"name": lead.name}, organization, channel)
    params = message_params(
        organization_id=organization_id,
        channel=channel,
        kind="lead_auto_reply",
        recipient=recipient,
        subject=reply.subject,
        body_text=reply.body_text,
        body_html=reply.body_html,
    )
    keys = ("channel", "kind", "recipient", "subject", "body_text", "body_html", "status", "max_attempts", "last_error")
    return {f"reply_{key}": params[key] for key in keys}


def intake_params(
    *,
    organization_id: str,
    lead: LeadInput,
    organization: Row,
    client_ip: str | None = None,
    idempotency_key: str | None = None,
    limit: IntakeLimit | None = None,
) -> dict[str, Any]:
    """The parameters of :data:`INTAKE_SQL` for one lead (``organization`` signs the auto-reply)."""
    if idempotency_key is not None and len(idempotency_key) > 200:
        raise ValidationError("Idempotency-Key is longer than 200 characters; send a shorter key.")
    return {
        "organization_id": organization_id,
        "name": lead.name,
        "email": lead.email,
        "phone": lead.phone,
        "company": lead.company,
        "address": lead.address,
        "message": lead.message,
        "source": lead.source,
        "client_ip": client_ip,
        "idempotency_key": idempotency_key,
        **_limit_params(client_ip, limit),
        **_reply_params(organization_id, lead, organization),
    }


def intake_outcome(row: Row, params: dict[str, Any], limit: IntakeLimit | None) -> Row | None:
    """The stored lead from the statement's row; RateLimited when the address was over its limit; None when
    the idempotency key was used before (look the first lead up with ``lead_by_idempotency_key``)."""
    if row["id"] is not None:
        return repo.clean(row)
    if limit is not None and row["recent_leads"] >= params["max_leads"]:
        elapsed = (row["db_now"] - row["recent_oldest"]).total_seconds()
        wait = max(1, math.ceil(limit.window_seconds() - elapsed))
        raise RateLimited(f"Too many requests from your address; try again in {wait} s.", extra={"retry_after": wait})
    return None


def create_lead(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    lead: LeadInput,
    client_ip: str | None = None,
    idempotency_key: str | None = None,
    organization: Row | None = None,
    limit: IntakeLimit | None = None,
) -> tuple[Row, bool]:
    """Store the lead and queue its auto-reply atomically; returns (lead, created).

    With ``limit`` and ``client_ip``, RateLimited (nothing stored) when the address reached its limit. A
    repeated ``idempotency_key`` returns the first lead and queues nothing new. ``organization`` (name, email,
    phone) signs the auto-reply; it is read from the database when not given.
    """
    org = organization or repo.fetch_one(conn, "org_contact", organization_id=organization_id) or {}
    params = intake_params(
        organization_id=organization_id,
        lead=lead,
        organization=org,
        client_ip=client_ip,
        idempotency_key=idempotency_key,
        limit=limit,
    )
    row = repo.fetch_one(conn, "intake_lead", **params)
    assert row is not None
    stored = intake_outcome(row, params, limit)
    if stored is not None:
        return stored, True
    return first_lead(conn, organization_id, idempotency_key), False


def first_lead(conn: psycopg.Connection, organization_id: str, idempotency_key: str | None) -> Row:
    """The lead first stored with ``idempotency_key`` (a retried form)."""
    first = repo.fetch_one(
        conn, "lead_by_idempotency_key", organization_id=organization_id, idempotency_key=idempotency_key
    )
    if first is None:
        raise ConflictError("The lead with this Idempotency-Key is being stored right now; retry in a moment.")
    return repo.clean(first)


INTAKE_SQL: LiteralString = repo.Q["intake_lead"]
"""The intake statement, for callers that run it on a connection of their own (the API's async pool)."""
