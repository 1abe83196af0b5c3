"""Bridge to ``pipelineos.proposals`` (built alongside): render and send proposals for a bid."""

from __future__ import annotations

from typing import Any

import psycopg

from pipelineos.audit.service import record
from pipelineos.blueprints import bidding
from pipelineos.blueprints import repository as repo
from pipelineos.errors import Unavailable
from pipelineos.storage import get_storage


def _service() -> Any:
    try:
        from pipelineos.proposals import service
    except ImportError as exc:
        raise Unavailable("Proposal rendering is not available in this build yet.") from exc
    return service


def send(
    conn: psycopg.Connection, *, organization_id: str, bid_id: str, user_id: str | None, recipient: str | None,
    request_id: str | None,
) -> dict[str, Any]:
    """Render + queue the proposal email; returns the updated bid."""
    bid = bidding.get_bid(conn, organization_id, bid_id)
    service = _service()
    service.send_proposal(conn, organization_id=organization_id, bid_id=str(bid["id"]),
                          recipient_email=recipient, user_id=user_id)
    record(conn, organization_id=organization_id, actor_user_id=user_id, action="send", entity="bid",
           entity_id=str(bid["id"]), request_id=request_id, details={"recipient": recipient})
    return bidding.get_bid(conn, organization_id, str(bid["id"]))


def pdf_bytes(conn: psycopg.Connection, *, organization_id: str, bid_id: str) -> bytes:
    """The latest stored proposal PDF of the bid, rendering one if none exists."""
    bid = bidding.get_bid(conn, organization_id, bid_id)
    proposal = repo.latest_proposal(conn, organization_id, str(bid["id"]))
    if proposal is None:
        rendered = _service().render_proposal(conn, organization_id=organization_id, bid_id=str(bid["id"]))
        proposal = {"pdf_sha256": rendered["pdf_sha256"]}
    return get_storage().read_bytes(str(proposal["pdf_sha256"]).strip())
