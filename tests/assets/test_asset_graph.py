"""The whole asset graph of one blueprint on real PostgreSQL: rows, lineage, idempotent re-runs, email."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from psycopg.rows import dict_row

from pipelineos.blueprints.processing import bidding
from pipelineos.db.pool import connection
from pipelineos_assets.defs.bids.assets import alternate_bid, priced_bid
from pipelineos_assets.defs.bids.checks import bid_total_checks
from pipelineos_assets.defs.bids.partitions import bid_key
from pipelineos_assets.defs.blueprints.assets import blueprint_file, blueprint_pages, sheet_index
from pipelineos_assets.defs.blueprints.checks import every_page_rendered
from pipelineos_assets.defs.proposals.assets import (
    alternate_proposal_pdf,
    proposal_pdf,
    sent_alternate_proposal,
    sent_proposal,
)
from pipelineos_assets.defs.proposals.checks import proposal_checks
from pipelineos_assets.defs.takeoff.assets import fixture_detections, reviewed_takeoff
from pipelineos_assets.defs.takeoff.checks import plumbing_sheets_have_detections
from pipelineos_assets.guard import TAGS_BLUEPRINT, TAGS_REASON

PIPELINE = [
    blueprint_file,
    blueprint_pages,
    every_page_rendered,
    sheet_index,
    fixture_detections,
    reviewed_takeoff,
    plumbing_sheets_have_detections,
    priced_bid,
    proposal_pdf,
    sent_proposal,
    bid_total_checks[0],
    proposal_checks[0],
]
ALTERNATES = [alternate_bid, alternate_proposal_pdf, sent_alternate_proposal, bid_total_checks[1], proposal_checks[1]]


def materialize_blueprint(
    instance: dg.DagsterInstance, resources: dict, blueprint_id: str
) -> dg.ExecuteInProcessResult:
    """The run the upload sensor starts: file to sent base proposal, one partition."""
    instance.add_dynamic_partitions("blueprints", [blueprint_id])
    return dg.materialize(
        PIPELINE,
        partition_key=blueprint_id,
        instance=instance,
        resources=resources,
        raise_on_error=False,
        tags={TAGS_BLUEPRINT: blueprint_id, TAGS_REASON: "upload"},
    )


def materialize_bid(instance: dg.DagsterInstance, resources: dict, blueprint_id: str, variant: str):
    """The run the bid-requests sensor starts for a further bid."""
    instance.add_dynamic_partitions("bid_variants", [variant])
    return dg.materialize(
        [*PIPELINE, *ALTERNATES],
        selection=ALTERNATES,
        partition_key=bid_key(blueprint_id, variant),
        instance=instance,
        resources=resources,
        raise_on_error=False,
    )


def counts(db: psycopg.Connection, blueprint_id: str) -> dict[str, int]:
    tables = {
        "pages": "select count(*) as n from blueprint_pages where blueprint_id = %(b)s",
        "detections": "select count(*) as n from fixture_detections where blueprint_id = %(b)s",
        "reviewed": "select count(*) as n from reviewed_takeoff where blueprint_id = %(b)s",
        "bids": "select count(*) as n from bids where blueprint_id = %(b)s",
        "lines": "select count(*) as n from bid_lines x join bids b on b.id = x.bid_id where b.blueprint_id = %(b)s",
        "proposals": "select count(*) as n from proposals x join bids b on b.id = x.bid_id "
        "where b.blueprint_id = %(b)s",
        "messages": "select count(*) as n from messages x join bids b on b.id = x.bid_id where b.blueprint_id = %(b)s",
    }
    out = {name: db.execute(sql, {"b": blueprint_id}).fetchone()["n"] for name, sql in tables.items()}
    db.commit()
    return out


@pytest.fixture(scope="module")
def processed(instance, resources, register: Callable[..., str], plan_set_pdf: Path, smtp_sink) -> dict:
    blueprint_id = register(plan_set_pdf)
    run = materialize_blueprint(instance, resources, blueprint_id)
    assert run.success
    return {"id": blueprint_id, "run": run}


def test_blueprint_completed_with_rows_and_lineage(db: psycopg.Connection, processed: dict) -> None:
    blueprint_id = processed["id"]
    row = db.execute(
        "select status, error, page_count, run_id from blueprints where id = %s", (blueprint_id,)
    ).fetchone()
    assert (row["status"], row["error"], row["page_count"]) == ("completed", None, 2)
    assert row["run_id"] == processed["run"].run_id
    found = counts(db, blueprint_id)
    assert found["pages"] == 2 and found["detections"] > 20 and found["reviewed"] == found["detections"]
    assert (found["bids"], found["proposals"], found["messages"]) == (1, 1, 1)
    lineage = db.execute(
        "select distinct run_id, detector_version, code_version from fixture_detections where blueprint_id = %s",
        (blueprint_id,),
    ).fetchall()
    assert [r["run_id"] for r in lineage] == [processed["run"].run_id]
    bid = db.execute("select * from bids where blueprint_id = %s", (blueprint_id,)).fetchone()
    assert (bid["variant"], bid["run_id"], bid["takeoff_run_id"]) == (
        "base",
        processed["run"].run_id,
        processed["run"].run_id,
    )
    assert bid["detector_version"] and bid["code_version"] and bid["catalog_version"] == 1
    lines = db.execute("select distinct run_id, code_version from bid_lines where bid_id = %s", (bid["id"],)).fetchall()
    assert [r["run_id"] for r in lines] == [processed["run"].run_id] and lines[0]["code_version"]
    proposal = db.execute(
        "select run_id, code_version, data_version from proposals where bid_id = %s", (bid["id"],)
    ).fetchone()
    assert proposal["run_id"] == processed["run"].run_id and proposal["data_version"]


def test_email_has_the_proposal_with_db_numbers(db: psycopg.Connection, processed: dict, smtp_sink) -> None:
    import pymupdf

    from pipelineos.notify.messages import money

    bid = db.execute("select id, total from bids where blueprint_id = %s", (processed["id"],)).fetchone()
    lines = db.execute(
        "select fixture_class, quantity from bid_lines where bid_id = %s order by line_no", (bid["id"],)
    ).fetchall()
    db.commit()
    mails = [m for m in smtp_sink.messages if m["To"] == "customer@example.com"]
    assert len(mails) == 1
    pdfs = [p for p in mails[0].walk() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    with pymupdf.open(stream=io.BytesIO(pdfs[0].get_payload(decode=True)), filetype="pdf") as doc:
        text = " ".join(page.get_text() for page in doc)
    assert money(bid["total"]) in text
    reviewed = db.execute(
        "select fixture_class, count(*) as n from reviewed_takeoff where blueprint_id = %s group by 1",
        (processed["id"],),
    ).fetchall()
    assert {r["fixture_class"]: Decimal(r["n"]) for r in reviewed} == {
        ln["fixture_class"]: ln["quantity"] for ln in lines if ln["fixture_class"]
    }
    flat = " ".join(text.split())
    for line in lines:
        label = line["fixture_class"].replace("_", " ")
        assert label.lower() in flat.lower(), label
        assert str(int(line["quantity"])) in flat


@pytest.fixture(scope="module")
def rematerialized(db_url: str, instance, resources, processed: dict) -> dict:
    """The same partition materialized a second time: the run and the row counts before and after."""
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        before = counts(conn, processed["id"])
        run = materialize_blueprint(instance, resources, processed["id"])
        after = counts(conn, processed["id"])
    assert run.success
    return {"run": run, "before": before, "after": after}


def test_rematerializing_changes_no_row_counts(db: psycopg.Connection, processed: dict, rematerialized: dict) -> None:
    assert rematerialized["after"] == rematerialized["before"]
    runs = db.execute(
        "select distinct run_id from fixture_detections where blueprint_id = %s", (processed["id"],)
    ).fetchall()
    assert [r["run_id"] for r in runs] == [rematerialized["run"].run_id]


def test_second_bid_is_its_own_partition_with_lineage(
    db: psycopg.Connection, instance, resources, processed: dict, rematerialized: dict, smtp_sink
) -> None:
    with connection() as conn:
        bidding.request_bid(conn, processed["id"], variant="acme", customer_email="acme@example.com")
    run = materialize_bid(instance, resources, processed["id"], "acme")
    assert run.success
    bids = db.execute(
        "select variant, status, customer_email, run_id, takeoff_run_id, total from bids where blueprint_id = %s "
        "order by variant",
        (processed["id"],),
    ).fetchall()
    assert [(b["variant"], b["customer_email"]) for b in bids] == [
        ("acme", "acme@example.com"),
        ("base", "customer@example.com"),
    ]
    acme, base = bids
    # the alternate priced the current detections (written by the second run); the base bid was sent after the
    # first run and is kept as it was sent, lineage included
    latest = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("fixture_detections"), asset_partitions=[processed["id"]]),
        limit=1,
    ).records[0]
    assert latest.run_id == rematerialized["run"].run_id != processed["run"].run_id
    assert acme["run_id"] == run.run_id and acme["takeoff_run_id"] == latest.run_id
    assert base["status"] == "sent" and base["run_id"] == base["takeoff_run_id"] == processed["run"].run_id
    assert acme["total"] == base["total"]  # same takeoff, same catalog
    assert any(m["To"] == "acme@example.com" for m in smtp_sink.messages)
    event = instance.get_latest_materialization_event(dg.AssetKey("alternate_bid"))
    assert event.dagster_event.partition == str(bid_key(processed["id"], "acme"))
    assert db.execute("select status from blueprints where id = %s", (processed["id"],)).fetchone()["status"] == (
        "completed"
    )
