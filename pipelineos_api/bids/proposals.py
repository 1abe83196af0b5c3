"""Bridge to ``pipelineos.proposals`` and the bid lifecycle: render, send, download, change status."""

from __future__ import annotations

from typing import Any

import psycopg

from pipelineos.audit.service import record
from pipelineos.blueprints import bidding
from pipelineos.blueprints import repository as repo
from pipelineos.errors import ValidationError
from pipelineos.leads.models import normalize_email
from pipelineos.storage import get_storage


def send(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    bid_id: str,
    user_id: str | None,
    recipient: str | None,
    request_id: str | None,
) -> dict[str, Any]:
    """Render the proposal, queue it by email (the bid becomes 'sent'), and return the bid."""
    from pipelineos.proposals.service import create_proposal, queue_proposal_email

    bid = bidding.get_bid(conn, organization_id, bid_id)
    to = normalize_email(recipient) or bid.get("customer_email")
    if not to:
        raise ValidationError("The bid has no customer email; send recipient_email.")
    proposal = create_proposal(conn, get_storage(), bid_id=str(bid["id"]))
    message_id = queue_proposal_email(conn, str(proposal["id"]), to, user_id)
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action="send",
        entity="bid",
        entity_id=str(bid["id"]),
        request_id=request_id,
        details={"recipient": to, "proposal_id": str(proposal["id"]), "message_id": message_id},
    )
    return bidding.get_bid(conn, organization_id, str(bid["id"]))


def pdf_bytes(conn: psycopg.Connection, *, organization_id: str, bid_id: str) -> bytes:
    """The latest stored proposal PDF of the bid, rendering one first if none exists."""
    from pipelineos.proposals.service import create_proposal

    bid = bidding.get_bid(conn, organization_id, bid_id)
    proposal = repo.latest_proposal(conn, organization_id, str(bid["id"]))
    if proposal is None:
        proposal = create_proposal(conn, get_storage(), bid_id=str(bid["id"]))
    return get_storage().read_bytes(str(proposal["pdf_sha256"]).strip())


def set_status(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    bid_id: str,
    status: str,
    user_id: str | None,
    request_id: str | None,
) -> dict[str, Any]:
    """Record the customer's answer (accepted / declined) or another allowed transition."""
    from pipelineos.pricing.lifecycle import transition

    bid = bidding.get_bid(conn, organization_id, bid_id)
    transition(conn, organization_id=organization_id, bid_id=str(bid["id"]), to_status=status, user_id=user_id)
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action=f"status.{status}",
        entity="bid",
        entity_id=str(bid["id"]),
        request_id=request_id,
        details={"from": bid["status"], "to": status},
    )
    return bidding.get_bid(conn, organization_id, str(bid["id"]))


def proposal_text(conn: psycopg.Connection, *, organization_id: str, bid_id: str) -> dict[str, Any]:
    """The text the bid's proposal shows (its own, the organization's, or the default)."""
    from pipelineos.proposals.context import proposal_text as current_text

    bid = bidding.get_bid(conn, organization_id, bid_id)
    return current_text(conn, str(bid["id"]))


def set_proposal_text(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    bid_id: str,
    user_id: str | None,
    request_id: str | None,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """Change a draft bid's proposal text (fields that are None are kept), audit it, return the new text."""
    from pipelineos.pricing.service import set_proposal_text as store_text

    bid = bidding.get_bid(conn, organization_id, bid_id)
    sent = {key: value for key, value in changes.items() if value is not None}
    store_text(conn, organization_id=organization_id, bid_id=str(bid["id"]), **sent)
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action="proposal_text",
        entity="bid",
        entity_id=str(bid["id"]),
        request_id=request_id,
        details={"changed": sorted(sent)},
    )
    return proposal_text(conn, organization_id=organization_id, bid_id=str(bid["id"]))
