"""End to end in the core: bid → proposal PDF → outbox → real SMTP; the received PDF reads back the total."""

from __future__ import annotations

import datetime as dt

import polars as pl
import psycopg
import pymupdf

from pipelineos.notify.dispatcher import dispatch_due
from pipelineos.notify.messages import queue_follow_ups, queue_lead_autoreply
from pipelineos.pricing.engine import TAKEOFF_SCHEMA
from pipelineos.pricing.service import price_bid
from pipelineos.proposals.service import create_proposal, queue_proposal_email
from pipelineos.storage import get_storage


def test_proposal_email_delivered_once_with_pdf(seeded: dict[str, str], db: psycopg.Connection, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    org = seeded["organization_id"]
    bp = db.execute(
        "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256, "
        "project_name) values (%s, 'p.pdf', 'application/pdf', 1, %s, 'Bakery') returning id",
        (org, "cd" * 32),
    ).fetchone()["id"]  # type: ignore[index]
    tk = pl.DataFrame(
        [
            {
                "detection_id": f"d{i}",
                "page_index": 0,
                "sheet_number": "P-101",
                "fixture_class": "water_closet",
                "source": "vector_text",
            }
            for i in range(2)
        ],
        schema=TAKEOFF_SCHEMA,
    )
    bid = price_bid(db, organization_id=org, blueprint_id=str(bp), takeoff=tk, customer_email="baker@example.com")
    proposal = create_proposal(db, get_storage(), bid_id=str(bid["id"]), thumbnails=[])
    queue_proposal_email(db, str(proposal["id"]), "baker@example.com")
    db.commit()
    n = len(smtp_sink.messages)
    for _ in range(3):
        dispatch_due()
    (mail,) = smtp_sink.messages[n:]
    assert mail["To"] == "baker@example.com" and "Bakery" in mail["Subject"]
    (pdf,) = [p.get_payload(decode=True) for p in mail.walk() if p.get_content_type() == "application/pdf"]
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        text = " ".join(" ".join(page.get_text() for page in doc).split())
    assert f"${bid['total']:,.2f}" in text and "Water closet, floor-mount flushometer 2 2" in text
    status = db.execute("select status, sent_at from proposals where id = %s", (proposal["id"],)).fetchone()
    assert status["status"] == "sent" and status["sent_at"] is not None  # type: ignore[index]


def test_lead_autoreply_and_follow_ups_are_queued_once(seeded: dict[str, str], db: psycopg.Connection) -> None:
    org = seeded["organization_id"]
    lead = db.execute(
        "insert into leads (organization_id, name, email, phone, message) values (%s, 'Ann', "
        "'ann@example.com', '+1 415 555 2671', 'Leaky <b>pipe</b>') returning *",
        (org,),
    ).fetchone()
    first = queue_lead_autoreply(db, organization_id=org, lead=lead)  # type: ignore[arg-type]
    assert queue_lead_autoreply(db, organization_id=org, lead=lead) == first  # type: ignore[arg-type]
    rows = db.execute(
        "select channel, body_text, body_html from messages where id = any(%s) order by channel", (first,)
    ).fetchall()
    assert [r["channel"] for r in rows] == ["email", "sms"]
    assert "Leaky &lt;b&gt;pipe&lt;/b&gt;" in rows[0]["body_html"]
    bp = db.execute(
        "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256) "
        "values (%s, 'q.pdf', 'application/pdf', 1, %s) returning id",
        (org, "ef" * 32),
    ).fetchone()
    tk = pl.DataFrame(
        [
            {
                "detection_id": "d1",
                "page_index": 0,
                "sheet_number": "P-101",
                "fixture_class": "urinal",
                "source": "vector_text",
            }
        ],
        schema=TAKEOFF_SCHEMA,
    )
    bid = price_bid(
        db,
        organization_id=org,
        blueprint_id=str(bp["id"]),
        takeoff=tk,  # type: ignore[index]
        customer_name="Ann",
        customer_email="ann@example.com",
    )
    sent_at = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    ids = queue_follow_ups(db, bid=bid, sent_at=sent_at, project="Kitchen")
    assert queue_follow_ups(db, bid=bid, sent_at=sent_at, project="Kitchen") == ids
    due = db.execute(
        "select subject, next_attempt_at from messages where id = any(%s) order by next_attempt_at", (ids,)
    ).fetchall()
    assert [r["next_attempt_at"] - sent_at for r in due] == [dt.timedelta(hours=h) for h in (24, 72, 168)]
    assert due[0]["subject"] == "Any questions about your proposal?"
    db.rollback()
