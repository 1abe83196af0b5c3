"""Bid lifecycle: draft → sent → accepted | declined | expired, with timestamps and who did it.

Allowed moves are listed in :data:`TRANSITIONS`; anything else raises :class:`InvalidTransition`. The update
is conditional on the status read (``where status = from``), so two concurrent changes cannot both win, and it
appends the change (from, to, when, who) to ``bid_status_history`` in the same statement; :func:`history` reads
the trail back. ``compare_revisions`` and ``compare_with_previous`` (revision compare of blueprint versions)
live in :mod:`pipelineos.pricing.revisions` and are re-exported here.
"""

from __future__ import annotations

from typing import Any

import psycopg

from pipelineos.pricing import repository
from pipelineos.pricing.models import BID_STATUSES, InvalidTransition
from pipelineos.pricing.revisions import compare_revisions, compare_with_previous

__all__ = ["TRANSITIONS", "compare_revisions", "compare_with_previous", "expire_stale_bids", "history", "transition"]

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("sent",),
    "sent": ("accepted", "declined", "expired"),
    "accepted": (),
    "declined": (),
    "expired": (),
}


def transition(
    conn: psycopg.Connection, *, organization_id: str, bid_id: str, to_status: str, user_id: str | None = None
) -> dict[str, Any]:
    """Move a bid to ``to_status``; records the timestamp column of that status and ``status_changed_by``."""
    if to_status not in BID_STATUSES:
        raise InvalidTransition(f"Unknown bid status {to_status!r}: use one of {', '.join(BID_STATUSES)}.")
    bid = repository.get_bid(conn, organization_id, bid_id)
    current = bid["status"]
    if to_status not in TRANSITIONS[current]:
        allowed = ", ".join(TRANSITIONS[current]) or "none (final status)"
        article = "An" if current[0] in "aeiou" else "A"
        raise InvalidTransition(
            f"{article} {current} bid cannot become {to_status}; allowed from {current}: {allowed}.",
            extra={"from": current, "to": to_status},
        )
    updated = repository.one(
        conn, "set_bid_status", bid_id=bid_id, status=to_status, from_status=current, user_id=user_id
    )
    if updated is None:
        raise InvalidTransition(f"Bid {bid_id} changed status meanwhile; reload it and try again.")
    return updated


def expire_stale_bids(conn: psycopg.Connection, *, days: int = 30) -> list[str]:
    """Expire sent bids older than ``days`` (prices are held 30 days); returns their ids."""
    ids = [str(r["id"]) for r in repository.rows(conn, "expire_due_bids", days=days)]
    for bid_id in ids:
        bid = repository.bid_by_id(conn, bid_id)
        transition(conn, organization_id=str(bid["organization_id"]), bid_id=bid_id, to_status="expired")
    return ids


def history(conn: psycopg.Connection, *, organization_id: str, bid_id: str) -> list[dict[str, Any]]:
    """Every status change of the bid, oldest first: ``from_status``, ``to_status``, ``changed_at``, who."""
    repository.get_bid(conn, organization_id, bid_id)
    return repository.rows(conn, "bid_history", bid_id=bid_id)
