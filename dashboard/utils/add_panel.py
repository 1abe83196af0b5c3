"""Adding missed fixtures on the review page: one click on the sheet, or typed corners.

With "Click on the sheet adds a fixture" on, the sheet is shown as a plain image (boxes drawn in) through
``streamlit-image-coordinates``, which reports where it was clicked. :func:`take_click` runs at the top of the
page, before the frame is built, so the added fixture is counted in the same run that shows it. The logic
(where, how big) lives in :mod:`dashboard.utils.click_add`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
import streamlit as st

from dashboard.utils.click_add import click_decision, click_point, undo_last_add
from dashboard.utils.labels import class_label
from dashboard.utils.overlay import Box, draw_boxes
from dashboard.utils.review import ReviewInputError, add_pending, pending_for
from pipelineos.takeoff.models import FIXTURE_CLASSES

CLASS_KEY = "review_add_class"
MODE_KEY = "review_click_add"
SEEN_KEY = "review_click_seen"
ADD_KEYS = ("review_add_x0", "review_add_y0", "review_add_x1", "review_add_y1")


def click_key(blueprint_id: str, page_index: int) -> str:
    """Widget key of the clickable sheet of one blueprint page."""
    return f"review_click_{blueprint_id}_{page_index}"


def take_click(
    state: Any,
    blueprint_id: str,
    page_index: int,
    region: Box,
    boxes: Sequence[Mapping[str, Any]],
    editable: bool,
) -> bool:
    """Turn a new click on the sheet into an unsaved "add" decision; True when one was added.

    A click is taken once (its ``unix_time`` is remembered), only in click-to-add mode and for editors.
    ``boxes`` are this sheet's detections and added fixtures, to size the new box like its neighbours.
    """
    value = state.get(click_key(blueprint_id, page_index))
    if not value or not editable or not state.get(MODE_KEY):
        return False
    stamp = (blueprint_id, page_index, value.get("unix_time"), value.get("x"), value.get("y"))
    if state.get(SEEN_KEY) == stamp:
        return False
    state[SEEN_KEY] = stamp
    point = click_point(value, region)
    if point is None:
        return False
    fixture_class = state.get(CLASS_KEY) or FIXTURE_CLASSES[0]
    try:
        decision = click_decision(boxes, point, fixture_class, page_index, state.get("review_reason", ""))
    except ReviewInputError as exc:
        state["review_error"] = str(exc)
        return False
    add_pending(state, blueprint_id, [decision])
    return True


def clickable_sheet(png: bytes, sheet: pl.DataFrame, region: Box, width: int, key: str) -> None:
    """The sheet (``png`` shows ``region``) with its boxes drawn in, reporting where it is clicked."""
    from streamlit_image_coordinates import streamlit_image_coordinates

    image = draw_boxes(png, sheet, region)
    streamlit_image_coordinates(image, width=width, key=key, png_compression_level=1, cursor="crosshair")
    st.caption(
        f"Click on the sheet to add a {class_label(st.session_state.get(CLASS_KEY) or FIXTURE_CLASSES[0])} there, "
        "sized like the others of its type. Turn click-to-add off to select boxes again."
    )


def _undo(blueprint_id: str) -> None:
    if not undo_last_add(st.session_state, blueprint_id):
        st.session_state["review_error"] = "There is no unsaved added fixture to undo."


def add_controls(blueprint_id: str, editable: bool, area: Box | None, on_add: Any) -> None:
    """Fixture type, click-to-add switch, undo, and the typed-corners form (a dragged area fills it)."""
    st.selectbox("Missed fixture type", FIXTURE_CLASSES, format_func=class_label, key=CLASS_KEY)
    c1, c2 = st.columns([3, 2], vertical_alignment="center")
    c1.toggle(
        "Click on the sheet adds a fixture",
        key=MODE_KEY,
        disabled=not editable,
        help="One click adds a fixture of the chosen type at that point; turn it off to select boxes again.",
    )
    has_added = any(d["action"] == "add" for d in pending_for(st.session_state, blueprint_id).values())
    c2.button(
        "Undo last add",
        key="review_undo_add",
        disabled=not (editable and has_added),
        width="stretch",
        on_click=_undo,
        args=(blueprint_id,),
    )
    if area is not None and st.session_state.get("review_add_from") != area:
        st.session_state["review_add_from"] = area
        st.session_state.update(dict(zip(ADD_KEYS, area, strict=True)))
    for key, value in zip(ADD_KEYS, (0.45, 0.45, 0.5, 0.5), strict=True):
        st.session_state.setdefault(key, value)
    with st.expander("Add by corners", expanded=area is not None), st.form("review_add_form"):
        st.caption("Corners as fractions of the sheet (0 = left/top, 1 = right/bottom); a dragged area fills them.")
        f1, f2 = st.columns(2)
        f1.number_input("Left", 0.0, 1.0, step=0.005, format="%.3f", key="review_add_x0")
        f2.number_input("Top", 0.0, 1.0, step=0.005, format="%.3f", key="review_add_y0")
        f1.number_input("Right", 0.0, 1.0, step=0.005, format="%.3f", key="review_add_x1")
        f2.number_input("Bottom", 0.0, 1.0, step=0.005, format="%.3f", key="review_add_y1")
        st.form_submit_button("Add fixture", disabled=not editable, on_click=on_add)


def corners_bbox(state: Any) -> tuple[float, ...]:
    """The typed corners of the add form."""
    return tuple(float(state[k]) for k in ADD_KEYS)
