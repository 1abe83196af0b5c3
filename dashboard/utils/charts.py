"""Small chart builders shared by the pages (frames go in as Polars, so dates stay dates)."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from dashboard.utils.labels import class_label


def show_chart(frame: pl.DataFrame, mark: str, x: Any, y: Any, empty: str, height: int = 220, **kw: Any) -> None:
    """Draw a chart of ``frame``, or the ``empty`` sentence when it has no rows (never an empty grid)."""
    if frame.height == 0:
        st.caption(empty)
        return
    import altair as alt  # the pages that draw Altair charts import it anyway; the landing page does not

    chart = getattr(alt.Chart(frame), mark)().encode(x=x, y=y, **kw).properties(height=height)
    st.altair_chart(chart, width="stretch")


def bar_height(rows: int, per_row: int = 24, minimum: int = 120) -> int:
    """Height of a horizontal bar chart that leaves room for every label."""
    return max(minimum, rows * per_row)


def uploads_per_day_spec(rows: list[dict[str, Any]], days: int = 30) -> dict[str, Any] | None:
    """Vega-Lite spec (a plain dict: no Altair import on the landing page) of uploads per day and status over the
    last ``days`` days of ``rows``; None when there is nothing to draw."""
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        created = row.get("created_at")
        if created is None:
            continue
        key = (created.date().isoformat(), class_label(row["status"]))
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    recent = sorted({day for day, _ in counts})[-days:]
    values = [{"day": d, "status": s, "uploads": n} for (d, s), n in sorted(counts.items()) if d in recent]
    return {
        "height": 110,
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "day", "type": "temporal", "timeUnit": "yearmonthdate", "title": None},
            "y": {"field": "uploads", "type": "quantitative", "title": "uploads"},
            "color": {"field": "status", "type": "nominal", "title": None, "legend": {"orient": "right"}},
        },
        "config": {"aria": False},
    }
