"""Build a proposal from a bid, store the PDF content-addressed, and queue the proposal email.

``create_proposal`` is idempotent on ``(bid_id, pdf_sha256)``: the PDF is deterministic for the same bid, so a
re-run finds the same row. ``queue_proposal_email`` writes the outbox message in the caller's transaction and
moves a draft bid to ``sent``; a bid with a fixture type that is not priced is refused, never sent at zero.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
import pymupdf

from pipelineos.db.queries import queries_beside
from pipelineos.errors import NotFoundError
from pipelineos.notify.messages import money
from pipelineos.notify.outbox import enqueue, get_message
from pipelineos.notify.templates import render_message
from pipelineos.pricing.models import BidStateError
from pipelineos.pricing.repository import query_rows
from pipelineos.proposals.context import DEFAULT_EXCLUSIONS, DEFAULT_TERMS, VALID_DAYS, build_context
from pipelineos.proposals.render import render_proposal_pdf
from pipelineos.storage import Storage

__all__ = [
    "DEFAULT_EXCLUSIONS",
    "DEFAULT_TERMS",
    "VALID_DAYS",
    "build_context",
    "counted_thumbnails",
    "create_proposal",
    "queue_proposal_email",
]

Q = queries_beside(__file__)
Row = dict[str, Any]
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _counted_classes(lines: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """detection id → fixture class, for every fixture the bid counted (relabels and added marks included)."""
    return {
        str(detection_id): str(line["fixture_class"])
        for line in lines
        for detection_id in (line["source"] or {}).get("detection_ids", [])
    }


def counted_thumbnails(conn: psycopg.Connection, storage: Storage, bid: Mapping[str, Any]) -> list[Row]:
    """Page images from storage with the fixtures the bid counted marked (pages without an image are skipped).

    The marks are the bid's own detections — a rejected detection is not marked, a relabeled one carries its
    new class, a fixture the estimator added is marked where it was drawn. A bid whose lines name no
    detections (priced from a bare takeoff) marks every detection of the blueprint.
    """
    blueprint_id = str(bid["blueprint_id"])
    counted = _counted_classes(query_rows(Q, conn, "bid_lines", bid_id=str(bid["id"])))
    marks = [
        {**m, "fixture_class": counted.get(m["detection_id"], m["fixture_class"])}
        for m in query_rows(Q, conn, "marks", blueprint_id=blueprint_id)
        if not counted or m["detection_id"] in counted
    ]
    thumbs = []
    for page in query_rows(Q, conn, "blueprint_pages", blueprint_id=blueprint_id):
        if not page["image_sha256"] or not storage.exists(page["image_sha256"]):
            continue
        boxes = [
            {"bbox": (m["x0"], m["y0"], m["x1"], m["y1"]), "fixture_class": m["fixture_class"]}
            for m in marks
            if m["page_index"] == page["page_index"]
        ]
        thumbs.append(
            {
                "sheet": page["sheet_number"] or f"Page {page['page_index'] + 1}",
                "png": storage.read_bytes(page["image_sha256"]),
                "boxes": boxes,
            }
        )
    return thumbs


def _bid_row(conn: psycopg.Connection, bid_id: str) -> Row:
    found = query_rows(Q, conn, "bid_with_context", bid_id=bid_id)
    if not found:
        raise NotFoundError(f"Bid {bid_id} not found.")
    return found[0]


def create_proposal(
    conn: psycopg.Connection,
    storage: Storage,
    *,
    bid_id: str,
    run_id: str | None = None,
    code_version: str | None = None,
    thumbnails: list[Row] | None = None,
    logo_png: bytes | None = None,
) -> Row:
    """Render the bid's proposal, store the PDF, and insert (or find) its ``proposals`` row.

    ``thumbnails`` default to the blueprint's stored page images with the counted fixtures marked; the logo
    defaults to the stored file named by ``organizations.brand.logo_sha256`` (PNG or JPEG).
    """
    bid = _bid_row(conn, bid_id)
    if thumbnails is None:
        thumbnails = counted_thumbnails(conn, storage, bid)
    logo_sha = (bid["org_brand"] or {}).get("logo_sha256")
    if logo_png is None and isinstance(logo_sha, str) and _SHA256.fullmatch(logo_sha) and storage.exists(logo_sha):
        logo_png = storage.read_bytes(logo_sha)
    pdf = render_proposal_pdf(build_context(conn, bid_id, thumbnails, logo_png=logo_png))
    stored = storage.put_bytes(pdf)
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        pages = doc.page_count
    return query_rows(
        Q,
        conn,
        "upsert_proposal",
        organization_id=bid["organization_id"],
        bid_id=bid_id,
        pdf_sha256=stored.sha256,
        page_count=pages,
        run_id=run_id,
        code_version=code_version,
    )[0]


def queue_proposal_email(conn: psycopg.Connection, proposal_id: str, recipient: str, user_id: str | None = None) -> str:
    """Queue the proposal email with the PDF attached; return the message id.

    Refused with :class:`BidStateError` while a fixture type of the bid is not priced (no assembly and no
    manual unit price): such a proposal would quote that work at zero. An invalid recipient is recorded on the
    message as ``failed`` with the reason and the bid stays a draft.
    """
    from pipelineos.pricing.lifecycle import transition
    from pipelineos.pricing.service import get_bid, unpriced_lines

    found = query_rows(Q, conn, "get_proposal", proposal_id=proposal_id)
    if not found:
        raise NotFoundError(f"Proposal {proposal_id} not found.")
    proposal = found[0]
    org_id = str(proposal["organization_id"])
    bid = get_bid(conn, org_id, str(proposal["bid_id"]))
    unpriced = unpriced_lines(bid["lines"])
    if unpriced:
        raise BidStateError(
            f"Bid {bid['id']} has fixture types that are not priced ({', '.join(unpriced)}): add an assembly "
            "for them to the catalog or set a manual unit price, re-price the bid, then send it.",
            extra={"unpriced": unpriced},
        )
    org = query_rows(Q, conn, "org", organization_id=org_id)[0]
    options = [{**o, "amount": money(o["amount"])} for o in (bid["settings"] or {}).get("priced_options", [])]
    rendered = render_message(
        "proposal", org=org, bid=bid, project=proposal["project_name"], total=money(bid["total"]), options=options
    )
    slug = re.sub(r"[^A-Za-z0-9]+", "-", str(org.get("name") or "proposal")).strip("-")
    message_id = enqueue(
        conn,
        organization_id=org_id,
        channel="email",
        kind="proposal",
        recipient=recipient,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        attachments=[
            {
                "sha256": proposal["pdf_sha256"],
                "filename": f"Proposal-{slug}-{str(bid['id'])[:6]}.pdf",
                "content_type": "application/pdf",
            }
        ],
        dedupe_key=f"proposal:{proposal_id}:{recipient.strip().lower()}",
        bid_id=str(bid["id"]),
        proposal_id=proposal_id,
    )
    message = get_message(conn, message_id) or {}
    if message.get("status") == "failed":
        query_rows(Q, conn, "mark_failed", proposal_id=proposal_id, recipient=recipient, message_id=message_id)
        return message_id
    query_rows(Q, conn, "mark_queued", proposal_id=proposal_id, recipient=recipient, message_id=message_id)
    if bid["status"] == "draft":
        transition(conn, organization_id=org_id, bid_id=str(bid["id"]), to_status="sent", user_id=user_id)
    return message_id
