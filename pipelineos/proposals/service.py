"""Build a proposal from a bid, store the PDF content-addressed, and queue the proposal email.

``create_proposal`` is idempotent on ``(bid_id, pdf_sha256)``: the PDF is deterministic for the same bid, so a
re-run finds the same row. ``queue_proposal_email`` writes the outbox message in the caller's transaction and
moves a draft bid to ``sent``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import polars as pl
import psycopg
import pymupdf as fitz
from psycopg.rows import dict_row

from pipelineos.db.queries import queries_beside
from pipelineos.errors import NotFoundError
from pipelineos.notify.messages import money
from pipelineos.notify.outbox import enqueue, get_message
from pipelineos.notify.templates import render_message
from pipelineos.pricing.fixture_units import fixture_units
from pipelineos.proposals.render import render_proposal_pdf
from pipelineos.storage import Storage

Q = queries_beside(__file__)
VALID_DAYS = 30
DEFAULT_EXCLUSIONS = (
    "Permits and inspection fees unless listed above.",
    "Excavation, concrete cutting and patching, and backfill beyond the plumbing trench.",
    "Gas piping, fire sprinkler, and HVAC condensate piping.",
    "Electrical connections to water heaters, pumps and appliances.",
    "Owner-furnished fixtures and equipment, and work not shown on the plumbing sheets.",
)
DEFAULT_TERMS = (
    "Prices are held for 30 days from the proposal date.",
    "Payment: 30 % on acceptance, 40 % at rough-in inspection, 30 % on completion; net 15 days.",
    "Changes to the scope are priced as change orders before the work is done.",
    "Fixture counts are taken from the plan sheets listed; quantities on revised drawings are re-priced.",
)


def _rows(conn: psycopg.Connection, name: str, **params: Any) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(Q[name], params)
        return list(cur.fetchall()) if cur.description else []


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


def default_thumbnails(conn: psycopg.Connection, storage: Storage, blueprint_id: str) -> list[dict[str, Any]]:
    """Page images from storage with the blueprint's detections (pages without a stored image are skipped)."""
    dets = _rows(conn, "detections", blueprint_id=blueprint_id)
    thumbs = []
    for page in _rows(conn, "blueprint_pages", blueprint_id=blueprint_id):
        if not page["image_sha256"] or not storage.exists(page["image_sha256"]):
            continue
        boxes = [
            {"bbox": (d["x0"], d["y0"], d["x1"], d["y1"]), "fixture_class": d["fixture_class"]}
            for d in dets
            if d["page_index"] == page["page_index"]
        ]
        thumbs.append(
            {
                "sheet": page["sheet_number"] or f"Page {page['page_index'] + 1}",
                "png": storage.read_bytes(page["image_sha256"]),
                "boxes": boxes,
            }
        )
    return thumbs


def build_context(
    conn: psycopg.Connection,
    bid_id: str,
    thumbnails: list[dict[str, Any]] | None = None,
    *,
    logo_png: bytes | None = None,
) -> dict[str, Any]:
    """Everything the proposal template shows, from the stored bid (plain data)."""
    found = _rows(conn, "bid_with_context", bid_id=bid_id)
    if not found:
        raise NotFoundError(f"Bid {bid_id} not found.")
    bid = found[0]
    lines = _rows(conn, "bid_lines", bid_id=bid_id)
    settings = bid["settings"] or {}
    summary = settings.get("summary", {})
    sheets: list[str] = []
    sheet_totals: dict[str, int] = {}
    view_lines: list[dict[str, Any]] = []
    fu_rows_in: list[dict[str, Any]] = []
    for line in lines:
        per_sheet = {s["sheet"]: s["count"] for s in (line["source"] or {}).get("sheets", [])}
        for s, n in per_sheet.items():
            if s not in sheets:
                sheets.append(s)
            sheet_totals[s] = sheet_totals.get(s, 0) + n
        override = (line["source"] or {}).get("override") or {}
        note = (
            f"Quantity set manually: {override.get('reason') or 'estimator adjustment'}"
            if override.get("quantity") is not None
            else None
        )
        view_lines.append(
            {
                "description": line["description"],
                "fixture_class": line["fixture_class"],
                "quantity": _qty(line["quantity"]),
                "per_sheet": per_sheet,
                "flag": line["flag"],
                "note": note,
                "total": money(line["total"]),
            }
        )
        if line["fixture_class"]:
            placed = per_sheet if override.get("quantity") is None else {"Manual quantities": int(line["quantity"])}
            fu_rows_in += [
                {"fixture_class": line["fixture_class"], "sheet_number": sheet, "page_index": 0}
                for sheet, n in placed.items()
                for _ in range(int(n))
            ]
    brand = bid["org_brand"] or {}
    edition = settings.get("code_edition") or brand.get("code_edition") or "IPC 2021"
    occupancy = settings.get("occupancy") or brand.get("occupancy") or "public"
    fu_frame = pl.DataFrame(
        fu_rows_in, schema={"fixture_class": pl.String, "sheet_number": pl.String, "page_index": pl.Int64}
    )
    fu = fixture_units(fu_frame, edition=edition, occupancy=occupancy)
    fu_rows = [
        {
            **r,
            "label": str(r["fixture_class"]).replace("_", " ").capitalize(),
            "dfu_each": "—" if r["dfu_each"] is None else f"{r['dfu_each']:g}",
            "wsfu_each": "—" if r["wsfu_each"] is None else f"{r['wsfu_each']:g}",
        }
        for r in fu.rows
    ]
    price_rows = [
        ("Materials", money(bid["material_cost"])),
        (f"Labor ({_qty(bid['labor_hours'])} h)", money(bid["labor_cost"])),
        ("Overhead", money(bid["overhead"])),
        ("Markup", money(bid["markup"])),
        ("Contingency", money(bid["contingency"])),
        ("Sales tax", money(bid["tax"])),
    ]
    if Decimal(summary.get("rounding", "0")) != 0:
        price_rows.append(("Rounding", money(summary["rounding"])))
    issued = (bid["priced_at"] or bid["created_at"]).date()
    return {
        "org": {
            "name": bid["org_name"],
            "email": bid["org_email"],
            "phone": bid["org_phone"],
            "address": bid["org_address"],
            "brand": brand,
            "logo_png": logo_png,
        },
        "number": f"{issued:%Y%m%d}-{str(bid['id'])[:6].upper()}",
        "customer": {
            "name": bid["customer_name"] or bid["bp_customer_name"],
            "email": bid["customer_email"] or bid["bp_customer_email"],
        },
        "project": bid["project_name"],
        "bid": {
            "id": str(bid["id"]),
            "name": bid["name"],
            "catalog": f"{bid['catalog_name']} v{bid['catalog_version']}",
        },
        "dates": {
            "issued": issued.isoformat(),
            "valid_until": (issued + dt.timedelta(days=VALID_DAYS)).isoformat(),
        },
        "scope": settings.get("scope")
        or [
            "Furnish and install the plumbing fixtures scheduled below, complete with rough-in (waste, vent, "
            "hot and cold water), finish connections and trim.",
            "Test the drainage and water systems and obtain the plumbing inspections.",
        ],
        "lines": view_lines,
        "sheets": sheets,
        "sheet_totals": sheet_totals,
        "total_fixtures": _qty(sum((line["quantity"] for line in lines), Decimal(0))),
        "price_rows": price_rows,
        "total": money(bid["total"]),
        "options": [{**o, "amount": money(o["amount"])} for o in settings.get("priced_options", [])],
        "exclusions": settings.get("exclusions") or brand.get("exclusions") or list(DEFAULT_EXCLUSIONS),
        "terms": settings.get("terms") or brand.get("terms") or list(DEFAULT_TERMS),
        "fixture_units": {**fu.__dict__, "rows": fu_rows},
        "thumbnails": thumbnails or [],
    }


def create_proposal(
    conn: psycopg.Connection,
    storage: Storage,
    *,
    bid_id: str,
    run_id: str | None = None,
    code_version: str | None = None,
    thumbnails: list[dict[str, Any]] | None = None,
    logo_png: bytes | None = None,
) -> dict[str, Any]:
    """Render the bid's proposal, store the PDF, and insert (or find) its ``proposals`` row.

    ``thumbnails`` default to the blueprint's stored page images with its detections marked; the logo defaults
    to the stored file named by ``organizations.brand.logo_sha256`` (PNG or JPEG).
    """
    found = _rows(conn, "bid_with_context", bid_id=bid_id)
    if not found:
        raise NotFoundError(f"Bid {bid_id} not found.")
    if thumbnails is None:
        thumbnails = default_thumbnails(conn, storage, str(found[0]["blueprint_id"]))
    logo_sha = (found[0]["org_brand"] or {}).get("logo_sha256")
    if (
        logo_png is None
        and isinstance(logo_sha, str)
        and re.fullmatch(r"[0-9a-f]{64}", logo_sha)
        and storage.exists(logo_sha)
    ):
        logo_png = storage.read_bytes(logo_sha)
    pdf = render_proposal_pdf(build_context(conn, bid_id, thumbnails, logo_png=logo_png))
    stored = storage.put_bytes(pdf)
    with fitz.open(stream=pdf, filetype="pdf") as doc:
        pages = doc.page_count
    row = _rows(
        conn,
        "upsert_proposal",
        organization_id=found[0]["organization_id"],
        bid_id=bid_id,
        pdf_sha256=stored.sha256,
        page_count=pages,
        run_id=run_id,
        code_version=code_version,
    )[0]
    return row


def queue_proposal_email(conn: psycopg.Connection, proposal_id: str, recipient: str, user_id: str | None = None) -> str:
    """Queue the proposal email with the PDF attached; return the message id."""
    from pipelineos.pricing.lifecycle import transition
    from pipelineos.pricing.service import get_bid

    found = _rows(conn, "get_proposal", proposal_id=proposal_id)
    if not found:
        raise NotFoundError(f"Proposal {proposal_id} not found.")
    proposal = found[0]
    org_id = str(proposal["organization_id"])
    bid = get_bid(conn, org_id, str(proposal["bid_id"]))
    org = _rows(conn, "org", organization_id=org_id)[0]
    rendered = render_message(
        "proposal",
        org=org,
        bid=bid,
        project=proposal["project_name"],
        total=money(bid["total"]),
        options=[{**o, "amount": money(o["amount"])} for o in (bid["settings"] or {}).get("priced_options", [])],
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
    if message.get("status") == "failed":  # invalid recipient: recorded on the message, the bid stays a draft
        _rows(conn, "mark_failed", proposal_id=proposal_id, recipient=recipient, message_id=message_id)
        return message_id
    _rows(conn, "mark_queued", proposal_id=proposal_id, recipient=recipient, message_id=message_id)
    if bid["status"] == "draft":
        transition(conn, organization_id=org_id, bid_id=str(bid["id"]), to_status="sent", user_id=user_id)
    return message_id
