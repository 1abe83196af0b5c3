"""Fixture detection: the takeoff engine on every page (all cores), rows in ``fixture_detections``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import psycopg

from pipelineos.blueprints.processing import frames
from pipelineos.blueprints.processing import repository as repo
from pipelineos.blueprints.processing.errors import ProcessingError, describe
from pipelineos.blueprints.processing.parallel import map_pages
from pipelineos.blueprints.processing.versions import code_version, detector_version
from pipelineos.takeoff.models import PageTakeoff

DETECTION_SCHEMA: dict[str, Any] = {
    "id": pl.String,
    "organization_id": pl.String,
    "blueprint_id": pl.String,
    "page_index": pl.Int32,
    "fixture_class": pl.String,
    "x0": pl.Float64,
    "y0": pl.Float64,
    "x1": pl.Float64,
    "y1": pl.Float64,
    "confidence": pl.Float64,
    "method": pl.String,
    "tag": pl.String,
    "detector_version": pl.String,
    "run_id": pl.String,
    "code_version": pl.String,
    "data_version": pl.String,
}


def analyze_one(path: str, index: int, provider_name: str | None = None, legend: Any = None) -> PageTakeoff:
    """Run the engine on one page; an error is kept on the page instead of sinking the set.

    ``provider_name`` selects the vision provider (``offline``, ``auto``, ``claude``; None = the setting);
    ``legend`` is the set's legend (a ``TemplateSet``) for a sheet that has none of its own.
    """
    from pipelineos.ai.selection import get_vision_provider
    from pipelineos.takeoff.engine import analyze_page

    try:
        return analyze_page(Path(path), index, provider=get_vision_provider(provider_name), templates=legend)
    except Exception as exc:
        return PageTakeoff(
            index=index,
            width_pt=0.0,
            height_pt=0.0,
            is_vector=False,
            error=f"page {index + 1}: {describe(exc)}",
        )


def analyze_pages(
    path: Path,
    page_indexes: Sequence[int],
    *,
    workers: int | None = None,
    provider_name: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[PageTakeoff]:
    """The engine's takeoff of each page, pages spread over every core, in page order.

    Offline, sheets without a legend of their own are then read again with the legend of the set's sheets
    that have one (see :mod:`pipelineos.takeoff.set_legend`).
    """
    from pipelineos.takeoff.set_legend import lend_legend

    done = 0

    def tick(_: int) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, len(page_indexes))

    pages = map_pages(analyze_one, [(str(path), i, provider_name) for i in page_indexes], workers=workers, on_done=tick)
    if _vision_on(provider_name):
        return pages
    return lend_legend(
        pages,
        lambda todo, legend: map_pages(
            analyze_one, [(str(path), pages[i].index, provider_name, legend) for i in todo], workers=workers
        ),
    )


def page_notes(takeoffs: Sequence[PageTakeoff]) -> dict[str, list[str]]:
    """What the engine noted per page ("legend symbols taken from P-001", "OCR unavailable …"), for pages with notes."""
    return {f"page {t.index + 1}": list(t.notes) for t in takeoffs if t.notes}


def _vision_on(provider_name: str | None) -> bool:
    """Whether pages are also sent to a vision provider (then they are not read a second time)."""
    from pipelineos.ai.selection import VisionConfigError, get_vision_provider

    try:
        return get_vision_provider(provider_name) is not None
    except VisionConfigError:
        return True


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


def detections_frame(
    blueprint: dict[str, Any], takeoffs: Sequence[PageTakeoff], *, run_id: str | None = None
) -> pl.DataFrame:
    """One row per detection with its stable id and lineage; duplicates of one id keep the most confident."""
    rows = []
    for page in takeoffs:
        for found in page.fixtures:
            det = found if found.page_index == page.index else replace(found, page_index=page.index)
            x0, y0, x1, y1 = (_clamp(v) for v in det.bbox)
            rows.append(
                {
                    "id": det.stable_id(blueprint["id"]),
                    "organization_id": blueprint["organization_id"],
                    "blueprint_id": blueprint["id"],
                    "page_index": page.index,
                    "fixture_class": det.fixture_class,
                    "x0": min(x0, x1),
                    "y0": min(y0, y1),
                    "x1": max(x0, x1),
                    "y1": max(y0, y1),
                    "confidence": _clamp(det.confidence),
                    "method": det.method,
                    "tag": det.tag,
                    "detector_version": detector_version(),
                    "run_id": run_id,
                    "code_version": code_version(),
                    "data_version": blueprint["sha256"][:16],
                }
            )
    frame = pl.DataFrame(rows, schema=DETECTION_SCHEMA, orient="row")
    return frame.sort("confidence", descending=True).unique("id", keep="first").sort("page_index", "id")


def write_detections(
    conn: psycopg.Connection, blueprint: dict[str, Any], takeoffs: Sequence[PageTakeoff], frame: pl.DataFrame
) -> int:
    """Replace the blueprint's detections and the engine's sheet classification in one transaction."""
    blueprint_id = blueprint["id"]
    if takeoffs and all(t.error for t in takeoffs):
        raise ProcessingError(blueprint_id, f"detection failed on every page ({takeoffs[0].error})")
    with conn.transaction():
        repo.require(conn, blueprint_id)
        update_sheets(conn, blueprint_id, takeoffs)
        return frames.replace_partition(conn, "fixture_detections", frame, {"blueprint_id": blueprint_id})


def update_sheets(conn: psycopg.Connection, blueprint_id: str, takeoffs: Sequence[PageTakeoff]) -> None:
    """Record the engine's sheet number, title, discipline and kind where it has them, and its page notes."""
    current = {p["page_index"]: p for p in repo.rows(conn, "pages_of", blueprint_id=blueprint_id)}
    for page in takeoffs:
        known = current.get(page.index)
        if known is None:
            continue
        repo.rows(
            conn,
            "update_sheet",
            blueprint_id=blueprint_id,
            page_index=page.index,
            sheet_number=page.sheet_number or known["sheet_number"],
            sheet_title=page.sheet_title or known["sheet_title"],
            discipline=page.discipline or known["discipline"],
            sheet_kind=page.sheet_kind or known["sheet_kind"],
            error=page.error,
            notes=list(page.notes),
        )
