"""Proposal PDFs read back with PyMuPDF: counts per sheet, totals, fixture units, options, branding, escaping."""

from __future__ import annotations

import re
import uuid
from typing import Any

import psycopg
import pymupdf
import pytest
from proposal_helpers import EVIL, flat_text, logo_png, plan_png, takeoff_rows

from pipelineos.notify.messages import money
from pipelineos.pricing.models import BidStateError
from pipelineos.pricing.service import price_bid, reprice_bid, set_line_override, set_proposal_text
from pipelineos.proposals.render import render_html, safe_color
from pipelineos.proposals.service import build_context, create_proposal, queue_proposal_email
from pipelineos.storage import get_storage

BRAND = {"primary_color": "#aa3300", "accent_color": "#33aa00"}


@pytest.fixture(scope="module")
def bid(seeded: dict[str, str], db_url: str) -> dict[str, Any]:
    """A bid on P-101/P-102 with a user-typed project, customer, option and override reason full of markup."""
    org = seeded["organization_id"]
    with psycopg.connect(db_url, row_factory=psycopg.rows.dict_row) as conn:
        logo = get_storage().put_bytes(logo_png()).sha256
        conn.execute(
            "update organizations set brand = %s, address = %s where id = %s",
            (psycopg.types.json.Jsonb({**BRAND, "logo_sha256": logo}), f"1 Main St {EVIL}", org),
        )
        bp = conn.execute(
            "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256, "
            "project_name, customer_name, customer_email) values (%s, 'plan.pdf', 'application/pdf', 1, "
            "%s, %s, %s, 'owner@example.com') returning id",
            (org, "ab" * 32, f"Clinic {EVIL}", EVIL),
        ).fetchone()
        bid = price_bid(
            conn,
            organization_id=org,
            blueprint_id=str(bp["id"]),
            takeoff=takeoff_rows(),
            options=[
                {"name": f"Alt {EVIL}", "amount": "1200"},
                {"name": "Add urinal", "fixture_class": "urinal", "quantity": 1},
            ],
        )
        bid_id = str(bid["id"])
        set_line_override(
            conn, organization_id=org, bid_id=bid_id, fixture_class="floor_drain", quantity=2, reason=f"roof {EVIL}"
        )
        return reprice_bid(conn, str(bid["id"]), takeoff_rows())


def _thumbs() -> list[dict[str, Any]]:
    png = plan_png()
    return [
        {
            "sheet": "P-101",
            "png": png,
            "boxes": [
                {"bbox": (0.1, 0.1, 0.15, 0.16), "fixture_class": "water_closet"},
                {"bbox": (0.3, 0.5, 0.34, 0.55), "fixture_class": "lavatory"},
            ],
        },
        {"sheet": "P-102", "png": png, "boxes": [{"bbox": (0.6, 0.2, 0.65, 0.25), "fixture_class": "floor_drain"}]},
    ]


def _pdf(db: psycopg.Connection, bid_id: str, **kw: Any) -> tuple[bytes, dict[str, Any]]:
    row = create_proposal(db, get_storage(), bid_id=bid_id, thumbnails=kw.pop("thumbnails", _thumbs()), **kw)
    db.commit()
    return get_storage().read_bytes(row["pdf_sha256"]), row


def test_proposal_text_counts_prices_fixture_units_and_acceptance(bid: dict[str, Any], db: psycopg.Connection) -> None:
    pdf, row = _pdf(db, str(bid["id"]))
    text = flat_text(pdf)
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        assert doc.page_count == row["page_count"] == 3
    # schedule: water closets 3 on P-101 + 2 on P-102 = 5; lavatories 4 on P-101; floor drain counted 1, set to 2
    assert "Water closet, floor-mount flushometer 3 2 5" in text
    assert "Lavatory, wall-hung on carrier 4 4" in text
    assert f"Floor drain, 2 in Quantity adjusted: roof {EVIL} 1 2" in text
    assert "Total fixtures 7 3 11" in text  # per sheet 3+4 / 2+1, quantities 5 + 4 + 2
    assert "Drawings: P-101, P-102" in text
    # price summary: the work, the tax, the total — and they add up
    lines = bid["material_cost"] + bid["labor_cost"] + bid["overhead"] + bid["markup"] + bid["contingency"]
    assert f"materials, labor, overhead and profit {money(lines)}" in text
    assert f"Sales tax (8.25 % on materials) {money(bid['tax'])}" in text
    assert lines + bid["tax"] == bid["total"]
    assert f"Total (base bid) {money(bid['total'])}" in text and "Markup" not in text
    # options priced beside the base bid, with a place to initial each one
    add_urinal = bid["settings"]["priced_options"][1]
    assert f"Add urinal 1 × Urinal, wall-hung flushometer {money(add_urinal['amount'])}" in text
    assert f"Add urinal ({money(add_urinal['amount'])}) Accepted — initials" in text
    # IPC 2021 public: P-101 = 3 WC × 4 + 4 lav × 1 = 16 DFU; P-102 = 2 WC × 4 = 8 DFU; the 2 floor drains
    # (quantity set by hand) × 2 = 4 DFU; building 16 + 8 + 4 = 28 DFU
    assert "Fixture units (IPC 2021, public use, flushometer valves)" in text
    assert "P-101 16 38" in text and "P-102 8 20" in text and "Manual quantities 4 0" in text  # WSFU 30+8, 20
    assert "Building total 28 DFU" in text
    # WSFU: 5 WC × 10 + 4 lav × 2 = 58 → between 50 (50.0 gpm) and 60 (54.0 gpm): 50 + 4 × 8/10 = 53.2 gpm
    assert "58 WSFU" in text and "peak demand 53.2 gpm" in text
    # 28 DFU with water closets → 3 in (IPC 710.1(1): ≤ 42); 53.2 gpm: 1-1/2 in 9.6 ft/s, 2 in 5.5 ft/s → 2 in
    assert "Suggested building drain: 3 in" in text and "suggested water service: 2 in" in text
    assert "Acceptance" in text and "Customer signature" in text


def test_user_text_is_escaped_and_the_pdf_has_no_active_content(bid: dict[str, Any], db: psycopg.Connection) -> None:
    pdf, _ = _pdf(db, str(bid["id"]))
    text = flat_text(pdf)
    assert text.count(EVIL) >= 5, "project, customer name and email, option and override reason appear as text"
    assert f"1 Main St {EVIL}" in text
    html = render_html(build_context(db, str(bid["id"]), []))
    assert "<script>" not in html and "&lt;script&gt;alert(" in html
    assert '<img src="http' not in html
    for marker in (b"/JavaScript", b"/JS", b"/Launch", b"/URI", b"/OpenAction"):
        assert marker not in pdf, marker


def test_brand_colour_and_logo_are_on_the_first_page(bid: dict[str, Any], db: psycopg.Connection) -> None:
    pdf, _ = _pdf(db, str(bid["id"]), thumbnails=[])
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        page = doc[0]
        colours = {tuple(round(c, 2) for c in (d.get("fill") or d.get("color") or ())) for d in page.get_drawings()}
        images = page.get_images()
    assert (0.67, 0.2, 0.0) in colours, "the header rule and table heads use the organization's primary colour"
    assert len(images) == 1, "the logo"
    assert safe_color("red; } body { display:none", "#000") == "#000"


def test_scope_exclusions_terms_and_cost_breakdown_on_request(bid: dict[str, Any], db: psycopg.Connection) -> None:
    org, bid_id = str(bid["organization_id"]), str(bid["id"])
    set_proposal_text(
        db,
        organization_id=org,
        bid_id=bid_id,
        scope=[f"Rough-in for 5 water closets, note: {EVIL}", "  "],
        exclusions=["Trenching by others."],
        terms=["Net 30."],
        show_cost_breakdown=True,
    )
    db.commit()
    try:
        text = flat_text(_pdf(db, bid_id, thumbnails=[])[0])
    finally:
        cleared: dict[str, Any] = {"scope": [], "exclusions": [], "terms": [], "show_cost_breakdown": False}
        set_proposal_text(db, organization_id=org, bid_id=bid_id, **cleared)
        db.commit()
    assert f"Scope of work Rough-in for 5 water closets, note: {EVIL} Fixture schedule" in text
    assert "Exclusions Trenching by others. Terms Net 30." in text and "Permits and inspection fees" not in text
    assert f"Materials {money(bid['material_cost'])}" in text
    assert f"Labor ({bid['labor_hours'].normalize():f} h) {money(bid['labor_cost'])}" in text
    assert f"Overhead (10 %) {money(bid['overhead'])}" in text and f"Markup (15 %) {money(bid['markup'])}" in text
    assert f"Contingency (3 %) {money(bid['contingency'])}" in text
    back = flat_text(_pdf(db, bid_id, thumbnails=[])[0])
    assert "Permits and inspection fees" in back and "Markup" not in back, "empty lists fall back to the defaults"


def test_create_proposal_is_idempotent(bid: dict[str, Any], db: psycopg.Connection) -> None:
    first = create_proposal(db, get_storage(), bid_id=str(bid["id"]), thumbnails=_thumbs())
    second = create_proposal(db, get_storage(), bid_id=str(bid["id"]), thumbnails=_thumbs())
    assert first["id"] == second["id"] and first["pdf_sha256"] == second["pdf_sha256"]
    n = db.execute("select count(*) as n from proposals where pdf_sha256 = %s", (first["pdf_sha256"],)).fetchone()
    assert n["n"] == 1  # type: ignore[index]
    db.commit()


def test_queue_email_attaches_pdf_and_marks_bid_sent(bid: dict[str, Any], db: psycopg.Connection) -> None:
    row = create_proposal(db, get_storage(), bid_id=str(bid["id"]), thumbnails=[])
    mid = queue_proposal_email(db, str(row["id"]), "owner@example.com")
    assert queue_proposal_email(db, str(row["id"]), "owner@example.com") == mid
    msg = db.execute("select * from messages where id = %s", (mid,)).fetchone()
    db.commit()
    assert msg["attachments"][0]["sha256"] == row["pdf_sha256"]  # type: ignore[index]
    assert msg["attachments"][0]["content_type"] == "application/pdf"  # type: ignore[index]
    assert money(bid["total"]) in msg["body_text"]  # type: ignore[index]
    status = db.execute("select status, sent_at from bids where id = %s", (bid["id"],)).fetchone()
    assert status["status"] == "sent" and status["sent_at"] is not None  # type: ignore[index]
    with pytest.raises(BidStateError, match="cannot change"):
        set_proposal_text(db, organization_id=str(bid["organization_id"]), bid_id=str(bid["id"]), terms=["Net 5."])


def _blueprint(db: psycopg.Connection, org: str) -> str:
    return str(
        db.execute(
            "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256) "
            "values (%s, 'x.pdf', 'application/pdf', 1, %s) returning id",
            (org, uuid.uuid4().hex * 2),
        ).fetchone()["id"]  # type: ignore[index]
    )


def test_invalid_recipient_fails_message_and_keeps_bid_draft(seeded: dict[str, str], db: psycopg.Connection) -> None:
    org = seeded["organization_id"]
    bid = price_bid(db, organization_id=org, blueprint_id=_blueprint(db, org), takeoff=takeoff_rows())
    row = create_proposal(db, get_storage(), bid_id=str(bid["id"]), thumbnails=[])
    mid = queue_proposal_email(db, str(row["id"]), "nobody-at-example")
    msg = db.execute("select status, last_error from messages where id = %s", (mid,)).fetchone()
    assert msg["status"] == "failed" and "Invalid email address" in msg["last_error"]  # type: ignore[index]
    state = db.execute(
        "select p.status as p, b.status as b from proposals p join bids b on b.id = p.bid_id where p.id = %s",
        (row["id"],),
    ).fetchone()
    assert (state["p"], state["b"]) == ("failed", "draft")  # type: ignore[index]
    db.rollback()


def test_a_bid_with_an_unpriced_fixture_type_is_not_sent(seeded: dict[str, str], db: psycopg.Connection) -> None:
    from pipelineos.pricing.catalog_io import import_csv

    org = seeded["organization_id"]
    catalog = import_csv(
        db,
        org,
        "sku,description,unit,material_cost,supplier,discount_multiplier,price_changed_at\nWC,Toilet,ea,200.00,,1,\n",
        "fixture_class,variant,name,labor_hours,sku,phase,quantity\nwater_closet,standard,Toilet,2.00,WC,fixture,1\n",
        name=f"Toilets only {uuid.uuid4().hex[:6]}",
    )["catalog"]
    db.execute("update price_catalogs set is_active = false where id = %s", (catalog["id"],))
    bid = price_bid(
        db, organization_id=org, blueprint_id=_blueprint(db, org), takeoff=takeoff_rows(), catalog_id=str(catalog["id"])
    )
    proposal = create_proposal(db, get_storage(), bid_id=str(bid["id"]), thumbnails=[])
    draft_text = flat_text(get_storage().read_bytes(proposal["pdf_sha256"]))
    assert "No assembly for fixture type 'lavatory' in the catalog: NOT PRICED" in draft_text
    with pytest.raises(BidStateError, match=r"not priced \(lavatory, floor_drain\)"):
        queue_proposal_email(db, str(proposal["id"]), "owner@example.com")
    assert db.execute("select count(*) as n from messages where bid_id = %s", (bid["id"],)).fetchone()["n"] == 0  # type: ignore[index]
    for fixture_class, price in (("lavatory", "350.00"), ("floor_drain", "180.00")):
        set_line_override(db, organization_id=org, bid_id=str(bid["id"]), fixture_class=fixture_class, unit_price=price)
    repriced = reprice_bid(db, str(bid["id"]), takeoff_rows())
    ready = create_proposal(db, get_storage(), bid_id=str(repriced["id"]), thumbnails=[])
    assert re.search(r"NOT PRICED", flat_text(get_storage().read_bytes(ready["pdf_sha256"]))) is None
    queue_proposal_email(db, str(ready["id"]), "owner@example.com")
    assert db.execute("select status from bids where id = %s", (bid["id"],)).fetchone()["status"] == "sent"  # type: ignore[index]
    db.rollback()
