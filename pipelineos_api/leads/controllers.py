"""Lead routes: the public form (no auth, rate limited per address) and the team's pipeline."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, patch, post
from litestar.openapi.spec import Example
from litestar.params import Parameter

from pipelineos.auth.tokens import Principal
from pipelineos.leads import service
from pipelineos_api.auth.deps import Actor
from pipelineos_api.auth.guards import estimator, viewer
from pipelineos_api.leads import intake
from pipelineos_api.leads.schemas import (
    Lead,
    LeadAccepted,
    LeadCreate,
    LeadDetail,
    LeadList,
    LeadStatus,
    LeadUpdate,
    Note,
    NoteCreate,
)
from pipelineos_api.platform.db import tx
from pipelineos_api.platform.openapi import PUBLIC
from pipelineos_api.platform.params import IdempotencyKey, Limit, Offset, OptionalId, PathId, SearchText
from pipelineos_api.platform.schemas import LINE_PATTERN, to_struct, to_structs

OrgSlug = Annotated[
    str | None,
    Parameter(
        query="org",
        max_length=100,
        pattern=LINE_PATTERN,
        required=False,
        description="Slug of the organization the form belongs to (optional on single-tenant installs).",
        examples=[Example(value="demo-plumbing")],
    ),
]


class LeadsController(Controller):
    path = "/api/leads"
    tags = ["leads"]

    @post("/", operation_id="submitLead", security=PUBLIC, status_code=202, request_max_body_size=64 * 1024)
    async def submit(
        self,
        request: Request[Any, Any, Any],
        data: LeadCreate,
        org: OrgSlug = None,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[LeadAccepted]:
        """Public contact form. No authentication; limited per client address (across all API instances).

        The lead belongs to the organization named by ``?org=<slug>``; without it, to the only organization of a
        single-tenant install. An auto-reply is queued with the lead (one transaction) and sent within seconds.
        The ``website`` field is a honeypot: a filled one is answered 202 and stored nowhere.
        """
        return await intake.submit(request, data, org, idempotency_key)

    @get("/", operation_id="listLeads", guards=[viewer])
    async def list_leads(
        self,
        principal: Principal,
        status: LeadStatus | None = None,
        assigned_to: OptionalId = None,
        q: SearchText = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> LeadList:
        """Leads of the organization, newest first; filter by status, assignee or a search text."""
        page = {"status": status, "assigned_to": assigned_to, "q": q, "limit": limit, "offset": offset}
        rows, total = await tx(service.list_leads, principal.organization_id, **page)
        return LeadList(items=to_structs(rows, Lead), total=total, limit=limit, offset=offset)

    @get("/{lead_id:str}", operation_id="getLead", guards=[viewer])
    async def get_lead(self, lead_id: PathId, principal: Principal) -> LeadDetail:
        """One lead with its notes."""
        return to_struct(await tx(service.get_lead, principal.organization_id, lead_id), LeadDetail)

    @patch("/{lead_id:str}", operation_id="updateLead", guards=[estimator])
    async def update_lead(self, lead_id: PathId, data: LeadUpdate, actor: Actor) -> Lead:
        """Move a lead along new → contacted → bid_sent → won/lost, or (un)assign it. Audit-logged."""
        changes = msgspec.structs.asdict(data)
        return to_struct(await tx(intake.update, lead_id=lead_id, **actor.kwargs, **changes), Lead)

    @post("/{lead_id:str}/notes", operation_id="addLeadNote", guards=[estimator])
    async def add_note(self, lead_id: PathId, data: NoteCreate, actor: Actor) -> Note:
        """Add a note to a lead."""
        return to_struct(await tx(service.add_note, actor.organization_id, lead_id, actor.user_id, data.body), Note)
