"""Lead DTOs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from pipelineos_api.platform.schemas import Input, line, text

LeadStatus = Literal["new", "contacted", "bid_sent", "won", "lost"]


class LeadCreate(Input):
    """The public contact form: a name and an email or a phone. ``website`` is a honeypot people leave
    empty."""

    name: Annotated[str, line(200, 1, examples=["Dana Rivera"])]
    email: Annotated[str, line(254, examples=["dana@example.com"])] | None = None
    phone: Annotated[str, line(40, examples=["+1 415 555 0100"])] | None = None
    company: Annotated[str, line(200, examples=["Rivera Dental"])] | None = None
    address: Annotated[str, text(500, examples=["12 Main St, Springfield"])] | None = None
    message: Annotated[str, text(5000, examples=["Need a bid for a 3-bath remodel."])] = ""
    source: Annotated[str, line(40, examples=["web"])] = "web"
    website: Annotated[str, text(500, examples=[""])] = ""


class LeadAccepted(msgspec.Struct):
    id: str
    status: LeadStatus
    created_at: datetime
    message: str


class Note(msgspec.Struct):
    id: str
    lead_id: str
    body: str
    created_at: datetime
    user_id: str | None = None


class Lead(msgspec.Struct):
    id: str
    name: str
    message: str
    source: str
    status: LeadStatus
    status_changed_at: datetime
    created_at: datetime
    updated_at: datetime
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    address: str | None = None
    assigned_to: str | None = None
    first_response_at: datetime | None = None


class LeadDetail(Lead, kw_only=True):
    notes: list[Note]


class LeadList(msgspec.Struct):
    items: list[Lead]
    total: int
    limit: int
    offset: int


class LeadUpdate(Input):
    """Move along the pipeline and/or assign (``assigned_to``: a user id) or ``unassign``."""

    status: LeadStatus | None = None
    assigned_to: Annotated[str, line(64, examples=["0b7c5d1e-9a55-4c2e-8f0e-2b1f6f7f4a10"])] | None = None
    unassign: bool = False


class NoteCreate(Input):
    body: Annotated[str, text(5000, 1, examples=["Called, left a voicemail."])]
