"""Review: the sheet with its detections; accept, reject, relabel, add what was missed, save."""

from __future__ import annotations

import io
from functools import partial

import polars as pl
import streamlit as st

from dashboard.utils import ui
from dashboard.utils.add_panel import MODE_KEY, click_key, clickable_sheet, take_click
from dashboard.utils.db import readable_error
from dashboard.utils.labels import csv_bytes, with_labels
from dashboard.utils.overlay import WHOLE_SHEET, class_name, draw_boxes, highlight_rows, review_chart
from dashboard.utils.review import counts_by_sheet, effective_frame, pending_for, schedule_mismatches
from dashboard.utils.review_data import review_rows, schedule_for, sheet_image
from dashboard.utils.review_panel import (
    ReviewView,
    add_fixture_controls,
    area_controls,
    find_more_like_this,
    save_controls,
    selection_and_decisions,
    similar_for,
)
from dashboard.utils.session import can_edit
from dashboard.utils.sheet_view import apply_chart_event, chart_key, pan, zoom_factor

DISPLAY_WIDTHS = {"Small": 560, "Medium": 760, "Large": 1180}


def annotated_png(png: bytes, frame: pl.DataFrame) -> bytes:
    """The sheet with its boxes drawn, made only when the user downloads it."""
    buffer = io.BytesIO()
    draw_boxes(png, frame).save(buffer, format="PNG")
    return buffer.getvalue()


def on_chart_event(key: str, selected_key: str, area_key: str) -> None:
    """Chart callback: a click toggles a box in the selection, a drag marks an area."""
    apply_chart_event(st.session_state, key, selected_key, area_key)


user = ui.require_user()
root = str(ui.file_store().root)
org = user["organization_id"]
st.title("Review takeoff")

try:
    blueprints = ui.reviewable_blueprints(org)
except Exception as exc:
    st.error(readable_error(exc, "load the blueprints"))
    st.stop()
if not blueprints:
    st.info("No processed blueprint to review yet. Upload one and wait until it is completed.")
    st.stop()

t1, t2 = st.columns([3, 2])
blueprint_id = ui.blueprint_picker(t1, blueprints, "review_bp_select")["id"]

try:
    blueprint, pages = ui.blueprint_detail(org, blueprint_id)
    detections, saved, added = review_rows(org, blueprint_id)
except Exception as exc:
    st.error(readable_error(exc, "load the takeoff"))
    st.stop()
if not pages:
    st.warning("This blueprint has no rendered sheet yet; re-run it from the Blueprints page.")
    st.stop()
sheet_names = {p["page_index"]: p["sheet_number"] or f"page {p['page_index'] + 1}" for p in pages}
titles = {p["page_index"]: ui.sheet_label(p) for p in pages}
page_index = t2.selectbox("Sheet", list(sheet_names), format_func=titles.__getitem__, key="review_page")
c1, c2, c3 = st.columns([2, 2, 1])
show_above = c1.slider("Show detections above confidence", 0.0, 1.0, 0.30, 0.05, key="review_show_above")
auto_accept = c2.slider("Auto-accept above confidence", 0.0, 1.0, 0.90, 0.05, key="review_auto_accept")
size = c3.segmented_control("Sheet size", list(DISPLAY_WIDTHS), default="Medium", key="review_size") or "Medium"

keys = {k: f"review_{k}_{blueprint_id}_{page_index}" for k in ("selected", "area", "zoom")}
region = st.session_state.get(keys["zoom"], WHOLE_SHEET)
editable = can_edit(user)
on_page = [r for r in [*detections, *added] if r["page_index"] == page_index]
take_click(st.session_state, blueprint_id, page_index, region, on_page, editable)
pending = pending_for(st.session_state, blueprint_id)
frame = effective_frame(detections, saved, added, pending, show_above, auto_accept)
sheet = frame.filter(pl.col("page_index") == page_index)
page = next(p for p in pages if p["page_index"] == page_index)
shown = sheet.filter(pl.col("shown") & ~pl.col("origin").str.starts_with("added"))
labels = {
    r["id"]: f"{class_name(r['label'])} · {r['confidence']:.2f} · {r['status']}"
    + (f" · {r['tag']}" if r["tag"] else "")
    for r in shown.iter_rows(named=True)
}
st.session_state[keys["selected"]] = [i for i in st.session_state.get(keys["selected"], []) if i in labels]
png, width, height, real_image = sheet_image(page["image_sha256"], page["width_pt"], page["height_pt"], root, region)
full_png = (
    png if region == WHOLE_SHEET else sheet_image(page["image_sha256"], page["width_pt"], page["height_pt"], root)[0]
)
view = ReviewView(
    user=user,
    editable=editable,
    blueprint=blueprint,
    blueprint_id=blueprint_id,
    page=page,
    frame=frame,
    sheet=sheet,
    png=full_png,
    labels=labels,
    selected_key=keys["selected"],
    area_key=keys["area"],
    zoom_key=keys["zoom"],
)

display_width = DISPLAY_WIDTHS[size]
with st.container(horizontal=True, gap="medium"):
    sheet_column = st.container(width=display_width + 16)
    panel = st.container(width="stretch")
with sheet_column:
    if not real_image:
        st.caption("The rendered sheet is missing from storage; boxes are drawn on a blank sheet.")
    for note in page.get("notes") or []:
        st.caption(f"Takeoff note: {ui.escape_md(note)}")
    if region != WHOLE_SHEET:
        z = st.columns([3, 1, 1, 1, 1, 2], vertical_alignment="center")
        z[0].caption(f"Zoomed {zoom_factor(region):.1f}×: drag another area to zoom further.")
        moves = [("←", -0.5, 0), ("→", 0.5, 0), ("↑", 0, -0.5), ("↓", 0, 0.5)]
        for column, (arrow, dx, dy) in zip(z[1:5], moves, strict=True):
            column.button(
                arrow,
                key=f"review_pan_{arrow}",
                width="stretch",
                on_click=st.session_state.__setitem__,
                args=(keys["zoom"], pan(region, dx, dy)),
            )
        z[5].button(
            "Whole sheet",
            key="review_zoom_reset",
            width="stretch",
            on_click=st.session_state.pop,
            args=(keys["zoom"], None),
        )
    similar = similar_for(view)
    if editable and st.session_state.get(MODE_KEY):
        clickable_sheet(png, sheet, region, display_width, click_key(blueprint_id, page_index))
    else:
        key = chart_key(st.session_state)
        st.vega_lite_chart(
            spec=review_chart(
                png,
                display_width,
                round(display_width * height / width),
                sheet,
                region=region,
                selected=st.session_state[keys["selected"]],
                candidates=[box for box, _ in similar["boxes"]] if similar else (),
                area=st.session_state.get(keys["area"]),
            ),
            width="content",
            on_select=partial(on_chart_event, key, keys["selected"], keys["area"]),
            selection_mode=["pick", "box"],
            key=key,
        )
        st.caption(
            "Click a box to select or unselect it; drag on the sheet to mark an area. "
            "Faint grey: rejected. Thick: selected."
        )

with panel:
    m1, m2, m3 = st.columns(3)
    m1.metric("Unsaved", len(pending), help="Decisions kept in this session until you save them.")
    m2.metric("Counted here", int(sheet["counted"].sum()))
    m3.metric("Undecided", shown.filter(pl.col("status") == "undecided").height)
    chosen = selection_and_decisions(view)
    area_controls(view)
    add_fixture_controls(view)
    find_more_like_this(view, chosen)
    save_controls(view, show_above, auto_accept)

st.subheader("Counts by type and sheet")
counts = counts_by_sheet(frame, sheet_names)
totals = dict(zip(counts["fixture type"].to_list(), counts["total"].to_list(), strict=True)) if counts.height else {}
schedule = schedule_for(blueprint["sha256"], tuple(sheet_names), root) if blueprint else None
mismatches = schedule_mismatches(totals, schedule or {})
flagged = {m["fixture type"] for m in mismatches}
st.dataframe(
    with_labels(counts, "fixture type")
    .to_pandas()
    .style.apply(highlight_rows({class_name(c) for c in flagged}, "fixture type"), axis=1),
    hide_index=True,
    key="review_counts",
)
if schedule is None:
    st.caption("No fixture schedule with quantities was found on this drawing set.")
elif mismatches:
    st.warning(f"{len(mismatches)} fixture type(s) differ from the drawing's fixture schedule (highlighted).")
    st.dataframe(
        [{**m, "fixture type": class_name(m["fixture type"])} for m in mismatches],
        hide_index=True,
        key="review_mismatches",
    )
else:
    st.success("Counts match the drawing's fixture schedule.")

with st.expander(f"Detections on this sheet ({shown.height} shown of {sheet.height})"):
    table = sheet.select("label", "fixture_class", "confidence", "status", "origin", "tag")
    st.dataframe(
        with_labels(table, "label", "fixture_class"),
        hide_index=True,
        key="review_table",
        column_config={
            "label": "Fixture type",
            "fixture_class": "Detected as",
            "confidence": st.column_config.NumberColumn("Confidence", format="%.2f"),
            "status": "Status",
            "origin": "Decided by",
            "tag": "Tag",
        },
    )
    st.download_button(
        "Download detections (CSV)",
        partial(
            csv_bytes,
            sheet.select(
                "id",
                "page_index",
                "label",
                "fixture_class",
                "confidence",
                "status",
                "origin",
                "tag",
                "x0",
                "y0",
                "x1",
                "y1",
            ),
        ),
        file_name=f"detections-sheet-{page_index + 1}.csv",
        mime="text/csv",
        key="review_download_csv",
    )
    st.download_button(
        "Download annotated sheet",
        partial(annotated_png, full_png, sheet),
        file_name=f"sheet-{page_index + 1}.png",
        mime="image/png",
        key="review_download",
    )
