"""What the estimator does to the sheet view: click boxes, drag an area, zoom — as plain state changes.

The review chart reports one interaction at a time (a click on a box or a dragged area). :func:`apply_chart_event`
turns it into session state — a click toggles the box in the selection, a drag remembers the area — and
moves the chart to a fresh key, so the next click on the same box counts again. No Streamlit here: the state
is ``st.session_state`` in the app and a dict in tests.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

import polars as pl

from dashboard.utils.overlay import WHOLE_SHEET, Box

NONCE_KEY = "review_chart_nonce"
MIN_ZOOM_SIDE = 0.1
State = MutableMapping[str, Any] | Any
"""``st.session_state`` or a dict (tests)."""


def chart_key(state: State) -> str:
    """The review chart's current widget key."""
    return f"review_chart_{state.get(NONCE_KEY, 0)}"


def _clamp(value: Any) -> float:
    return round(min(max(float(value), 0.0), 1.0), 4)


def event_parts(event: Any) -> tuple[list[str], Box | None]:
    """(clicked detection ids, dragged area) of a chart selection event (either may be empty)."""
    selection = (event or {}).get("selection", {}) if isinstance(event, Mapping) else getattr(event, "selection", {})
    selection = selection or {}
    picked = [str(p["id"]) for p in selection.get("pick", []) or [] if isinstance(p, Mapping) and p.get("id")]
    drag = selection.get("box") or {}
    xs, ys = drag.get("x") or [], drag.get("y") or []
    area = None
    if len(xs) == 2 and len(ys) == 2:
        x0, x1, y0, y1 = _clamp(min(xs)), _clamp(max(xs)), _clamp(min(ys)), _clamp(max(ys))
        if x1 > x0 and y1 > y0:
            area = (x0, y0, x1, y1)
    return picked, area


def apply_chart_event(state: State, key: str, selected_key: str, area_key: str) -> None:
    """Apply the interaction reported by chart ``key`` to ``state``: clicks toggle selection, a drag sets the area.

    Only the current chart counts: once an event is applied the chart moves to a new key, so a late or repeated
    report from the old one cannot toggle the same box twice. A drag that ends on a box also makes the
    browser report a click on that box; the drag wins.
    """
    if key != chart_key(state):
        return
    picked, area = event_parts(state.get(key))
    if not picked and area is None:
        return
    if area is not None:
        picked = []
    selected = list(state.get(selected_key) or [])
    for det_id in picked:
        if det_id in selected:
            selected.remove(det_id)
        else:
            selected.append(det_id)
    state[selected_key] = selected
    if area is not None:
        state[area_key] = area
    state[NONCE_KEY] = int(state.get(NONCE_KEY, 0)) + 1


def zoom_region(area: Box, min_side: float = MIN_ZOOM_SIDE, pad: float = 0.15) -> Box:
    """A square (in sheet fractions, so the chart keeps the sheet's proportions) around ``area``, padded by
    ``pad`` of its size, at least ``min_side`` wide and moved inside the sheet."""
    cx, cy = (area[0] + area[2]) / 2, (area[1] + area[3]) / 2
    side = min(1.0, max(min_side, (area[2] - area[0]) * (1 + 2 * pad), (area[3] - area[1]) * (1 + 2 * pad)))
    x0 = min(max(cx - side / 2, 0.0), 1.0 - side)
    y0 = min(max(cy - side / 2, 0.0), 1.0 - side)
    return (round(x0, 4), round(y0, 4), round(x0 + side, 4), round(y0 + side, 4))


def pan(region: Box, dx: float, dy: float) -> Box:
    """``region`` moved by ``dx``/``dy`` of its own size, kept inside the sheet."""
    w, h = region[2] - region[0], region[3] - region[1]
    x0 = min(max(region[0] + dx * w, 0.0), 1.0 - w)
    y0 = min(max(region[1] + dy * h, 0.0), 1.0 - h)
    return (round(x0, 4), round(y0, 4), round(x0 + w, 4), round(y0 + h, 4))


def zoom_factor(region: Box) -> float:
    """How many times the view is enlarged compared with the whole sheet."""
    return 1.0 / max(region[2] - region[0], 1e-6) if region != WHOLE_SHEET else 1.0


def ids_in_area(frame: pl.DataFrame, area: Box) -> list[str]:
    """Shown detections (not hand-added fixtures) whose centre lies inside ``area``."""
    cx, cy = (pl.col("x0") + pl.col("x1")) / 2, (pl.col("y0") + pl.col("y1")) / 2
    inside = frame.filter(
        pl.col("shown")
        & ~pl.col("origin").str.starts_with("added")
        & cx.is_between(area[0], area[2])
        & cy.is_between(area[1], area[3])
    )
    return inside["id"].to_list()
