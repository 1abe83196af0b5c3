"""Public lead intake: honeypot, validation, organization resolution, then one statement that applies the
per-address limit and stores the lead with its auto-reply (:mod:`pipelineos.leads.intake`)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg
from litestar import Request, Response

from pipelineos.audit.service import record
from pipelineos.leads import intake, service
from pipelineos.leads.intake import IntakeLimit
from pipelineos.leads.models import LeadInput, validate_lead
from pipelineos_api.leads.schemas import LeadAccepted, LeadCreate
from pipelineos_api.platform.clientip import client_ip, valid_ip_or_none
from pipelineos_api.platform.db import tx

THANKS = "Thank you! We received your request and will reply shortly."


class OrganizationCache:
    """Slug → organization for a few seconds, so each public lead costs no extra lookup."""

    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self._items: dict[str | None, tuple[float, dict[str, Any]]] = {}

    def peek(self, slug: str | None) -> dict[str, Any] | None:
        """The cached organization, or None when it is not cached (or too old)."""
        hit = self._items.get(slug)
        return hit[1] if hit is not None and time.monotonic() - hit[0] < self.ttl else None

    def get(self, conn: psycopg.Connection, slug: str | None) -> dict[str, Any]:
        """The organization, from the cache or the database."""
        now = time.monotonic()
        if (hit := self.peek(slug)) is not None:
            return hit
        organization = service.intake_organization(conn, slug)
        if len(self._items) > 1000:
            self._items.clear()
        self._items[slug] = (now, organization)
        return organization


async def _store(
    request: Request[Any, Any, Any], lead: LeadInput, org_slug: str | None, ip: str | None, key: str | None
) -> tuple[dict[str, Any], bool]:
    """The lead's one statement on the event loop (organization from the cache; a cache miss or a replayed
    Idempotency-Key costs one more query, in a worker thread)."""
    state = request.app.state
    organization = state.org_cache.peek(org_slug) or await tx(state.org_cache.get, org_slug)
    limit = IntakeLimit(state.config.lead_rate_limit_per_minute, state.config.lead_rate_limit_burst)
    params = intake.intake_params(
        organization_id=organization["id"],
        lead=lead,
        organization=organization,
        client_ip=ip,
        idempotency_key=key,
        limit=limit,
    )
    row = await state.statements.fetch_one(intake.INTAKE_SQL, params)
    assert row is not None, "the intake statement always returns one row"
    stored = intake.intake_outcome(row, params, limit)
    if stored is not None:
        return stored, True
    return await tx(intake.first_lead, organization["id"], key), False


async def submit(
    request: Request[Any, Any, Any], data: LeadCreate, org: str | None, key: str | None
) -> Response[LeadAccepted]:
    """Store the lead and its auto-reply, wake the dispatcher, answer 202 (a honeypot hit is answered the same
    way but stores nothing)."""
    config = request.app.state.config
    ip = request.scope.get("state", {}).get("client_ip") or client_ip(request.scope, config.trusted_proxies)
    if data.website.strip():
        fake = LeadAccepted(id=str(uuid.uuid4()), status="new", created_at=datetime.now(UTC), message=THANKS)
        return Response(fake, status_code=202)
    lead = validate_lead(
        name=data.name,
        email=data.email,
        phone=data.phone,
        company=data.company,
        address=data.address,
        message=data.message,
        source=data.source,
    )
    row, created = await _store(request, lead, org, valid_ip_or_none(ip), key)
    if created and getattr(request.app.state, "dispatcher", None) is not None:
        request.app.state.dispatcher.kick()
    accepted = LeadAccepted(id=row["id"], status=row["status"], created_at=row["created_at"], message=THANKS)
    return Response(accepted, status_code=202)


def update(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    user_id: str | None,
    request_id: str,
    lead_id: str,
    status: str | None,
    assigned_to: str | None,
    unassign: bool,
) -> dict[str, Any]:
    """Change status/assignee and audit the change."""
    before, after = service.update_lead(
        conn, organization_id, lead_id, status=status, assigned_to=assigned_to, unassign=unassign
    )
    changed = {key: [before[key], after[key]] for key in ("status", "assigned_to")}
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action="update",
        entity="lead",
        entity_id=after["id"],
        request_id=request_id,
        details=changed,
    )
    return after
