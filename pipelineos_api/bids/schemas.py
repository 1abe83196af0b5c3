"""Bid DTOs (the Bid and BidLine shapes are shared with the blueprint detail)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from pipelineos_api.blueprints.schemas import Bid, BidLine
from pipelineos_api.platform.schemas import Input

__all__ = ["Bid", "BidCreate", "BidLine", "BidList", "BidSend", "BidStatus", "BidStatusChange"]
BidStatus = Literal["draft", "sent", "accepted", "declined", "expired"]


class BidCreate(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] = "Base bid"
    customer_name: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    customer_email: Annotated[str, msgspec.Meta(max_length=254)] | None = None
    catalog_id: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class BidSend(Input):
    recipient_email: Annotated[str, msgspec.Meta(max_length=254)] | None = None


class BidList(msgspec.Struct):
    items: list[Bid]
    total: int
    limit: int
    offset: int


class BidStatusChange(Input):
    status: Literal["accepted", "declined", "expired", "sent"]
