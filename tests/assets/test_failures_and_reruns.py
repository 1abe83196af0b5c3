"""Bad input fails one partition with a readable reason on the blueprint; a re-run brings it to completed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from test_asset_graph import PIPELINE, materialize_blueprint

from pipelineos.storage import get_storage
from pipelineos_assets import guard
from pipelineos_assets.defs.blueprints.assets import blueprint_file, blueprint_pages, sheet_index
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.defs.failures import blueprint_run_failure_sensor
from pipelineos_assets.guard import run_step


def _status(db: psycopg.Connection, blueprint_id: str) -> tuple[str, str | None]:
    row = db.execute("select status, error from blueprints where id = %s", (blueprint_id,)).fetchone()
    db.commit()
    return row["status"], row["error"]


def _failure(run: dg.ExecuteInProcessResult) -> tuple[str, str]:
    """The failed step and its message (what the Dagster UI shows for the run)."""
    failure = next(e for e in run.all_events if e.event_type_value == "STEP_FAILURE")
    return failure.step_key or "", failure.step_failure_data.error.message


def _footprint(db: psycopg.Connection, blueprint_id: str) -> dict:
    """Everything a run writes for one blueprint: status, error, row counts and the run ids on them."""
    row = db.execute(
        "select b.status, b.error, b.completed_at,"
        " (select count(*) from blueprint_pages p where p.blueprint_id = b.id) as pages,"
        " (select count(*) from fixture_detections d where d.blueprint_id = b.id) as detections,"
        " (select array_agg(distinct d.run_id) from fixture_detections d where d.blueprint_id = b.id) as runs,"
        " (select count(*) from reviewed_takeoff r where r.blueprint_id = b.id) as reviewed,"
        " (select array_agg(x.total order by x.id) from bids x where x.blueprint_id = b.id) as bids,"
        " (select count(*) from proposals p join bids x on x.id = p.bid_id where x.blueprint_id = b.id) as proposals"
        " from blueprints b where b.id = %s",
        (blueprint_id,),
    ).fetchone()
    db.commit()
    return dict(row)


@pytest.fixture(scope="module")
def bystander(instance, resources, register: Callable[..., str], tmp_path_factory, plan_set_pdf: Path, smtp_sink):
    """A blueprint processed to ``completed`` before the bad ones, with its footprint; no bad run may touch it."""
    path = tmp_path_factory.mktemp("bystander") / "bystander.pdf"
    path.write_bytes(plan_set_pdf.read_bytes() + b"\n%bystander copy\n")
    blueprint_id = register(path)
    assert materialize_blueprint(instance, resources, blueprint_id).success
    return blueprint_id


@pytest.fixture
def unaffected(bystander: str, db: psycopg.Connection) -> Iterator[None]:
    """Assert after the test that the bystander blueprint is still completed with exactly the rows it had."""
    before = _footprint(db, bystander)
    assert before["status"] == "completed" and before["detections"] > 0 and before["proposals"] == 1
    yield
    assert _footprint(db, bystander) == before


def test_corrupt_pdf_fails_only_its_blueprint(
    unaffected,
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
    unaffected,
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
    run = materialize_blueprint(instance, resources, blueprint_id)
    assert not run.success
    step, message = _failure(run)
    assert step == "blueprint_file" and blueprint_id in message and "missing from storage" in message
    status, error = _status(db, blueprint_id)
    assert status == "failed" and "missing from storage" in error and "vanishing.pdf" in error
    assert "upload it again" in error
    get_storage().put_file(path)  # the operator restores the file, then re-runs the partition
    assert materialize_blueprint(instance, resources, blueprint_id).success
    assert _status(db, blueprint_id) == ("completed", None)


@pytest.mark.parametrize(
    ("fixture_class", "page_index", "cause"),
    [("hot_tub", 0, "unknown fixture class 'hot_tub'"), ("lavatory", 41, "is on page 42, but the drawing has 2")],
)
def test_malformed_review_decision_fails_with_its_id(
    unaffected,
    fixture_class: str,
    page_index: int,
    cause: str,
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
    path.write_bytes(plan_set_pdf.read_bytes() + f"\n%reviewed copy {fixture_class}\n".encode())
    blueprint_id = register(path)
    decision = db.execute(
        "insert into review_decisions (organization_id, blueprint_id, action, fixture_class, page_index) "
        "values (%s, %s, 'add', %s, %s) returning id::text as id",
        (seeded["organization_id"], blueprint_id, fixture_class, page_index),
    ).fetchone()["id"]
    db.commit()
    run = materialize_blueprint(instance, resources, blueprint_id)
    assert not run.success
    step, message = _failure(run)
    assert step == "reviewed_takeoff" and blueprint_id in message and decision in message and cause in message
    status, error = _status(db, blueprint_id)
    assert status == "failed" and decision in error and cause in error
    bids = db.execute("select count(*) as n from bids where blueprint_id = %s", (blueprint_id,)).fetchone()
    db.commit()
    assert bids["n"] == 0  # nothing was priced from a takeoff the decision broke


def test_blueprint_deleted_mid_run_fails_naming_it(
    unaffected,
    instance,
    resources,
    register: Callable[..., str],
    tmp_path: Path,
    plan_set_pdf: Path,
    db: psycopg.Connection,
) -> None:
    path = tmp_path / "deleted.pdf"
    path.write_bytes(plan_set_pdf.read_bytes() + b"\n%deleted copy\n")
    blueprint_id = register(path)
    instance.add_dynamic_partitions("blueprints", [blueprint_id])
    rendered = dg.AssetSelection.assets(blueprint_file, blueprint_pages, sheet_index)
    options = {"partition_key": blueprint_id, "instance": instance, "resources": resources, "raise_on_error": False}
    assert dg.materialize(PIPELINE, selection=rendered, **options).success
    db.execute("delete from blueprints where id = %s", (blueprint_id,))
    db.commit()
    rest = dg.materialize(PIPELINE, selection=dg.AssetSelection.all() - rendered, **options)
    assert not rest.success
    step, message = _failure(rest)
    assert step == "fixture_detections"
    assert blueprint_id in message and "deleted" in message and "Traceback" not in message
    left = db.execute("select count(*) as n from blueprint_pages where blueprint_id = %s", (blueprint_id,)).fetchone()
    assert left["n"] == 0


def test_run_failure_sensor_marks_a_blueprint_left_processing(
    instance, resources, register: Callable[..., str], tmp_path: Path, db: psycopg.Connection
) -> None:
    """A run that died without its asset marking the blueprint (a crash) still leaves it ``failed``."""
    corrupt = tmp_path / "crashed.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n%crashed\n1 0 obj <</Type /Catalog>> no xref\n")
    blueprint_id = register(corrupt)
    run = materialize_blueprint(instance, resources, blueprint_id)
    assert not run.success
    db.execute("update blueprints set status = 'processing', error = null where id = %s", (blueprint_id,))
    db.commit()
    context = dg.build_run_status_sensor_context(
        sensor_name=blueprint_run_failure_sensor.name,
        dagster_event=run.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(run.run_id),
    ).for_run_failure()
    blueprint_run_failure_sensor(context)
    status, error = _status(db, blueprint_id)
    assert status == "failed" and f"run {run.run_id} failed" in error
    db.execute("delete from blueprints where id = %s", (blueprint_id,))
    db.commit()
    blueprint_run_failure_sensor(context)  # the blueprint is gone: nothing to mark, and no error


def _flaky_asset(blueprint_id: str, attempts: list[int], failures: int, error: Exception) -> dg.AssetsDefinition:
    """An asset whose step raises ``error`` on its first ``failures`` attempts, through ``run_step``."""

    @dg.asset(partitions_def=blueprint_partitions, name=f"flaky_{len(attempts)}_{failures}")
    def flaky(context):  # unannotated: this module's string annotations are not types Dagster can read
        def step() -> int:
            attempts.append(context.retry_number)
            if len(attempts) <= failures:
                raise error
            return len(attempts)

        return run_step(context, blueprint_id, step)

    return flaky


@pytest.mark.parametrize(
    ("failures", "error", "attempts", "succeeds"),
    [
        (2, ConnectionResetError("SMTP connection reset by peer"), [0, 1, 2], True),
        (9, ConnectionResetError("SMTP connection reset by peer"), [0, 1, 2, 3], False),  # retries run out
        (1, ValueError("bad value"), [0], False),  # not transient: no retry
    ],
)
def test_transient_errors_are_retried_with_backoff(
    instance,
    register: Callable[..., str],
    tmp_path: Path,
    plan_set_pdf: Path,
    db: psycopg.Connection,
    monkeypatch: pytest.MonkeyPatch,
    failures: int,
    error: Exception,
    attempts: list[int],
    succeeds: bool,
) -> None:
    monkeypatch.setattr(guard, "BASE_DELAY_SECONDS", 0.05)
    path = tmp_path / "flaky.pdf"
    path.write_bytes(plan_set_pdf.read_bytes() + f"\n%flaky {failures} {error}\n".encode())
    blueprint_id = register(path)
    instance.add_dynamic_partitions("blueprints", [blueprint_id])
    seen: list[int] = []
    result = dg.materialize(
        [_flaky_asset(blueprint_id, seen, failures, error)],
        partition_key=blueprint_id,
        instance=instance,
        raise_on_error=False,
    )
    assert (result.success, seen) == (succeeds, attempts)
    retries = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert len(retries) == len(attempts) - 1
    status, message = _status(db, blueprint_id)
    if succeeds:
        assert (status, message) == ("pending", None)
    else:
        assert status == "failed" and type(error).__name__ in message and str(error) in message
