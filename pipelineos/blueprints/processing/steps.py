"""The processing steps of one blueprint, each a short transaction; Dagster assets and ``ingest`` call these.

Every step takes the blueprint id and opens its own pooled connection, so a step can be retried alone and a
failure in one blueprint never touches another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from pipelineos.blueprints.processing import detections as det
from pipelineos.blueprints.processing import frames, pages, review, sheets
from pipelineos.blueprints.processing import repository as repo
from pipelineos.blueprints.processing.errors import BlueprintGone, ProcessingError, describe
from pipelineos.blueprints.processing.parallel import prestart, worker_count
from pipelineos.blueprints.processing.versions import data_version
from pipelineos.db.pool import connection
from pipelineos.storage import get_storage
from pipelineos.takeoff.models import PageTakeoff

Progress = Callable[[int, int], None]


def load(blueprint_id: str) -> dict[str, Any]:
    """The blueprint row (BlueprintGone when deleted)."""
    with connection() as conn:
        return repo.blueprint(conn, blueprint_id)


def start(blueprint_id: str, run_id: str | None, *, workers: int | None = None) -> dict[str, Any]:
    """Mark the blueprint ``processing`` under ``run_id`` and check its file is still in storage.

    With more than one page worker, the page pool's fork server starts warming up meanwhile.
    """
    if worker_count(workers) > 1:
        prestart()
    with connection() as conn:
        blueprint = repo.blueprint(conn, blueprint_id)
        repo.mark_processing(conn, blueprint_id, run_id)
    storage = get_storage()
    if not storage.path_for(blueprint["sha256"]).is_file():
        raise ProcessingError(
            blueprint_id,
            f"the uploaded file {blueprint['original_name']!r} is missing from storage; upload it again",
        )
    return blueprint


def write_pages(
    blueprint_id: str,
    run_id: str | None,
    *,
    dpi: int = 100,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Render and store every page; rows in ``blueprint_pages``."""
    storage = get_storage()
    blueprint = load(blueprint_id)
    with pages.source_file(storage, blueprint) as path, connection() as conn:
        return pages.write_pages(
            conn, storage, blueprint, path, run_id=run_id, dpi=dpi, workers=workers, progress=progress
        )


def index_sheets(blueprint_id: str) -> list[sheets.SheetInfo]:
    """Sheet number, title, discipline and kind of every page."""
    with connection() as conn:
        return sheets.index_sheets(conn, get_storage(), blueprint_id)


def detect(
    blueprint_id: str,
    run_id: str | None,
    *,
    workers: int | None = None,
    provider_name: str | None = None,
    progress: Progress | None = None,
) -> tuple[list[PageTakeoff], pl.DataFrame]:
    """Run the takeoff engine on every page (all cores); record its sheet classification; return the rows."""
    storage = get_storage()
    blueprint = load(blueprint_id)
    with connection() as conn:
        indexes = [p["page_index"] for p in repo.rows(conn, "pages_of", blueprint_id=blueprint_id)]
    if not indexes:
        raise ProcessingError(blueprint_id, "it has no pages yet; materialize blueprint_pages first")
    with pages.source_file(storage, blueprint) as path:
        takeoffs = det.analyze_pages(path, indexes, workers=workers, provider_name=provider_name, progress=progress)
    if all(t.error for t in takeoffs):
        raise ProcessingError(blueprint_id, f"detection failed on every page ({takeoffs[0].error})")
    with connection() as conn:
        repo.require(conn, blueprint_id)
        det.update_sheets(conn, blueprint_id, takeoffs)
    return takeoffs, det.detections_frame(blueprint, takeoffs, run_id=run_id)


def store_detections(blueprint_id: str, frame: pl.DataFrame) -> int:
    """Replace the blueprint's detections with ``frame`` (one transaction)."""
    with connection() as conn:
        repo.require(conn, blueprint_id)
        return frames.replace_partition(conn, "fixture_detections", frame, {"blueprint_id": blueprint_id})


def reviewed_takeoff(blueprint_id: str, run_id: str | None) -> pl.DataFrame:
    """The reviewed takeoff with the columns of the ``reviewed_takeoff`` table (lineage included)."""
    with connection() as conn:
        blueprint = repo.blueprint(conn, blueprint_id)
        frame = review.reviewed_takeoff(conn, blueprint_id)
    version = data_version(*frame["detection_id"].to_list(), *frame["fixture_class"].to_list())
    return frame.with_columns(
        organization_id=pl.lit(blueprint["organization_id"]),
        blueprint_id=pl.lit(blueprint_id),
        run_id=pl.lit(run_id, dtype=pl.String),
        data_version=pl.lit(version),
    )


def store_reviewed_takeoff(blueprint_id: str, frame: pl.DataFrame) -> int:
    """Replace the blueprint's reviewed takeoff rows."""
    with connection() as conn:
        repo.require(conn, blueprint_id)
        return frames.replace_partition(conn, "reviewed_takeoff", frame, {"blueprint_id": blueprint_id})


def load_reviewed_takeoff(blueprint_id: str) -> pl.DataFrame:
    """The stored reviewed takeoff of the blueprint."""
    with connection() as conn:
        return frames.read_partition(conn, "reviewed_takeoff", {"blueprint_id": blueprint_id})


def complete(blueprint_id: str) -> None:
    """Mark the blueprint ``completed``."""
    with connection() as conn:
        repo.mark_completed(conn, blueprint_id)


def fail(blueprint_id: str, exc: BaseException) -> str:
    """Mark the blueprint ``failed`` with a readable cause; return the message (row may be gone)."""
    message = f"blueprint {blueprint_id}: {describe(exc)}"
    if isinstance(exc, BlueprintGone):
        return message
    try:
        with connection() as conn:
            repo.mark_failed(conn, blueprint_id, describe(exc))
    except Exception as mark_exc:  # the database itself may be what failed
        return f"{message} (and the failure could not be recorded: {describe(mark_exc)})"
    return message
