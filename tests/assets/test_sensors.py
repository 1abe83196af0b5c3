"""Sensors: uploads (cursor, run keys, dynamic partitions), bid requests and review decisions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from pipelineos.blueprints.processing import bidding
from pipelineos.db.pool import connection
from pipelineos_assets.cursor import LOOKBACK, WindowCursor
from pipelineos_assets.defs.bids.sensors import bid_request_sensor, review_completed_sensor
from pipelineos_assets.defs.blueprints.sensors import upload_sensor


@pytest.fixture()
def copies(tmp_path: Path, plan_set_pdf: Path) -> Callable[[int], list[Path]]:
    """Distinct files (different bytes, so different sha256) made from the plan set."""

    def make(n: int) -> list[Path]:
        out = []
        for i in range(n):
            path = tmp_path / f"copy-{i}.pdf"
            path.write_bytes(plan_set_pdf.read_bytes() + f"\n%copy {tmp_path.name} {i}\n".encode())
            out.append(path)
        return out

    return make


def _tick(sensor: dg.SensorDefinition, instance: dg.DagsterInstance, resources: dict, cursor: str | None):
    with dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources) as context:
        return sensor(context)


def test_upload_sensor_requests_each_upload_once(instance, resources, register, copies) -> None:
    first = _tick(upload_sensor, instance, resources, None)
    baseline = [r.partition_key for r in first.run_requests or []]
    ids = [register(path) for path in copies(2)]
    result = _tick(upload_sensor, instance, resources, first.cursor)
    assert [r.partition_key for r in result.run_requests] == ids
    with connection() as conn:
        shas = [
            conn.execute("select sha256 from blueprints where id = %s", (i,)).fetchone()["sha256"].strip() for i in ids
        ]
    assert [r.run_key for r in result.run_requests] == [f"{i}:{s}" for i, s in zip(ids, shas, strict=True)]
    assert all(r.tags["pipelineos/blueprint"] == i for r, i in zip(result.run_requests, ids, strict=True))
    (added,) = result.dynamic_partitions_requests
    assert added.partitions_def_name == "blueprints" and list(added.partition_keys) == ids
    assert set(ids) <= set(json.loads(result.cursor)["seen"])
    # the next tick from the new cursor finds nothing; a restart from the old cursor gives the same run keys
    assert not _tick(upload_sensor, instance, resources, result.cursor).run_requests
    replay = _tick(upload_sensor, instance, resources, first.cursor)
    assert [r.run_key for r in replay.run_requests] == [r.run_key for r in result.run_requests]
    assert not set(baseline) & set(ids)


def test_upload_sensor_finds_an_upload_committed_late(
    instance, resources, register, copies, db: psycopg.Connection
) -> None:
    """A row stamped before the cursor's newest upload but committed after it is still requested, once."""
    first, second = copies(2)
    _tick(upload_sensor, instance, resources, None)
    newer = register(first)
    cursor = _tick(upload_sensor, instance, resources, None).cursor
    late = register(second)
    db.execute(
        "update blueprints set created_at = (select created_at from blueprints where id = %s) - interval '2 minutes' "
        "where id = %s",
        (newer, late),
    )
    db.commit()
    result = _tick(upload_sensor, instance, resources, cursor)
    assert [r.partition_key for r in result.run_requests] == [late]
    assert not _tick(upload_sensor, instance, resources, result.cursor).run_requests


def test_upload_sensor_skips_non_pending(instance, resources, register, copies, db: psycopg.Connection) -> None:
    start = _tick(upload_sensor, instance, resources, None).cursor
    (path,) = copies(1)
    done = register(path)
    db.execute("update blueprints set status = 'completed' where id = %s", (done,))
    db.commit()
    result = _tick(upload_sensor, instance, resources, start)
    assert done not in [r.partition_key for r in result.run_requests or []]


def test_bid_request_sensor_one_run_per_bid(instance, resources, register, copies) -> None:
    start = _tick(bid_request_sensor, instance, resources, None).cursor
    a, b = (register(p) for p in copies(2))
    with connection() as conn:
        bidding.request_bid(conn, a, variant="base")
        bidding.request_bid(conn, a, variant="alt-1", customer_email="other@example.com")
        bidding.request_bid(conn, a, variant="base", reason="again")  # supersedes the first within the tick
        bidding.request_bid(conn, b, variant="base", send_proposal=False, reason="review")
    result = _tick(bid_request_sensor, instance, resources, start)
    runs = {}
    for r in result.run_requests:
        if r.job_name == "price_and_send_bid":
            dims = r.partition_key.keys_by_dimension
            runs[(dims["blueprint"], dims["bid"])] = r
        else:  # a base bid is re-priced in the blueprint's own job, base-bid assets only
            assert r.job_name == "process_blueprint"
            assert r.asset_selection == [dg.AssetKey(k) for k in ("priced_bid", "proposal_pdf", "sent_proposal")]
            runs[(r.partition_key, "base")] = r
    found = sorted((*key, r.tags["pipelineos/send"], r.tags["pipelineos/reason"]) for key, r in runs.items())
    assert found == sorted(
        [(a, "base", "true", "again"), (a, "alt-1", "true", "request"), (b, "base", "false", "review")]
    )
    variants = next(r for r in result.dynamic_partitions_requests if r.partitions_def_name == "bid_variants")
    assert sorted(variants.partition_keys) == ["alt-1", "base"]
    assert not _tick(bid_request_sensor, instance, resources, result.cursor).run_requests


def test_review_sensor_recomputes_the_reviewed_takeoff(
    instance, resources, register, copies, seeded, db: psycopg.Connection
) -> None:
    start = _tick(review_completed_sensor, instance, resources, None).cursor
    (path,) = copies(1)
    blueprint_id = register(path)
    db.execute(
        "insert into review_decisions (organization_id, blueprint_id, action, fixture_class, page_index) "
        "values (%s, %s, 'add', 'floor_drain', 0)",
        (seeded["organization_id"], blueprint_id),
    )
    db.commit()
    result = _tick(review_completed_sensor, instance, resources, start)
    (request,) = [r for r in result.run_requests if r.partition_key == blueprint_id]
    assert request.asset_selection == [
        dg.AssetKey(k) for k in ("reviewed_takeoff", "priced_bid", "proposal_pdf", "sent_proposal")
    ]
    assert request.tags["pipelineos/reason"] == "review" and request.tags["pipelineos/send"] == "false"
    assert not [
        r
        for r in _tick(review_completed_sensor, instance, resources, result.cursor).run_requests or []
        if r.partition_key == blueprint_id
    ]


def test_bad_variant_is_refused(register, copies) -> None:
    (path,) = copies(1)
    blueprint_id = register(path)
    with connection() as conn, pytest.raises(Exception, match="bid variant 'Not OK!'"):
        bidding.request_bid(conn, blueprint_id, variant="Not OK!")


def test_window_cursor_keeps_only_keys_within_the_lookback() -> None:
    start = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    cursor = WindowCursor.parse(None).advance([("a", start), ("b", start + dt.timedelta(minutes=1))])
    assert cursor.since == start + dt.timedelta(minutes=1) - LOOKBACK and cursor.seen_keys == ["a", "b"]
    later = WindowCursor.parse(cursor.dumps()).advance([("c", start + LOOKBACK + dt.timedelta(seconds=30))])
    assert later.seen_keys == ["b", "c"]  # "a" is older than the window: the query no longer reaches it
    assert later.newest == start + LOOKBACK + dt.timedelta(seconds=30)
    assert WindowCursor.parse(later.dumps()) == later
    assert later.advance([]) == later
