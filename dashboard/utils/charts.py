"""Small Altair chart builders shared by the pages (frames go in as Polars, so dates stay dates)."""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl
import streamlit as st


def show_chart(frame: pl.DataFrame, mark: str, x: Any, y: Any, empty: str, height: int = 220, **kw: Any) -> None:
    """Draw a chart of ``frame``, or the ``empty`` sentence when it has no rows (never an empty grid)."""
    if frame.height == 0:
        st.caption(empty)
        return
    chart = getattr(alt.Chart(frame), mark)().encode(x=x, y=y, **kw).properties(height=height)
    st.altair_chart(chart, width="stretch")


def bar_height(rows: int, per_row: int = 24, minimum: int = 120) -> int:
    """Height of a horizontal bar chart that leaves room for every label."""
    return max(minimum, rows * per_row)
