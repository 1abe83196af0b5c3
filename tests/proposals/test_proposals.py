"""Proposal PDFs read back with PyMuPDF: counts per sheet, totals, code edition, escaped user text."""

from __future__ import annotations

import io
import uuid

import polars as pl
import psycopg
import pymupdf as fitz
import pytest
from PIL import Image, ImageDraw

from pipelineos.pricing.engine import TAKEOFF_SCHEMA
from pipelineos.pricing.service import price_bid
from pipelineos.proposals.render import safe_color
from pipelineos.proposals.service import create_proposal, queue_proposal_email
from pipelineos.storage import get_storage

EVIL = "<script>alert('x')</script> & Sons"


def plan_png(width: int = 1200, height: int = 800) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((50, 50, width - 50, height - 50), outline="black", width=4)
    draw.line((width // 2, 50, width // 2, height - 50), fill="black", width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _takeoff() -> pl.DataFrame:
    rows = [("water_closet", 0, "P-101")] * 3 + [("water_closet", 1, "P-102")] * 2 + [("lavatory", 0, "P-101")] * 4
    rows += [("floor_drain", 1, "P-102")]
    return pl.DataFrame(
        [
            {
                "detection_id": str(uuid.uuid4()),
                "page_index": p,
                "sheet_number": s,
                "fixture_class": c,
                "source": "vector_text",
            }
            for c, p, s in rows
        ],
        schema=TAKEOFF_SCHEMA,
    )


@pytest.fixture(scope="module")
def bid(seeded: dict[str, str], db_url: str) -> dict:
    org = seeded["organization_id"]
    with psycopg.connect(db_url, row_factory=psycopg.rows.dict_row) as conn:
        bp = conn.execute(
            "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256, "
            "project_name, customer_name, customer_email) values (%s, 'plan.pdf', 'application/pdf', 1, "
            "%s, %s, %s, 'owner@example.com') returning id",
            (org, "ab" * 32, f"Clinic {EVIL}", EVIL),
        ).fetchone()
        return price_bid(
            conn,
            organization_id=org,
            blueprint_id=str(bp["id"]),
            takeoff=_takeoff(),
            options=[{"name": f"Alt {EVIL}", "amount": "1200"}],
        )


def _thumbs() -> list[dict]:
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
        {
            "sheet": "P-102",
            "png": png,
            "boxes": [{"bbox": (0.6, 0.2, 0.65, 0.25), "fixture_class": "floor_drain"}],
        },
    ]


def test_proposal_pdf_text_counts_total_edition_and_escaping(bid: dict, db: psycopg.Connection) -> None:
    storage = get_storage()
    row = create_proposal(db, storage, bid_id=str(bid["id"]), thumbnails=_thumbs())
    db.commit()
    pdf = storage.read_bytes(row["pdf_sha256"])
    with fitz.open(stream=pdf, filetype="pdf") as doc:
        text = "\n".join(page.get_text() for page in doc)
        assert doc.page_count == row["page_count"] >= 3
        images = sum(len(page.get_images()) for page in doc)
    total = f"${bid['total']:,.2f}"
    assert total in text
    assert "Water closet, floor-mount flushometer" in text
    # schedule row: P-101 3, P-102 2, quantity 5; the lavatory row 4 on P-101
    flat = " ".join(text.split())
    assert "Water closet, floor-mount flushometer 3 2 5" in flat
    assert "Lavatory, wall-hung on carrier 4 4" in flat
    assert "IPC 2021" in text and "DFU" in text and "WSFU" in text
    # public IPC: P-101 = 3 WC × 4 + 4 lav × 1 = 16 DFU; P-102 = 2 WC × 4 + 1 floor drain × 2 = 10 DFU
    assert "P-101 16 " in flat and "P-102 10 " in flat
    assert "Building total 26 DFU" in flat
    assert EVIL in flat, "user text appears literally, escaped, not interpreted"
    assert "Acceptance" in text and "Customer signature" in text
    assert images >= 2, "the plan thumbnails are embedded"


def test_create_proposal_is_idempotent(bid: dict, db: psycopg.Connection) -> None:
    storage = get_storage()
    first = create_proposal(db, storage, bid_id=str(bid["id"]), thumbnails=_thumbs())
    second = create_proposal(db, storage, bid_id=str(bid["id"]), thumbnails=_thumbs())
    assert first["id"] == second["id"] and first["pdf_sha256"] == second["pdf_sha256"]
    n = db.execute("select count(*) as n from proposals where bid_id = %s", (bid["id"],)).fetchone()
    assert n["n"] == 1  # type: ignore[index]


def test_queue_email_attaches_pdf_and_marks_bid_sent(bid: dict, db: psycopg.Connection) -> None:
    row = create_proposal(db, get_storage(), bid_id=str(bid["id"]), thumbnails=[])
    mid = queue_proposal_email(db, str(row["id"]), "owner@example.com")
    assert queue_proposal_email(db, str(row["id"]), "owner@example.com") == mid
    msg = db.execute("select * from messages where id = %s", (mid,)).fetchone()
    db.commit()
    assert msg["attachments"][0]["sha256"] == row["pdf_sha256"]  # type: ignore[index]
    assert msg["attachments"][0]["content_type"] == "application/pdf"  # type: ignore[index]
    assert f"${bid['total']:,.2f}" in msg["body_text"]  # type: ignore[index]
    status = db.execute("select status, sent_at from bids where id = %s", (bid["id"],)).fetchone()
    assert status["status"] == "sent" and status["sent_at"] is not None  # type: ignore[index]


def test_brand_colours_only_accept_hex() -> None:
    assert safe_color("#0b5394", "#000") == "#0b5394"
    assert safe_color("red; } body { display:none", "#000") == "#000"


def test_invalid_recipient_fails_message_and_keeps_bid_draft(seeded: dict[str, str], db: psycopg.Connection) -> None:
    org = seeded["organization_id"]
    bp = db.execute(
        "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256) "
        "values (%s, 'x.pdf', 'application/pdf', 1, %s) returning id",
        (org, "12" * 32),
    ).fetchone()
    bid = price_bid(db, organization_id=org, blueprint_id=str(bp["id"]), takeoff=_takeoff())  # type: ignore[index]
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
