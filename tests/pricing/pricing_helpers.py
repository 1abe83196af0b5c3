"""Helpers shared by the pricing tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import polars as pl

from pipelineos.pricing.engine import TAKEOFF_SCHEMA


def takeoff(*rows: tuple[str, int, str | None, str]) -> pl.DataFrame:
    """Rows of (fixture_class, page_index, sheet_number, source); detection ids are generated."""
    return pl.DataFrame(
        [
            {"detection_id": f"d{i}", "page_index": p, "sheet_number": s, "fixture_class": c, "source": src}
            for i, (c, p, s, src) in enumerate(rows)
        ],
        schema=TAKEOFF_SCHEMA,
    )
