"""Blueprint file → rendered pages → sheet index, one partition per blueprint."""

import dagster as dg

from pipelineos.blueprints.processing import steps
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.defs.takeoff.resources import TakeoffEngine
from pipelineos_assets.guard import run_id_of, run_step


@dg.asset(
    partitions_def=blueprint_partitions,
    group_name="blueprints",
    kinds={"python", "postgres"},
    code_version="1",
)
def blueprint_file(context: dg.AssetExecutionContext, takeoff_engine: TakeoffEngine) -> dg.MaterializeResult:
    """The uploaded drawing in content-addressed storage; marks the blueprint processing under this run."""
    blueprint_id = context.partition_key
    workers = takeoff_engine.worker_count()
    row = run_step(context, blueprint_id, steps.start, blueprint_id, run_id_of(context), workers=workers)
    return dg.MaterializeResult(
        metadata={
            "original_name": row["original_name"],
            "content_type": row["content_type"],
            "size_bytes": row["size_bytes"],
            "sha256": row["sha256"],
        },
        data_version=dg.DataVersion(row["sha256"][:16]),
    )


@dg.asset(
    partitions_def=blueprint_partitions,
    group_name="blueprints",
    kinds={"python", "postgres"},
    deps=[blueprint_file],
    code_version="1",
)
def blueprint_pages(context: dg.AssetExecutionContext, takeoff_engine: TakeoffEngine) -> dg.MaterializeResult:
    """Every page rendered to PNG and its vector words, in storage; rows in blueprint_pages (all cores)."""
    blueprint_id = context.partition_key
    rows = run_step(
        context,
        blueprint_id,
        steps.write_pages,
        blueprint_id,
        run_id_of(context),
        dpi=takeoff_engine.dpi(),
        workers=takeoff_engine.worker_count(),
    )
    errors = [r["error"] for r in rows if r["error"]]
    return dg.MaterializeResult(
        metadata={
            "pages": len(rows),
            "page_errors": dg.MetadataValue.json(errors),
            "render_dpi": takeoff_engine.dpi(),
        }
    )


@dg.asset(
    partitions_def=blueprint_partitions,
    group_name="blueprints",
    kinds={"python", "postgres"},
    deps=[blueprint_pages],
    code_version="1",
)
def sheet_index(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Sheet number, title, discipline and kind of each page, read from its title block."""
    blueprint_id = context.partition_key
    infos = run_step(context, blueprint_id, steps.index_sheets, blueprint_id)
    table = "| page | sheet | discipline | kind |\n|---|---|---|---|\n" + "\n".join(
        f"| {i.page_index + 1} | {i.sheet_number or ''} | {i.discipline or ''} | {i.sheet_kind or ''} |" for i in infos
    )
    return dg.MaterializeResult(metadata={"sheets": len(infos), "index": dg.MetadataValue.md(table)})
