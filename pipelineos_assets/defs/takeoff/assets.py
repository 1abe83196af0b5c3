"""Fixture detections (takeoff engine on every page) → reviewed takeoff (review decisions applied)."""

from collections.abc import Iterator

import dagster as dg
import polars as pl

from pipelineos.blueprints.processing import bidding, schedule_check, steps
from pipelineos.blueprints.processing.detections import page_notes
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.defs.takeoff.resources import TakeoffEngine
from pipelineos_assets.guard import TAGS_REASON, run_id_of, run_step

SCHEDULE_CHECK = "counts_match_schedule"


@dg.asset(
    partitions_def=blueprint_partitions,
    group_name="takeoff",
    kinds={"python", "polars", "postgres"},
    deps=[dg.AssetKey("sheet_index")],
    io_manager_key="postgres_io_manager",
    code_version="1",
    metadata={"table": "fixture_detections", "partition_column": "blueprint_id"},
    check_specs=[
        dg.AssetCheckSpec(
            SCHEDULE_CHECK,
            asset="fixture_detections",
            description="Counted fixtures reconcile with the drawing's fixture schedule.",
        )
    ],
)
def fixture_detections(context: dg.AssetExecutionContext, takeoff_engine: TakeoffEngine) -> Iterator[object]:
    """Fixtures found on every page by the takeoff engine (pages in parallel), with stable ids and lineage."""
    blueprint_id = context.partition_key
    takeoffs, frame = run_step(
        context,
        blueprint_id,
        steps.detect,
        blueprint_id,
        run_id_of(context),
        workers=takeoff_engine.worker_count(),
        provider_name=takeoff_engine.ai_provider or None,
    )
    counts = frame.group_by("fixture_class").len().sort("fixture_class")
    yield dg.Output(
        frame,
        metadata={
            "detections": frame.height,
            "pages": len(takeoffs),
            "counts": dg.MetadataValue.json(dict(counts.iter_rows())),
            "page_errors": dg.MetadataValue.json([t.error for t in takeoffs if t.error]),
            "page_notes": dg.MetadataValue.json(page_notes(takeoffs)),
        },
    )
    result = schedule_check.reconcile(takeoffs)
    yield dg.AssetCheckResult(
        check_name=SCHEDULE_CHECK,
        passed=result.passed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "scope": result.scope,
            "schedule_rows": result.schedule_rows,
            "mismatches": dg.MetadataValue.json(result.mismatches),
        },
    )


@dg.asset(
    partitions_def=blueprint_partitions,
    group_name="takeoff",
    kinds={"python", "polars", "postgres"},
    io_manager_key="postgres_io_manager",
    code_version="1",
    metadata={"table": "reviewed_takeoff", "partition_column": "blueprint_id"},
)
def reviewed_takeoff(context: dg.AssetExecutionContext, fixture_detections: pl.DataFrame) -> pl.DataFrame:
    """Detections with the estimator's review decisions applied; requests re-pricing of further bids."""
    blueprint_id = context.partition_key
    frame = run_step(context, blueprint_id, steps.reviewed_takeoff, blueprint_id, run_id_of(context))
    reason = context.run.tags.get(TAGS_REASON, "takeoff")
    requests = run_step(context, blueprint_id, bidding.request_repricing, blueprint_id, reason=reason)
    counts = frame.group_by("fixture_class").len().sort("fixture_class")
    context.add_output_metadata(
        {
            "fixtures": frame.height,
            "detected": fixture_detections.height,
            "counts": dg.MetadataValue.json(dict(counts.iter_rows())),
            "bid_requests": dg.MetadataValue.json([f"{r['variant']}#{r['seq']}" for r in requests]),
        }
    )
    return frame
