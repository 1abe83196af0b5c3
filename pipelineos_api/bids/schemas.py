"""Bid DTOs (the Bid and BidLine shapes are shared with the blueprint detail)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from pipelineos_api.blueprints.schemas import Bid, BidLine
from pipelineos_api.platform.schemas import Input, line

__all__ = ["Bid", "BidCreate", "BidLine", "BidList", "BidSend", "BidStatus", "BidStatusChange"]
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
