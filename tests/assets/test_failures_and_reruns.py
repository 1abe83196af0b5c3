"""Bad input fails one partition with a readable reason on the blueprint; a re-run brings it to completed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from test_asset_graph import materialize_blueprint

from pipelineos.blueprints.processing import delivery
from pipelineos.blueprints.processing.errors import ProcessingError
from pipelineos.storage import get_storage
from pipelineos_assets.defs.bids.checks import total_reconciles


def _status(db: psycopg.Connection, blueprint_id: str) -> tuple[str, str | None]:
    row = db.execute("select status, error from blueprints where id = %s", (blueprint_id,)).fetchone()
    db.commit()
    return row["status"], row["error"]


def test_corrupt_pdf_fails_only_its_blueprint(
    instance,
    resources,
    register: Callable[..., str],
    tmp_path: Path,
    plan_set_pdf: Path,
    db: psycopg.Connection,
    smtp_sink,
) -> None:
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj <</Type /Catalog>> garbage, no xref, no trailer\n")
    good = tmp_path / "good.pdf"
    good.write_bytes(plan_set_pdf.read_bytes() + b"\n%good copy\n")
    bad_id, good_id = register(corrupt), register(good)
    run = materialize_blueprint(instance, resources, bad_id)
    assert not run.success
    status, error = _status(db, bad_id)
    assert status == "failed"
    assert "cannot be read" in error and "Traceback" not in error
    failure = next(e for e in run.all_events if e.event_type_value == "STEP_FAILURE")
    assert bad_id in failure.step_failure_data.error.message
    assert materialize_blueprint(instance, resources, good_id).success
    assert _status(db, good_id) == ("completed", None)


def test_vanished_file_fails_then_rerun_completes(
    instance,
    resources,
    register: Callable[..., str],
    tmp_path: Path,
    plan_set_pdf: Path,
    db: psycopg.Connection,
    smtp_sink,
) -> None:
    path = tmp_path / "vanishing.pdf"
    path.write_bytes(plan_set_pdf.read_bytes() + b"\n%vanishing copy\n")
    blueprint_id = register(path)
    sha = db.execute("select sha256 from blueprints where id = %s", (blueprint_id,)).fetchone()["sha256"].strip()
    db.commit()
    get_storage().path_for(sha).unlink()
    assert not materialize_blueprint(instance, resources, blueprint_id).success
    status, error = _status(db, blueprint_id)
    assert status == "failed" and "missing from storage" in error and "vanishing.pdf" in error
    get_storage().put_file(path)  # the operator restores the file, then re-runs the partition
    assert materialize_blueprint(instance, resources, blueprint_id).success
    assert _status(db, blueprint_id) == ("completed", None)


def test_malformed_review_decision_fails_with_its_id(
    instance,
    resources,
    register: Callable[..., str],
    tmp_path: Path,
    plan_set_pdf: Path,
    seeded,
    db: psycopg.Connection,
    smtp_sink,
) -> None:
    path = tmp_path / "reviewed.pdf"
    path.write_bytes(plan_set_pdf.read_bytes() + b"\n%reviewed copy\n")
    blueprint_id = register(path)
    decision = db.execute(
        "insert into review_decisions (organization_id, blueprint_id, action, fixture_class, page_index) "
        "values (%s, %s, 'add', 'hot_tub', 0) returning id::text as id",
        (seeded["organization_id"], blueprint_id),
    ).fetchone()["id"]
    db.commit()
    assert not materialize_blueprint(instance, resources, blueprint_id).success
    status, error = _status(db, blueprint_id)
    assert status == "failed" and decision in error and "hot_tub" in error


@pytest.mark.parametrize(
    ("totals", "passed"),
    [
        (
            {
                "lines_total": "100.00",
                "material_cost": "60.00",
                "labor_cost": "40.00",
                "overhead": "10.00",
                "markup": "16.50",
                "contingency": "3.80",
                "tax": "4.95",
                "rounding": "0",
                "total": "135.25",
                "line_count": 2,
            },
            True,
        ),
        (
            {
                "lines_total": "100.00",
                "material_cost": "60.00",
                "labor_cost": "40.00",
                "overhead": "10.00",
                "markup": "16.50",
                "contingency": "3.80",
                "tax": "4.95",
                "rounding": "0",
                "total": "135.26",
                "line_count": 2,
            },
            False,
        ),
        (
            {
                "lines_total": "99.99",
                "material_cost": "60.00",
                "labor_cost": "40.00",
                "overhead": "0",
                "markup": "0",
                "contingency": "0",
                "tax": "0",
                "rounding": "0.01",
                "total": "100.00",
                "line_count": 2,
            },
            False,
        ),
        (
            {
                "lines_total": "0",
                "material_cost": "0",
                "labor_cost": "0",
                "overhead": "0",
                "markup": "0",
                "contingency": "0",
                "tax": "0",
                "rounding": "0",
                "total": "0",
                "line_count": 0,
            },
            False,
        ),
    ],
)
def test_bid_total_check(totals: dict, passed: bool) -> None:
    ok, metadata = total_reconciles({k: v if k == "line_count" else Decimal(v) for k, v in totals.items()})
    assert ok is passed
    assert metadata["total"] == totals["total"]


def test_proposal_check_refuses_a_broken_pdf() -> None:
    broken = get_storage().put_bytes(b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(ProcessingError, match=r"does not open|no pages"):
        delivery.check_pdf(broken.sha256)


def test_definitions_load_with_running_sensors_and_schedules() -> None:
    from pipelineos_assets.definitions import defs

    dg.Definitions.validate_loadable(defs)
    jobs = {j.name for j in defs.resolve_all_job_defs()}
    assert {
        "process_blueprint",
        "price_and_send_bid",
        "outbox_retry_job",
        "lead_follow_up_job",
        "stale_bid_reminder_job",
    } <= jobs
    sensors = {s.name: s.default_status for s in defs.sensors}
    assert set(sensors) >= {
        "upload_sensor",
        "bid_request_sensor",
        "review_completed_sensor",
        "blueprint_run_failure_sensor",
    }
    assert set(sensors.values()) == {dg.DefaultSensorStatus.RUNNING}
    assert all(s.default_status == dg.DefaultScheduleStatus.RUNNING for s in defs.schedules)
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} >= {
        "blueprint_file",
        "blueprint_pages",
        "sheet_index",
        "fixture_detections",
        "reviewed_takeoff",
        "priced_bid",
        "proposal_pdf",
        "sent_proposal",
        "alternate_bid",
        "alternate_proposal_pdf",
        "sent_alternate_proposal",
    }
    assert graph.get(dg.AssetKey("priced_bid")).parent_keys == {dg.AssetKey("reviewed_takeoff")}
    assert graph.get(dg.AssetKey("alternate_bid")).parent_keys == {dg.AssetKey("reviewed_takeoff")}
