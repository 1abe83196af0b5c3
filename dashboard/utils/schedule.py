"""Fixture schedules read from the drawing itself, for comparing with the reviewed counts.

The takeoff engine parses each page's plumbing fixture schedule (``PageTakeoff.schedule``); this module asks it
for the schedule rows of a stored file and sums the quantities per fixture class.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any


def schedule_quantities(path: Path, page_indexes: list[int]) -> dict[str, int] | None:
    """Quantity per fixture class over the schedules on the given pages; None when none could be read."""
    try:
        engine: Any = importlib.import_module("pipelineos.takeoff.engine")
    except ImportError:
        return None
    totals: dict[str, int] = {}
    found = False
    for index in page_indexes:
        try:
            page = engine.analyze_page(path, index)
        except Exception:  # a page the engine cannot read simply has no schedule to compare
            continue
        for row in getattr(page, "schedule", []) or []:
            if row.fixture_class and row.quantity is not None:
                totals[row.fixture_class] = totals.get(row.fixture_class, 0) + int(row.quantity)
                found = True
    return totals if found else None
