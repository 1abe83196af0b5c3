"""Bid DTOs (the Bid and BidLine shapes are shared with the blueprint detail)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from pipelineos_api.blueprints.schemas import Bid, BidLine
from pipelineos_api.platform.schemas import Input, line, text

__all__ = [
    "Bid",
    "BidCreate",
    "BidLine",
    "BidList",
    "BidSend",
    "BidStatus",
    "BidStatusChange",
    "BidStatusEvent",
    "ProposalText",
    "ProposalTextUpdate",
]
BidStatus = Literal["draft", "sent", "accepted", "declined", "expired"]


class BidCreate(Input):
    name: Annotated[str, line(200, 1, examples=["Base bid"])] = "Base bid"
    customer_name: Annotated[str, line(200, examples=["Dana Rivera"])] | None = None
    customer_email: Annotated[str, line(254, examples=["dana@example.com"])] | None = None
    catalog_id: Annotated[str, line(64)] | None = None


class BidSend(Input):
    recipient_email: Annotated[str, line(254, examples=["dana@example.com"])] | None = None


class BidList(msgspec.Struct):
    items: list[Bid]
    total: int
    limit: int
    offset: int


class BidStatusChange(Input):
    status: Annotated[Literal["accepted", "declined", "expired", "sent"], msgspec.Meta(examples=["accepted"])]


class BidStatusEvent(msgspec.Struct):
    """One status change of a bid: ``from_status`` is null for its creation as a draft."""

    to_status: BidStatus
    changed_at: datetime
    from_status: BidStatus | None = None
    user_id: str | None = None
    user_email: str | None = None


Paragraphs = Annotated[
    list[Annotated[str, text(4000, examples=["Rough-in and finish of all fixtures shown on P-101."])]],
    msgspec.Meta(max_length=50),
]


class ProposalTextUpdate(Input):
    """Paragraphs of the proposal; a field left out is kept, an empty list restores the organization's (or the
    default) text. Only a draft bid's text can change."""

    scope: Paragraphs | None = None
    exclusions: Paragraphs | None = None
    terms: Paragraphs | None = None
    show_cost_breakdown: Annotated[bool, msgspec.Meta(examples=[True])] | None = None


class ProposalText(msgspec.Struct):
    """The text the bid's proposal PDF shows (the bid's own, else the organization's, else the default)."""

    bid_id: str
    scope: list[str]
    exclusions: list[str]
    terms: list[str]
    show_cost_breakdown: bool
