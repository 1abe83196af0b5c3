"""Review: the sheet with its detections; accept, reject, relabel, add what was missed, save."""

from __future__ import annotations

import io
from functools import partial

import polars as pl
import streamlit as st

from dashboard.utils import ui
from dashboard.utils.db import readable_error
from dashboard.utils.overlay import draw_boxes, highlight_rows, review_chart
from dashboard.utils.review import (
    ReviewInputError,
    add_pending,
    auto_accept_decisions,
    counts_by_sheet,
    effective_frame,
    hidden_undecided,
    make_decision,
    pending_for,
    schedule_mismatches,
)
from dashboard.utils.review_data import review_rows, save_pending, schedule_for, sheet_image, source_file
from dashboard.utils.session import can_edit
from dashboard.utils.similar import find_similar
from pipelineos.takeoff.models import FIXTURE_CLASSES

DISPLAY_WIDTHS = {"Small": 480, "Medium": 620, "Large": 1000}


def annotated_png(png: bytes, frame: pl.DataFrame) -> bytes:
    """The sheet with its boxes drawn, made only when the user downloads it."""
    buffer = io.BytesIO()
    draw_boxes(png, frame).save(buffer, format="PNG")
    return buffer.getvalue()


user = ui.require_user()
root = str(ui.file_store().root)
org = user["organization_id"]
editable = can_edit(user)
st.title("Review takeoff")

try:
    blueprints = ui.reviewable_blueprints(org)
except Exception as exc:
    st.error(readable_error(exc, "load the blueprints"))
    st.stop()
if not blueprints:
    st.info("No processed blueprint to review yet. Upload one and wait until it is completed.")
    st.stop()

ids = [b["id"] for b in blueprints]
wanted = st.session_state.get("review_blueprint_id")
bp = st.selectbox(
    "Blueprint",
    blueprints,
    index=ids.index(wanted) if wanted in ids else 0,
    format_func=ui.blueprint_label,
    key="review_bp_select",
)
blueprint_id = bp["id"]
st.session_state["review_blueprint_id"] = blueprint_id

try:
    blueprint, pages = ui.blueprint_detail(org, blueprint_id)
    detections, saved, added = review_rows(org, blueprint_id)
except Exception as exc:
    st.error(readable_error(exc, "load the takeoff"))
    st.stop()
sheet_names = {p["page_index"]: p["sheet_number"] or f"page {p['page_index'] + 1}" for p in pages}

c1, c2, c3 = st.columns([2, 2, 2])
page_index = c1.selectbox("Sheet", list(sheet_names), format_func=lambda i: sheet_names[i], key="review_page")
show_above = c2.slider("Show detections above confidence", 0.0, 1.0, 0.30, 0.05, key="review_show_above")
auto_accept = c3.slider("Auto-accept above confidence", 0.0, 1.0, 0.90, 0.05, key="review_auto_accept")

pending = pending_for(st.session_state, blueprint_id)
frame = effective_frame(detections, saved, added, pending, show_above, auto_accept)
sheet = frame.filter(pl.col("page_index") == page_index)
page = next(p for p in pages if p["page_index"] == page_index)
png, width, height, real_image = sheet_image(page["image_sha256"], page["width_pt"], page["height_pt"], root)

large = st.session_state.get("review_zoom") == "Large"
view, panel = (st.container(), st.container()) if large else st.columns([3, 2])
with view:
    if not real_image:
        st.caption("The rendered sheet is missing from storage; boxes are drawn on a blank sheet.")
    display_width = DISPLAY_WIDTHS[st.session_state.get("review_zoom") or "Medium"]
    event = st.vega_lite_chart(
        spec=review_chart(png, display_width, round(display_width * height / width), sheet),
        width="content",
        on_select="rerun",
        selection_mode=["pick", "box"],
        key="review_chart",
    )
    selection = getattr(event, "selection", {}) or {}
    clicked = [p["id"] for p in selection.get("pick", []) if isinstance(p, dict) and "id" in p]
    drawn = selection.get("box") or {}
    z1, z2 = st.columns(2)
    z1.segmented_control("Sheet size", list(DISPLAY_WIDTHS), default="Medium", key="review_zoom")
    z2.download_button(
        "Download annotated sheet",
        partial(annotated_png, png, sheet),
        file_name=f"sheet-{page_index + 1}.png",
        mime="image/png",
        key="review_download",
    )

shown = sheet.filter(pl.col("shown") & ~pl.col("origin").str.starts_with("added"))
labels = {
    r["id"]: f"{r['label']} · {r['confidence']:.2f} · {r['status']}" + (f" · {r['tag']}" if r["tag"] else "")
    for r in shown.iter_rows(named=True)
}
with panel:
    st.metric("Unsaved decisions", len(pending))
    selected_key = f"review_selected_{blueprint_id}_{page_index}"
    if clicked != st.session_state.get("review_last_clicked"):
        st.session_state["review_last_clicked"] = clicked
        st.session_state[selected_key] = [i for i in clicked if i in labels]
    elif selected_key in st.session_state:
        st.session_state[selected_key] = [i for i in st.session_state[selected_key] if i in labels]
    chosen = st.multiselect(
        "Selected detections (or click boxes, shift-click for more)",
        list(labels),
        format_func=lambda i: labels[i],
        key=selected_key,
        disabled=not editable,
    )
    a1, a2 = st.columns(2)
    new_class = st.selectbox("Relabel as", FIXTURE_CLASSES, key="review_relabel_class", disabled=not editable)
    try:
        if a1.button("Accept", key="review_accept", disabled=not (editable and chosen)):
            add_pending(st.session_state, blueprint_id, [make_decision("accept", i) for i in chosen])
            st.rerun()
        if a2.button("Reject", key="review_reject", disabled=not (editable and chosen)):
            add_pending(st.session_state, blueprint_id, [make_decision("reject", i) for i in chosen])
            st.rerun()
        if st.button("Relabel selected", key="review_relabel", disabled=not (editable and chosen)):
            add_pending(st.session_state, blueprint_id, [make_decision("relabel", i, new_class) for i in chosen])
            st.rerun()
    except ReviewInputError as exc:
        st.error(str(exc))

    corners = {"review_add_x0": 0.45, "review_add_y0": 0.45, "review_add_x1": 0.5, "review_add_y1": 0.5}
    if drawn.get("x") and drawn.get("y") and drawn != st.session_state.get("review_last_drawn"):
        st.session_state["review_last_drawn"] = drawn
        corners = {
            "review_add_x0": min(drawn["x"]),
            "review_add_y0": min(drawn["y"]),
            "review_add_x1": max(drawn["x"]),
            "review_add_y1": max(drawn["y"]),
        }
        st.session_state.update({k: round(min(max(float(v), 0.0), 1.0), 3) for k, v in corners.items()})
    for key, value in corners.items():
        st.session_state.setdefault(key, value)
    with st.expander("Add a missed fixture", expanded=bool(drawn)), st.form("review_add_form"):
        st.caption("Drag a box on the sheet to fill these in, or type the corners (0 = left/top, 1 = right/bottom).")
        f1, f2 = st.columns(2)
        x0 = f1.number_input("Left", 0.0, 1.0, step=0.005, format="%.3f", key="review_add_x0")
        y0 = f2.number_input("Top", 0.0, 1.0, step=0.005, format="%.3f", key="review_add_y0")
        x1 = f1.number_input("Right", 0.0, 1.0, step=0.005, format="%.3f", key="review_add_x1")
        y1 = f2.number_input("Bottom", 0.0, 1.0, step=0.005, format="%.3f", key="review_add_y1")
        add_class = st.selectbox("Fixture type", FIXTURE_CLASSES, key="review_add_class")
        if st.form_submit_button("Add fixture", disabled=not editable):
            try:
                add_pending(
                    st.session_state,
                    blueprint_id,
                    [
                        make_decision(
                            "add",
                            fixture_class=add_class,
                            page_index=page_index,
                            bbox=(x0, y0, x1, y1),
                            reason="added in review",
                        )
                    ],
                )
                st.rerun()
            except ReviewInputError as exc:
                st.error(str(exc))

    if st.button("Find more like this", key="review_find_similar", disabled=not (editable and len(chosen) == 1)):
        target = shown.filter(pl.col("id") == chosen[0]).row(0, named=True)
        existing = [tuple(r) for r in sheet.select("x0", "y0", "x1", "y1").iter_rows()]
        try:
            with st.spinner("Searching the sheet…"):
                found = find_similar(
                    (page["image_sha256"] and ui.stored_file(page["image_sha256"])) or png,
                    (target["x0"], target["y0"], target["x1"], target["y1"]),
                    existing,
                    source=source_file(blueprint, page_index, target["label"]),
                )
        except Exception as exc:
            st.error(readable_error(exc, "search for similar symbols"))
            found = []
        st.session_state["review_similar"] = {
            "blueprint_id": blueprint_id,
            "page_index": page_index,
            "fixture_class": target["label"],
            "boxes": found,
        }
    similar = st.session_state.get("review_similar")
    if similar and similar["blueprint_id"] == blueprint_id and similar["page_index"] == page_index:
        st.write(f"{len(similar['boxes'])} similar symbol(s) not yet counted as {similar['fixture_class']}.")
        if similar["boxes"] and st.button("Add them all", key="review_add_similar", disabled=not editable):
            add_pending(
                st.session_state,
                blueprint_id,
                [
                    make_decision(
                        "add",
                        fixture_class=similar["fixture_class"],
                        page_index=page_index,
                        bbox=box,
                        reason=f"find more like this (score {score:.2f})",
                    )
                    for box, score in similar["boxes"]
                ],
            )
            st.session_state.pop("review_similar")
            st.rerun()

    hidden = hidden_undecided(sheet)
    if hidden:
        st.caption(f"{len(hidden)} detection(s) below {show_above:.2f} are hidden but still counted until rejected.")
        if st.button(
            f"Reject the {len(hidden)} hidden detection(s)", key="review_reject_hidden", disabled=not editable
        ):
            reason = f"below confidence {show_above:.2f}"
            add_pending(st.session_state, blueprint_id, [make_decision("reject", i, reason=reason) for i in hidden])
            st.rerun()

    autos = auto_accept_decisions(frame, auto_accept)
    include_auto = st.checkbox(
        f"Also save {len(autos)} auto-accepted detection(s)",
        value=True,
        key="review_save_auto",
        disabled=not editable,
    )
    s1, s2 = st.columns(2)
    if s1.button(
        "Save decisions",
        type="primary",
        key="review_save",
        disabled=not editable or not (pending or (include_auto and autos)),
    ):
        try:
            n = save_pending(user, blueprint_id, autos if include_auto else [])
            st.toast(f"Saved {n} decision(s).")
            st.rerun()
        except Exception as exc:
            st.error(readable_error(exc, "save the review decisions") + " Your decisions are still kept here.")
    if s2.button("Discard unsaved", key="review_discard", disabled=not pending):
        st.session_state.get("review_pending", {}).pop(blueprint_id, None)
        st.rerun()

st.subheader("Counts by type and sheet")
counts = counts_by_sheet(frame, sheet_names)
totals = dict(zip(counts["fixture type"].to_list(), counts["total"].to_list(), strict=True)) if counts.height else {}
schedule = schedule_for(blueprint["sha256"], tuple(sheet_names), root) if blueprint else None
mismatches = schedule_mismatches(totals, schedule or {})
flagged = {m["fixture type"] for m in mismatches}
st.dataframe(
    counts.to_pandas().style.apply(highlight_rows(flagged, "fixture type"), axis=1),
    hide_index=True,
    key="review_counts",
)
if schedule is None:
    st.caption("No fixture schedule with quantities was found on this drawing set.")
elif mismatches:
    st.warning(f"{len(mismatches)} fixture type(s) differ from the drawing's fixture schedule (highlighted).")
    st.dataframe(mismatches, hide_index=True, key="review_mismatches")
else:
    st.success("Counts match the drawing's fixture schedule.")

with st.expander(f"Detections on this sheet ({shown.height} shown of {sheet.height})"):
    st.dataframe(
        sheet.select("label", "fixture_class", "confidence", "status", "origin", "tag").to_dicts(),
        hide_index=True,
        key="review_table",
    )
