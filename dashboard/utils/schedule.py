"""Fixture schedules read from the drawing itself, for comparing with the reviewed counts.

Uses the takeoff engine's schedule parser on each page's words (vector pages) and, like the pipeline's
reconciliation, takes each schedule row once per tag across the set before summing quantities per class.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pipelineos.takeoff.models import ScheduleRow, TakeoffInputError

log = logging.getLogger(__name__)


def quantities_by_class(rows: list[ScheduleRow]) -> dict[str, int]:
    """Stated quantity per fixture class, each tag counted once (rows without class or quantity skipped)."""
    by_tag: dict[str, ScheduleRow] = {}
    for row in rows:
        if row.fixture_class and row.quantity is not None:
            by_tag.setdefault(row.tag, row)
    totals: dict[str, int] = {}
    for row in by_tag.values():
        totals[row.fixture_class or ""] = totals.get(row.fixture_class or "", 0) + int(row.quantity or 0)
    return totals


def schedule_quantities(path: Path, page_indexes: list[int]) -> dict[str, int] | None:
    """Quantity per fixture class over the schedules on the given pages; None when there is none to read.

    The drawing reader (PyMuPDF) is imported here, not at module level: it takes seconds to load and only
    this check, run after the sheet is drawn, needs it.
    """
    from pipelineos.takeoff.inputs import load_page
    from pipelineos.takeoff.schedule import parse_schedule

    rows: list[ScheduleRow] = []
    for index in page_indexes:
        try:
            page = load_page(path, index, dpi=36)
        except TakeoffInputError as exc:
            log.info("no schedule read from %s page %s: %s", path, index + 1, exc)
            continue
        rows.extend(parse_schedule(page.words)[0] if page.words else [])
    totals = quantities_by_class(rows)
    return totals or None
