"""Proposal PDF for a priced bid, and its email: queued in the outbox, then dispatched right away.

A bid that has left ``draft`` keeps the proposal it was sent with; the email is queued once per proposal and
recipient (the outbox's dedupe key), so a re-run never sends twice.
"""

from __future__ import annotations

from typing import Any

from pipelineos.blueprints.processing import repository as repo
from pipelineos.blueprints.processing.errors import ProcessingError
from pipelineos.blueprints.processing.versions import code_version, data_version
from pipelineos.db.pool import connection
from pipelineos.storage import get_storage


def proposal_for(bid: dict[str, Any], run_id: str | None) -> dict[str, Any]:
    """Render (or, for a bid that is no longer a draft, reuse) the bid's proposal PDF; returns its row."""
    from pipelineos.proposals.service import create_proposal

    bid_id = str(bid["id"])
    with connection() as conn:
        if bid.get("kept"):
            latest = repo.one(conn, "latest_proposal_of", bid_id=bid_id)
            if latest is not None:
                return {**latest, "kept": True}
        row = create_proposal(conn, get_storage(), bid_id=bid_id, run_id=run_id, code_version=code_version())
        proposal_id = str(row["id"])
        repo.rows(
            conn,
            "stamp_proposal",
            proposal_id=proposal_id,
            run_id=run_id,
            code_version=code_version(),
            data_version=data_version(bid.get("data_version") or bid_id, row["pdf_sha256"]),
        )
    return {**row, "id": proposal_id, "kept": False}


def check_pdf(sha256: str) -> int:
    """Open the stored PDF and return its page count (ProcessingError when it does not open or is empty)."""
    import pymupdf

    data = get_storage().read_bytes(sha256.strip())
    try:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            pages = doc.page_count
            text = doc[0].get_text() if pages else ""
    except Exception as exc:
        raise ProcessingError("?", f"proposal PDF {sha256[:12]} does not open: {exc}") from exc
    if pages < 1 or not text.strip():
        raise ProcessingError("?", f"proposal PDF {sha256[:12]} has no pages or no text")
    return pages


def send(proposal: dict[str, Any], recipient: str | None, *, dispatch: bool = True) -> dict[str, Any]:
    """Queue the proposal email to ``recipient`` and dispatch it now; returns message id and outcome.

    Without a recipient nothing is queued. A send the SMTP server refuses stays in the outbox, which retries
    it with backoff (the outbox-retry schedule), so the pipeline itself does not fail on a mail outage.
    """
    from pipelineos.notify.dispatcher import dispatch_message
    from pipelineos.proposals.service import queue_proposal_email

    if not recipient:
        return {"message_id": None, "status": "no recipient"}
    with connection() as conn:
        message_id = str(queue_proposal_email(conn, str(proposal["id"]), recipient))
    report = dispatch_message(message_id) if dispatch else {}
    with connection() as conn:
        row = repo.one(conn, "message_status", message_id=message_id)
    return {
        "message_id": message_id,
        "status": row["status"] if row else "unknown",
        "error": row["last_error"] if row else None,
        "dispatch": report,
    }
