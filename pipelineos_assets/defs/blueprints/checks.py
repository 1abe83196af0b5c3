"""Blueprint check: every page of the file was rendered (a page that failed keeps a row with its error)."""

import dagster as dg

from pipelineos.blueprints.processing import repository as repo
from pipelineos_assets.defs.blueprints.assets import blueprint_pages
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.resources import PipelineDatabase


@dg.asset_check(
    asset=blueprint_pages,
    partitions_def=blueprint_partitions,
    description="Every page of the file has a row, and none failed to render (warning: the others still flow).",
)
def every_page_rendered(context: dg.AssetCheckExecutionContext, database: PipelineDatabase) -> dg.AssetCheckResult:
    """Warn when a page is missing or failed to render, naming the pages and their errors."""
    with database.connection() as conn:
        blueprint = repo.blueprint(conn, str(context.partition_key))
        pages = repo.rows(conn, "pages_of", blueprint_id=blueprint["id"])
    errors = [p["error"] for p in pages if p["error"]]
    expected = blueprint["page_count"] or 0
    return dg.AssetCheckResult(
        passed=bool(pages) and len(pages) == expected and not errors,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"pages": len(pages), "page_count": expected, "page_errors": dg.MetadataValue.json(errors)},
    )
