"""Each asset check passes on a processed blueprint and fails (or warns) once its condition is broken."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from test_asset_graph import PIPELINE, materialize_blueprint

from pipelineos.blueprints.processing import delivery
from pipelineos.blueprints.processing.errors import ProcessingError
from pipelineos.blueprints.processing.schedule_check import reconcile
from pipelineos.storage import get_storage
from pipelineos.takeoff.models import Detection, PageTakeoff, ScheduleRow
from pipelineos_assets.defs.bids.checks import bid_total_checks, total_reconciles
from pipelineos_assets.defs.blueprints.checks import every_page_rendered
from pipelineos_assets.defs.proposals.checks import proposal_checks
from pipelineos_assets.defs.takeoff.checks import plumbing_sheets_have_detections


@pytest.fixture(scope="module")
def processed(instance, resources, register: Callable[..., str], plan_set_pdf: Path, smtp_sink) -> dict:
    blueprint_id = register(plan_set_pdf)
    run = materialize_blueprint(instance, resources, blueprint_id)
    assert run.success
    return {"id": blueprint_id, "run": run}


def run_check(instance, resources, check: dg.AssetChecksDefinition, blueprint_id: str) -> dg.AssetCheckEvaluation:
    """Execute one check alone for the blueprint's partition, as the UI's "Execute check" does.

    (``partition_key=`` is refused for a selection without assets; the partition tag is what the UI sets.)
    """
    result = dg.materialize(
        PIPELINE,
        selection=dg.AssetSelection.checks(check),
        tags={"dagster/partition": blueprint_id},
        raise_on_error=False,
        instance=instance,
        resources=resources,
    )
    (evaluation,) = result.get_asset_check_evaluations()
    return evaluation


@contextmanager
def changed(db: psycopg.Connection, change: list[str], undo: list[str], params: dict) -> Iterator[None]:
    """Commit the ``change`` statements for the block, then commit the ``undo`` statements."""
    for statement in change:
        db.execute(statement, params)
    db.commit()
    try:
        yield
    finally:
        for statement in undo:
            db.execute(statement, params)
        db.commit()


def test_every_check_passes_on_a_processed_blueprint(processed: dict) -> None:
    evaluations = {e.check_name: e for e in processed["run"].get_asset_check_evaluations()}
    assert {name: e.passed for name, e in evaluations.items()} == {
        "every_page_rendered": True,
        "plumbing_sheets_have_detections": True,
        "counts_match_schedule": True,
        "bid_total_matches_lines": True,
        "proposal_pdf_opens": True,
    }
    assert evaluations["counts_match_schedule"].severity == dg.AssetCheckSeverity.WARN
    assert evaluations["every_page_rendered"].severity == dg.AssetCheckSeverity.WARN
    assert evaluations["plumbing_sheets_have_detections"].severity == dg.AssetCheckSeverity.ERROR


def test_plumbing_sheet_without_detections_fails(instance, resources, processed: dict, db: psycopg.Connection) -> None:
    params = {"b": processed["id"]}
    with changed(
        db,
        [
            "create table saved_detections as select * from fixture_detections "
            "where blueprint_id = %(b)s and page_index = 1",
            "delete from fixture_detections where blueprint_id = %(b)s and page_index = 1",
        ],
        ["insert into fixture_detections select * from saved_detections", "drop table saved_detections"],
        params,
    ):
        evaluation = run_check(instance, resources, plumbing_sheets_have_detections, processed["id"])
    assert not evaluation.passed
    assert evaluation.metadata["sheets_without_detections"].value == ["P-102"]
    assert run_check(instance, resources, plumbing_sheets_have_detections, processed["id"]).passed


def test_page_that_failed_to_render_warns(instance, resources, processed: dict, db: psycopg.Connection) -> None:
    params = {"b": processed["id"]}
    with changed(
        db,
        ["update blueprint_pages set error = 'page 2: cannot render' where blueprint_id = %(b)s and page_index = 1"],
        ["update blueprint_pages set error = null where blueprint_id = %(b)s"],
        params,
    ):
        evaluation = run_check(instance, resources, every_page_rendered, processed["id"])
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    assert evaluation.metadata["page_errors"].value == ["page 2: cannot render"]


def test_bid_total_off_by_a_cent_fails(instance, resources, processed: dict, db: psycopg.Connection) -> None:
    params = {"b": processed["id"]}
    with changed(
        db,
        ["update bids set total = total + 0.01 where blueprint_id = %(b)s and variant = 'base'"],
        ["update bids set total = total - 0.01 where blueprint_id = %(b)s and variant = 'base'"],
        params,
    ):
        evaluation = run_check(instance, resources, bid_total_checks[0], processed["id"])
    assert not evaluation.passed
    metadata = {k: v.value for k, v in evaluation.metadata.items()}
    assert float(metadata["total"]) == pytest.approx(float(metadata["expected_total"]) + 0.01)
    assert run_check(instance, resources, bid_total_checks[0], processed["id"]).passed


def test_proposal_pdf_that_does_not_open_fails(instance, resources, processed: dict, db: psycopg.Connection) -> None:
    broken = get_storage().put_bytes(b"%PDF-1.7\nthis is not a proposal\n").sha256
    original = db.execute(
        "select p.pdf_sha256 from proposals p join bids b on b.id = p.bid_id where b.blueprint_id = %s",
        (processed["id"],),
    ).fetchone()["pdf_sha256"]
    db.commit()
    update = (
        "update proposals set pdf_sha256 = %(sha)s where bid_id = "
        "(select id from bids where blueprint_id = %(b)s and variant = 'base')"
    )
    db.execute(update, {"b": processed["id"], "sha": broken})
    db.commit()
    try:
        evaluation = run_check(instance, resources, proposal_checks[0], processed["id"])
    finally:
        db.execute(update, {"b": processed["id"], "sha": original})
        db.commit()
    assert not evaluation.passed and "does not open" in evaluation.metadata["error"].value
    assert evaluation.blocking
    assert run_check(instance, resources, proposal_checks[0], processed["id"]).passed


def _page(index: int, classes: list[str], schedule: list[tuple[str, str, int | None]] = ()) -> PageTakeoff:
    return PageTakeoff(
        index=index,
        width_pt=1.0,
        height_pt=1.0,
        is_vector=True,
        fixtures=[Detection(c, (0.1, 0.1, 0.2, 0.2), 0.9, "tag", index) for c in classes],
        schedule=[ScheduleRow(tag, cls, quantity=qty) for tag, cls, qty in schedule],
    )


WC, LAV = "water_closet", "lavatory"


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ([_page(0, [WC, WC], [("WC-1", WC, 2)])], (True, "set", [])),
        # a schedule per sheet, each read against its own sheet
        (
            [_page(0, [WC], [("WC-1", WC, 1)]), _page(1, [LAV], [("LAV-1", LAV, 2)])],
            (False, "sheet", ["page 2: lavatory: schedule total 2, takeoff counted 1"]),
        ),
        ([_page(0, [WC], [("WC-1", WC, 1)]), _page(1, [LAV, LAV], [("LAV-1", LAV, 2)])], (True, "sheet", [])),
        # one schedule repeated on every sheet counts once for the set …
        ([_page(0, [WC], [("WC-1", WC, 2)]), _page(1, [WC], [("WC-1", WC, 2)])], (True, "set", [])),
        # … unless every sheet matches it on its own (identical floors)
        ([_page(0, [WC, WC], [("WC-1", WC, 2)]), _page(1, [WC, WC], [("WC-1", WC, 2)])], (True, "set", [])),
        (
            [_page(0, [WC], [("WC-1", WC, 3)]), _page(1, [WC], [("WC-1", WC, 3)])],
            (False, "set", ["water_closet: schedule total 3, takeoff counted 2"]),
        ),
        # a schedule sheet without fixtures, plans without a schedule
        ([_page(0, [], [("WC-1", WC, 2)]), _page(1, [WC]), _page(2, [WC])], (True, "set", [])),
        ([_page(0, [LAV], [("LAV-1", LAV, None)])], (True, "set", [])),  # no quantity: nothing to compare
        ([_page(0, ["urinal"])], (True, "none", [])),
    ],
)
def test_schedule_reconciliation(pages: list[PageTakeoff], expected: tuple[bool, str, list[str]]) -> None:
    result = reconcile(pages)
    assert (result.passed, result.scope, result.mismatches) == expected


TOTALS = {
    "material_cost": "60.00",
    "labor_cost": "40.00",
    "lines_total": "100.00",
    "overhead": "10.00",
    "markup": "16.50",
    "contingency": "3.80",
    "tax": "4.95",
    "rounding": "0",
    "total": "135.25",
    "line_count": 2,
}
NO_LINES = {k: "0" for k in TOTALS} | {"line_count": 0}


@pytest.mark.parametrize(
    ("totals", "passed"),
    [
        (TOTALS, True),
        (TOTALS | {"total": "135.26"}, False),  # a cent off
        (TOTALS | {"lines_total": "99.99", "total": "135.24"}, False),  # lines do not sum to material + labor
        (NO_LINES, False),  # a bid without lines
    ],
)
def test_bid_total_reconciles(totals: dict, passed: bool) -> None:
    ok, metadata = total_reconciles({k: v if k == "line_count" else Decimal(v) for k, v in totals.items()})
    assert ok is passed and metadata["total"] == totals["total"]


def test_pdf_check_refuses_a_broken_pdf(app_env) -> None:
    broken = get_storage().put_bytes(b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(ProcessingError, match=r"does not open|no pages"):
        delivery.check_pdf(broken.sha256)
