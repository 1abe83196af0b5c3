"""Lead routes: the public form (no auth, rate limited per address) and the team's pipeline."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.params import Parameter

from pipelineos.auth.tokens import Principal
from pipelineos.leads import service
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
from pipelineos_api.platform.schemas import to_struct, to_structs

IdempotencyKey = Annotated[str | None, Parameter(header="Idempotency-Key", max_length=200, required=False)]


class LeadsController(Controller):
    path = "/api/leads"
    tags = ["leads"]

    @post("/", operation_id="submitLead", security=PUBLIC, status_code=202, request_max_body_size=64 * 1024)
    async def submit(
        self,
        request: Request[Any, Any, Any],
        data: LeadCreate,
        org: Annotated[str | None, Parameter(query="org", max_length=100, required=False)] = None,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[LeadAccepted]:
        """Public contact form. No authentication; limited per client address.

        The lead belongs to the organization named by ``?org=<slug>``; without it, to the only organization
        of a
        single-tenant install. An auto-reply is queued with the lead (one transaction) and sent within
        seconds.
        """
        return await intake.submit(request, data, org, idempotency_key)

    @get("/", operation_id="listLeads", guards=[viewer])
    async def list_leads(
        self,
        principal: Principal,
        status: LeadStatus | None = None,
        assigned_to: Annotated[str | None, Parameter(max_length=64)] = None,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> LeadList:
        """Leads of the organization, newest first; filter by status, assignee or a search text."""
        rows, total = await tx(
            service.list_leads,
            principal.organization_id,
            status=status,
            assigned_to=assigned_to,
            q=q,
            limit=limit,
            offset=offset,
        )
        return LeadList(items=to_structs(rows, Lead), total=total, limit=limit, offset=offset)

    @get("/{lead_id:str}", operation_id="getLead", guards=[viewer])
    async def get_lead(self, lead_id: str, principal: Principal) -> LeadDetail:
        """One lead with its notes."""
        return to_struct(await tx(service.get_lead, principal.organization_id, lead_id), LeadDetail)

    @patch("/{lead_id:str}", operation_id="updateLead", guards=[estimator])
    async def update_lead(self, lead_id: str, data: LeadUpdate, principal: Principal, request_id: str) -> Lead:
        """Move a lead along new → contacted → bid_sent → won/lost, or (un)assign it. Audit-logged."""
        row = await tx(intake.update, principal, lead_id, data.status, data.assigned_to, data.unassign, request_id)
        return to_struct(row, Lead)

    @post("/{lead_id:str}/notes", operation_id="addLeadNote", guards=[estimator])
    async def add_note(self, lead_id: str, data: NoteCreate, principal: Principal) -> Note:
        """Add a note to a lead."""
        user = principal.user_id if principal.kind == "user" else None
        return to_struct(await tx(service.add_note, principal.organization_id, lead_id, user, data.body), Note)
