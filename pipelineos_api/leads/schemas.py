"""Lead DTOs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from pipelineos_api.platform.schemas import Input

LeadStatus = Literal["new", "contacted", "bid_sent", "won", "lost"]


def _text(max_length: int, min_length: int = 0) -> type[str]:
    return Annotated[str, msgspec.Meta(min_length=min_length, max_length=max_length)]  # type: ignore[return-value]


class LeadCreate(Input):
    """The public contact form. ``website`` is a honeypot: people leave it empty."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["Dana Rivera"])]
    email: Annotated[str, msgspec.Meta(max_length=254, examples=["dana@example.com"])] | None = None
    phone: Annotated[str, msgspec.Meta(max_length=40, examples=["+1 415 555 0100"])] | None = None
    company: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    address: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    message: Annotated[str, msgspec.Meta(max_length=5000)] = ""
    source: Annotated[str, msgspec.Meta(max_length=40)] = "web"
    website: Annotated[str, msgspec.Meta(max_length=500)] = ""


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
    status: LeadStatus | None = None
    assigned_to: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    unassign: bool = False


class NoteCreate(Input):
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
