"""Takeoff check: every plumbing plan sheet has at least one detected fixture."""

import dagster as dg

from pipelineos.blueprints.processing import repository as repo
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.defs.takeoff.assets import fixture_detections
from pipelineos_assets.resources import PipelineDatabase


@dg.asset_check(
    asset=fixture_detections,
    partitions_def=blueprint_partitions,
    description="Every plumbing plan sheet has at least one detected fixture.",
)
def plumbing_sheets_have_detections(
    context: dg.AssetCheckExecutionContext, database: PipelineDatabase
) -> dg.AssetCheckResult:
    """Fail when a sheet classified as a plumbing plan has no detection (a missed sheet, or a wrong class)."""
    with database.connection() as conn:
        empty = repo.rows(conn, "plumbing_sheets_without_detections", blueprint_id=context.partition_key)
    return dg.AssetCheckResult(
        passed=not empty,
        metadata={
            "sheets_without_detections": dg.MetadataValue.json(
                [r["sheet_number"] or f"page {r['page_index'] + 1}" for r in empty]
            )
        },
    )
