"""Lead intake and the sales pipeline.

A public lead is stored together with its auto-reply in the outbox in one statement
(:mod:`pipelineos.leads.intake`), so either both exist or neither does; the API's dispatcher loop sends the reply
within seconds. Organization scoping is on every query.
"""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from pipelineos.errors import NotFoundError, ValidationError
from pipelineos.leads import repository as repo
from pipelineos.leads.intake import IntakeLimit, create_lead
from pipelineos.leads.models import STATUSES, check_transition

__all__ = [
    "IntakeLimit",
    "add_note",
    "create_lead",
    "get_lead",
    "intake_organization",
    "list_leads",
    "sync_first_responses",
    "update_lead",
]

Row = dict[str, Any]


def _id(value: str, what: str = "lead") -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as exc:
        raise NotFoundError(f"No {what} with id {str(value)[:64]!r}.") from exc


_clean = repo.clean


def get_lead(conn: psycopg.Connection, organization_id: str, lead_id: str) -> Row:
    """The lead with its notes; NotFoundError outside the organization."""
    row = repo.fetch_one(conn, "get_lead", organization_id=organization_id, lead_id=_id(lead_id))
    if row is None:
        raise NotFoundError(f"No lead with id {lead_id} in your organization.")
    lead = _clean(row)
    lead["notes"] = [
        _clean(n) for n in repo.fetch(conn, "list_notes", organization_id=organization_id, lead_id=lead["id"])
    ]
    return lead


def list_leads(
    conn: psycopg.Connection,
    organization_id: str,
    *,
    status: str | None = None,
    assigned_to: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Row], int]:
    """One page of leads (newest first) and the total for the filter."""
    if status is not None and status not in STATUSES:
        raise ValidationError(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")
    if not 1 <= limit <= 500 or offset < 0:
        raise ValidationError("limit must be 1..500 and offset ≥ 0.")
    params = {
        "organization_id": organization_id,
        "status": status,
        "assigned_to": _id(assigned_to, "user") if assigned_to else None,
        "q": "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" if q else None,
    }
    rows = repo.fetch(conn, "list_leads", limit=limit, offset=offset, **params)
    total = repo.fetch_one(conn, "count_leads", **params)
    return [_clean(r) for r in rows], int(total["n"]) if total else 0


def update_lead(
    conn: psycopg.Connection,
    organization_id: str,
    lead_id: str,
    *,
    status: str | None = None,
    assigned_to: str | None = None,
    unassign: bool = False,
) -> tuple[Row, Row]:
    """Move the lead along the pipeline and/or (re)assign it. Returns (before, after)."""
    before = repo.fetch_one(conn, "get_lead_for_update", organization_id=organization_id, lead_id=_id(lead_id))
    if before is None:
        raise NotFoundError(f"No lead with id {lead_id} in your organization.")
    new_status = status or before["status"]
    check_transition(before["status"], new_status)
    assignee = None if unassign else before["assigned_to"]
    if assigned_to is not None:
        assignee = _id(assigned_to, "user")
        if repo.fetch_one(conn, "user_in_org", organization_id=organization_id, user_id=assignee) is None:
            raise ValidationError(f"No active user with id {assigned_to} in your organization to assign.")
    after = repo.fetch_one(
        conn,
        "update_lead",
        organization_id=organization_id,
        lead_id=before["id"],
        status=new_status,
        assigned_to=assignee,
    )
    assert after is not None
    return _clean(before), _clean(after)


def add_note(conn: psycopg.Connection, organization_id: str, lead_id: str, user_id: str | None, body: str) -> Row:
    """Attach a note to the lead."""
    body = body.strip()
    if not body or len(body) > 5000 or "\x00" in body:
        raise ValidationError("A note needs 1 to 5000 characters of text.")
    get_lead(conn, organization_id, lead_id)
    row = repo.fetch_one(
        conn, "insert_note", organization_id=organization_id, lead_id=_id(lead_id), user_id=user_id, body=body
    )
    assert row is not None
    return _clean(row)


def sync_first_responses(conn: psycopg.Connection, message_ids: list[str] | None = None) -> int:
    """Set ``first_response_at`` from sent auto-replies — of ``message_ids`` only when given (cheap, right after
    sending them), else of every message (a catch-up pass); returns how many leads changed."""
    if message_ids is None:
        return len(repo.fetch(conn, "sync_first_responses"))
    return len(repo.fetch(conn, "sync_first_responses_of", message_ids=message_ids)) if message_ids else 0


def intake_organization(conn: psycopg.Connection, slug: str | None) -> Row:
    """The organization a public lead belongs to: ``slug`` if given, else the only organization of the
    install.

    NotFoundError tells the form owner to add ``?org=<slug>`` when it cannot be decided.
    """
    row = repo.fetch_one(conn, "intake_organization", slug=slug)
    if row is None:
        if slug:
            raise NotFoundError(f"No organization with slug {slug!r}.")
        raise NotFoundError("Unknown organization: add ?org=<organization slug> to the form's URL.")
    return {**row, "id": str(row["id"])}
