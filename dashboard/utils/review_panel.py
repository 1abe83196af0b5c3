"""The review page's side panel: selection, decisions, the dragged area, missed fixtures, symbol search, save.

Each function draws one group of controls for the :class:`ReviewView` of the page and records what the
estimator decides as unsaved decisions in the session (see :mod:`dashboard.utils.review`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
import streamlit as st

from dashboard.utils import ui
from dashboard.utils.add_panel import CLASS_KEY, add_controls, corners_bbox
from dashboard.utils.db import readable_error
from dashboard.utils.overlay import Box, class_name
from dashboard.utils.review import (
    ReviewInputError,
    add_pending,
    auto_accept_decisions,
    drop_pending,
    hidden_undecided,
    make_decision,
    pending_for,
)
from dashboard.utils.review_data import save_pending, source_file
from dashboard.utils.sheet_view import ids_in_area, zoom_region
from dashboard.utils.similar import find_similar
from pipelineos.takeoff.models import FIXTURE_CLASSES


@dataclass(frozen=True)
class ReviewView:
    """What the panel acts on: one sheet of one blueprint, as the estimator currently sees it."""

    user: dict[str, Any]
    editable: bool
    blueprint: dict[str, Any] | None
    blueprint_id: str
    page: dict[str, Any]
    frame: pl.DataFrame
    sheet: pl.DataFrame
    png: bytes
    labels: dict[str, str]
    selected_key: str
    area_key: str
    zoom_key: str

    @property
    def page_index(self) -> int:
        return int(self.page["page_index"])

    @property
    def area(self) -> Box | None:
        return st.session_state.get(self.area_key)


def decide(view: ReviewView, action: str, ids: list[str] | None = None, **kwargs: Any) -> None:
    """Callback: keep ``action`` on ``ids`` (default: the selection) as unsaved decisions, clear the selection.

    Runs before the page (a button's ``on_click``), so it may reset the selection widget; a refused decision
    leaves its message under ``review_error`` for the page to show.
    """
    state = st.session_state
    targets = list(state.get(view.selected_key) or []) if ids is None else ids
    reason = kwargs.pop("reason", None) or state.get("review_reason", "")
    if action == "relabel":
        kwargs.setdefault("fixture_class", state.get("review_relabel_class"))
    try:
        if action == "add":
            decisions = [make_decision("add", page_index=view.page_index, reason=reason, **kwargs)]
        else:
            decisions = [make_decision(action, i, reason=reason, **kwargs) for i in targets]
    except ReviewInputError as exc:
        state["review_error"] = str(exc)
        return
    add_pending(state, view.blueprint_id, decisions)
    state[view.selected_key] = []
    if action == "add":
        state.pop(view.area_key, None)


def select(view: ReviewView, ids: list[str], add: bool = True) -> None:
    """Callback: add ``ids`` to the selection (or replace it when ``add`` is False)."""
    current = list(st.session_state.get(view.selected_key) or []) if add else []
    st.session_state[view.selected_key] = list(dict.fromkeys([*current, *ids]))


def selection_and_decisions(view: ReviewView) -> list[str]:
    """The selected detections with accept / reject / relabel; returns the selection."""
    if message := st.session_state.pop("review_error", None):
        st.error(message)
    s1, s2 = st.columns(2)
    s1.button(
        "Select all shown",
        key="review_select_all",
        disabled=not view.editable,
        width="stretch",
        on_click=select,
        args=(view, list(view.labels), False),
    )
    s2.button("Clear selection", key="review_select_none", width="stretch", on_click=select, args=(view, [], False))
    chosen: list[str] = st.multiselect(
        "Selected detections (click boxes on the sheet to add or remove)",
        list(view.labels),
        format_func=lambda i: view.labels[i],
        key=view.selected_key,
        disabled=not view.editable,
        placeholder="Click a box on the sheet",
    )
    can_act = view.editable and bool(chosen)
    st.text_input("Reason (optional)", key="review_reason", max_chars=200, disabled=not view.editable)
    a1, a2 = st.columns(2)
    n = f" {len(chosen)}" if chosen else ""
    a1.button(
        f"Accept{n}", key="review_accept", disabled=not can_act, width="stretch", on_click=decide, args=(view, "accept")
    )
    a2.button(
        f"Reject{n}", key="review_reject", disabled=not can_act, width="stretch", on_click=decide, args=(view, "reject")
    )
    r1, r2 = st.columns([3, 2], vertical_alignment="bottom")
    r1.selectbox(
        "Relabel as", FIXTURE_CLASSES, format_func=class_name, key="review_relabel_class", disabled=not can_act
    )
    r2.button(
        "Relabel", key="review_relabel", disabled=not can_act, width="stretch", on_click=decide, args=(view, "relabel")
    )
    return chosen


def _zoom_to(view: ReviewView, area: Box) -> None:
    st.session_state[view.zoom_key] = zoom_region(area)
    st.session_state.pop(view.area_key, None)


def area_controls(view: ReviewView) -> None:
    """What to do with the area dragged on the sheet: select what is inside, zoom to it, forget it."""
    area = view.area
    if area is None:
        st.caption("Drag on the sheet to mark an area: select what is inside, zoom to it, or add a missed fixture.")
        return
    inside = [i for i in ids_in_area(view.sheet, area) if i in view.labels]
    st.info(f"Marked area: {len(inside)} detection(s) inside.")
    b1, b2, b3 = st.columns(3)
    b1.button(
        f"Select {len(inside)}",
        key="review_area_select",
        disabled=not inside,
        width="stretch",
        on_click=select,
        args=(view, inside),
    )
    b2.button("Zoom in", key="review_area_zoom", width="stretch", on_click=_zoom_to, args=(view, area))
    b3.button(
        "Forget area",
        key="review_area_clear",
        width="stretch",
        on_click=st.session_state.pop,
        args=(view.area_key, None),
    )


def add_fixture_controls(view: ReviewView) -> None:
    """Add a fixture the detector missed: by clicking the sheet, or by corners (a dragged area fills them)."""

    def add_from_form() -> None:
        state = st.session_state
        bbox = corners_bbox(state)
        decide(view, "add", fixture_class=state[CLASS_KEY], bbox=bbox, reason="missed by the detector")

    add_controls(view.blueprint_id, view.editable, view.area, add_from_form)


def find_more_like_this(view: ReviewView, chosen: list[str]) -> None:
    """Symbol search from the one selected detection; candidates show dashed on the sheet until added."""
    if st.button(
        "Find more like this",
        key="review_find_similar",
        disabled=not (view.editable and len(chosen) == 1),
        help="Select exactly one detection; symbols on this sheet that look like it are proposed.",
    ):
        target = view.sheet.filter(pl.col("id") == chosen[0]).row(0, named=True)
        existing = [tuple(r) for r in view.sheet.select("x0", "y0", "x1", "y1").iter_rows()]
        image_sha = view.page["image_sha256"]
        try:
            with st.spinner("Searching the sheet…"):
                found = find_similar(
                    (image_sha and ui.stored_file(image_sha)) or view.png,
                    (target["x0"], target["y0"], target["x1"], target["y1"]),
                    existing,
                    source=source_file(view.blueprint, view.page_index, target["label"]),
                )
        except Exception as exc:
            st.error(readable_error(exc, "search for similar symbols"))
            found = []
        st.session_state["review_similar"] = {
            "blueprint_id": view.blueprint_id,
            "page_index": view.page_index,
            "fixture_class": target["label"],
            "boxes": found,
        }
    similar = similar_for(view)
    if similar is None:
        return
    name = class_name(similar["fixture_class"])
    st.write(f"{len(similar['boxes'])} similar symbol(s) not yet counted as {name} (dashed black on the sheet).")
    c1, c2 = st.columns(2)
    if similar["boxes"]:
        c1.button(
            "Add them all",
            key="review_add_similar",
            disabled=not view.editable,
            on_click=_add_similar,
            args=(view, similar),
        )
    c2.button("Dismiss", key="review_dismiss_similar", on_click=st.session_state.pop, args=("review_similar", None))


def _add_similar(view: ReviewView, similar: dict[str, Any]) -> None:
    decisions = [
        make_decision(
            "add",
            fixture_class=similar["fixture_class"],
            page_index=view.page_index,
            bbox=box,
            reason=f"find more like this (score {score:.2f})",
        )
        for box, score in similar["boxes"]
    ]
    add_pending(st.session_state, view.blueprint_id, decisions)
    st.session_state.pop("review_similar", None)


def similar_for(view: ReviewView) -> dict[str, Any] | None:
    """The last symbol search's result when it belongs to this sheet."""
    similar = st.session_state.get("review_similar")
    if similar and similar["blueprint_id"] == view.blueprint_id and similar["page_index"] == view.page_index:
        return similar  # type: ignore[no-any-return]
    return None


def save_controls(view: ReviewView, show_above: float, auto_accept: float) -> None:
    """Reject what the threshold hides, save everything unsaved (plus auto-accepts), or discard it."""
    pending = pending_for(st.session_state, view.blueprint_id)
    hidden = hidden_undecided(view.sheet)
    if hidden:
        st.caption(f"{len(hidden)} detection(s) below {show_above:.2f} are hidden but still counted until rejected.")
        st.button(
            f"Reject the {len(hidden)} hidden detection(s)",
            key="review_reject_hidden",
            disabled=not view.editable,
            on_click=decide,
            args=(view, "reject", hidden),
            kwargs={"reason": f"below confidence {show_above:.2f}"},
        )
    autos = auto_accept_decisions(view.frame, auto_accept)
    include_auto = st.checkbox(
        f"Also save {len(autos)} auto-accepted detection(s)",
        value=True,
        key="review_save_auto",
        disabled=not view.editable,
    )
    s1, s2 = st.columns(2)
    if s1.button(
        "Save decisions",
        type="primary",
        key="review_save",
        disabled=not view.editable or not (pending or (include_auto and autos)),
        width="stretch",
    ):
        try:
            n = save_pending(view.user, view.blueprint_id, autos if include_auto else [])
        except Exception as exc:
            st.error(readable_error(exc, "save the review decisions") + " Your decisions are still kept here.")
        else:
            st.toast(f"Saved {n} decision(s).")
            st.rerun()
    if s2.button("Discard unsaved", key="review_discard", disabled=not pending, width="stretch"):
        drop_pending(st.session_state, view.blueprint_id)
        st.rerun()
