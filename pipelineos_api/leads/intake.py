"""Public lead intake: honeypot, per-address limit, organization resolution, then one transaction."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg
from litestar import Request, Response

from pipelineos.audit.service import record
from pipelineos.leads import service
from pipelineos.leads.models import validate_lead
from pipelineos_api.config import ApiConfig
from pipelineos_api.leads.schemas import LeadAccepted, LeadCreate
from pipelineos_api.platform.clientip import client_ip, valid_ip_or_none
from pipelineos_api.platform.db import tx

THANKS = "Thank you! We received your request and will reply shortly."


class OrganizationCache:
    """Slug → organization for a few seconds, so each public lead costs no extra lookup."""

    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self._items: dict[str | None, tuple[float, dict[str, Any]]] = {}

    def get(self, conn: psycopg.Connection, slug: str | None) -> dict[str, Any]:
        now = time.monotonic()
        hit = self._items.get(slug)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        organization = service.intake_organization(conn, slug)
        if len(self._items) > 1000:
            self._items.clear()
        self._items[slug] = (now, organization)
        return organization


def _store(
    conn: psycopg.Connection,
    config: ApiConfig,
    cache: OrganizationCache,
    data: LeadCreate,
    org_slug: str | None,
    ip: str | None,
    key: str | None,
) -> tuple[dict[str, Any], bool]:
    organization = cache.get(conn, org_slug)
    service.check_intake_rate(conn, ip, config.lead_rate_limit_per_minute, config.lead_rate_limit_burst)
    lead = validate_lead(
        name=data.name,
        email=data.email,
        phone=data.phone,
        company=data.company,
        address=data.address,
        message=data.message,
        source=data.source,
    )
    return service.create_lead(
        conn,
        organization_id=organization["id"],
        lead=lead,
        client_ip=ip,
        idempotency_key=key,
        organization=organization,
    )


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
    row, created = await tx(_store, config, request.app.state.org_cache, data, org, valid_ip_or_none(ip), key)
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
