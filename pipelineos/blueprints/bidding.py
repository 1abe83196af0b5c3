"""Bids seen from a blueprint: create from the reviewed takeoff, re-price, send, list, export.

Pricing and proposal rendering live in ``pipelineos.pricing`` and ``pipelineos.proposals``; this module checks
organization ownership, picks the takeoff, and writes the audit trail.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import psycopg

from pipelineos.audit.service import record
from pipelineos.blueprints import repository as repo
from pipelineos.blueprints.service import get_blueprint, parse_id
from pipelineos.errors import NotFoundError, Unavailable, ValidationError

BID_STATUSES = ("draft", "sent", "accepted", "declined", "expired")
Row = dict[str, Any]


def takeoff_for(conn: psycopg.Connection, blueprint_id: str) -> pl.DataFrame:
    """The reviewed takeoff (decisions applied) the pricing engine takes as input."""
    try:
        from pipelineos.blueprints.processing.review import reviewed_takeoff
    except ImportError:
        from pipelineos.pricing.service import takeoff_from_detections

        return takeoff_from_detections(conn, blueprint_id)
    return reviewed_takeoff(conn, blueprint_id)


def get_bid(conn: psycopg.Connection, organization_id: str, bid_id: str) -> Row:
    """A bid of the organization with its lines; NotFoundError otherwise."""
    bid = repo.get_bid(conn, organization_id, parse_id(bid_id, "bid"))
    if bid is None:
        raise NotFoundError(f"No bid with id {bid_id} in your organization.")
    bid = dict(bid)
    bid["lines"] = repo.bid_lines(conn, organization_id, str(bid["id"]))
    return bid


def list_bids(
    conn: psycopg.Connection,
    organization_id: str,
    *,
    blueprint_id: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Row], int]:
    """One page of bids, newest first."""
    if status is not None and status not in BID_STATUSES:
        raise ValidationError(f"Unknown bid status {status!r}; use one of {', '.join(BID_STATUSES)}.")
    if not 1 <= limit <= 500 or offset < 0:
        raise ValidationError("limit must be 1..500 and offset ≥ 0.")
    bp = parse_id(blueprint_id) if blueprint_id else None
    return repo.list_bids(conn, organization_id, bp, status, limit, offset)


def create_bid(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    blueprint_id: str,
    user_id: str | None,
    name: str = "Base bid",
    customer_name: str | None = None,
    customer_email: str | None = None,
    catalog_id: str | None = None,
    request_id: str | None = None,
) -> Row:
    """Price the blueprint's reviewed takeoff into a new draft bid."""
    from pipelineos.blueprints.processing.bidding import stamp_lineage
    from pipelineos.pricing.service import price_bid

    blueprint = get_blueprint(conn, organization_id, blueprint_id)
    takeoff = takeoff_for(conn, blueprint["id"])
    bid = price_bid(
        conn,
        organization_id=organization_id,
        blueprint_id=blueprint["id"],
        takeoff=takeoff,
        catalog_id=parse_id(catalog_id, "catalog") if catalog_id else None,
        name=name,
        customer_name=customer_name or blueprint.get("customer_name"),
        customer_email=customer_email or blueprint.get("customer_email"),
        created_by=user_id,
    )
    stamp_lineage(conn, {**bid, "blueprint_id": blueprint["id"]}, takeoff)
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action="create",
        entity="bid",
        entity_id=str(bid["id"]),
        request_id=request_id,
        details={"blueprint_id": blueprint["id"]},
    )
    return get_bid(conn, organization_id, str(bid["id"]))


def reprice(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    bid_id: str,
    user_id: str | None,
    request_id: str | None = None,
) -> Row:
    """Re-price a draft bid from the current reviewed takeoff (overrides kept)."""
    from pipelineos.pricing.service import reprice_bid

    bid = get_bid(conn, organization_id, bid_id)
    reprice_bid(conn, str(bid["id"]), takeoff_for(conn, str(bid["blueprint_id"])))
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action="reprice",
        entity="bid",
        entity_id=str(bid["id"]),
        request_id=request_id,
        details={"total_before": str(bid["total"])},
    )
    return get_bid(conn, organization_id, str(bid["id"]))


def _proposals() -> Any:
    try:
        from pipelineos.proposals import service
    except ImportError as exc:
        raise Unavailable("Proposal rendering is not installed in this build; try again later.") from exc
    return service
