"""Adding a missed fixture with one click on the sheet: where the click lands, how big the box is, the decision.

The sheet is shown at some display size and, when zoomed, only a region of it. :func:`click_point` turns a
click reported in display pixels into sheet fractions; :func:`typical_size` sizes the new box like the other
fixtures of that class on the same sheet (else like the sheet's median box, else a small default);
:func:`click_decision` builds the unsaved "add" decision. No Streamlit here: the page passes rows and values.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from typing import Any

from dashboard.utils.overlay import WHOLE_SHEET, Box
from dashboard.utils.review import PENDING_KEY, Decision, make_decision

DEFAULT_SIZE = (0.02, 0.02)
"""Box size (sheet fractions) when the sheet has no detection to learn from."""
CLICK_REASON = "missed by the detector (added by clicking the sheet)"


def click_point(value: Mapping[str, Any] | None, region: Box = WHOLE_SHEET) -> tuple[float, float] | None:
    """The clicked point in sheet fractions, from the image component's ``{x, y, width, height}`` (pixels of
    the displayed ``region``); None when there is no usable click."""
    if not value:
        return None
    try:
        x, y, width, height = (float(value[k]) for k in ("x", "y", "width", "height"))
    except (KeyError, TypeError, ValueError):
        return None
    if width <= 0 or height <= 0 or not (0 <= x <= width and 0 <= y <= height):
        return None
    fx = region[0] + (region[2] - region[0]) * x / width
    fy = region[1] + (region[3] - region[1]) * y / height
    return round(fx, 5), round(fy, 5)


def typical_size(boxes: Iterable[Mapping[str, Any]], fixture_class: str) -> tuple[float, float]:
    """Median (width, height) of the boxes of ``fixture_class`` (or of all ``boxes`` when it has none)."""
    rows = [b for b in boxes if b["x1"] > b["x0"] and b["y1"] > b["y0"]]
    same = [b for b in rows if b.get("fixture_class") == fixture_class] or rows
    if not same:
        return DEFAULT_SIZE
    width = statistics.median(float(b["x1"]) - float(b["x0"]) for b in same)
    height = statistics.median(float(b["y1"]) - float(b["y0"]) for b in same)
    return width, height


def box_around(point: tuple[float, float], size: tuple[float, float]) -> Box:
    """A ``size`` box centred on ``point``, moved (not shrunk) to stay inside the sheet."""
    w, h = min(size[0], 1.0), min(size[1], 1.0)
    x0 = min(max(point[0] - w / 2, 0.0), 1.0 - w)
    y0 = min(max(point[1] - h / 2, 0.0), 1.0 - h)
    return (round(x0, 5), round(y0, 5), round(x0 + w, 5), round(y0 + h, 5))


def click_decision(
    boxes: Iterable[Mapping[str, Any]],
    point: tuple[float, float],
    fixture_class: str,
    page_index: int,
    reason: str = "",
) -> Decision:
    """The "add" decision for a fixture of ``fixture_class`` clicked at ``point`` on sheet ``page_index``.

    ``boxes`` are the sheet's detections and added fixtures (rows with ``fixture_class`` and corners); raises
    :class:`~dashboard.utils.review.ReviewInputError` for an unknown class.
    """
    bbox = box_around(point, typical_size(boxes, fixture_class))
    return make_decision(
        "add", fixture_class=fixture_class, page_index=page_index, bbox=bbox, reason=reason or CLICK_REASON
    )


def undo_last_add(state: Any, blueprint_id: str) -> bool:
    """Forget the most recent unsaved added fixture of the blueprint (a misplaced click); True if one was."""
    bucket = dict(state.get(PENDING_KEY, {}).get(blueprint_id, {}))
    added = [k for k, d in bucket.items() if d["action"] == "add"]
    if not added:
        return False
    del bucket[added[-1]]
    store = state.setdefault(PENDING_KEY, {})
    store[blueprint_id] = bucket
    state[PENDING_KEY] = store
    return True
