"""Blueprints: every uploaded drawing with its status, filterable, with readable processing errors."""

from __future__ import annotations

import streamlit as st

from dashboard.utils import ui
from dashboard.utils.charts import uploads_per_day_spec
from dashboard.utils.db import readable_error
from dashboard.utils.labels import class_label
from pipelineos.blueprints.service import STATUSES

user = ui.require_user()
org = user["organization_id"]
st.title("Blueprints")

left, mid, right = st.columns([1, 2, 1])
status = left.selectbox("Status", ["all", *STATUSES], format_func=class_label, key="bp_status")
search = mid.text_input("Search name, project or customer", key="bp_search", max_chars=100)
limit = right.selectbox("Show", [100, 500, 1000], index=1, key="bp_limit")

try:
    counts = ui.status_counts(org)
    rows = ui.blueprint_list(org, None if status == "all" else status, search.strip() or None, int(limit))
except Exception as exc:
    st.error(readable_error(exc, "load the blueprints"))
    st.stop()

for column, name in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
    column.metric(class_label(name), counts.get(name, 0))

if not rows:
    st.info("No blueprints match. Upload a drawing on the Upload page.")
    st.stop()

uploads = uploads_per_day_spec(rows)
if uploads is not None:
    st.vega_lite_chart(spec=uploads, width="stretch", key="bp_uploads_chart")
st.dataframe(
    [
        {
            k: r[k]
            for k in (
                "original_name",
                "project_name",
                "customer_name",
                "status",
                "page_count",
                "detections",
                "created_at",
                "error",
            )
        }
        | {"status": class_label(r["status"])}
        for r in rows
    ],
    hide_index=True,
    width="stretch",
    key="bp_table",
    column_config={
        "original_name": "File",
        "project_name": "Project",
        "customer_name": "Customer",
        "status": "Status",
        "page_count": st.column_config.NumberColumn("Sheets"),
        "detections": st.column_config.NumberColumn("Fixtures found"),
        "created_at": st.column_config.DatetimeColumn("Uploaded", format="YYYY-MM-DD HH:mm"),
        "error": st.column_config.TextColumn("Error", width="large"),
    },
)

failed = [r for r in rows if r["status"] == "failed"]
if failed:
    with st.expander(f"{len(failed)} failed blueprint(s): what went wrong"):
        for r in failed:
            st.text(f"{r['original_name']}: {r['error'] or 'no reason recorded'}")

reviewable = [r for r in rows if r["status"] == "completed"]
if reviewable:
    choice = st.selectbox("Open for review", reviewable, format_func=ui.blueprint_label, key="bp_open")
    if st.button("Review this blueprint", key="bp_open_button"):
        st.session_state[ui.CURRENT_BLUEPRINT_KEY] = choice["id"]
        st.switch_page("app_pages/review.py")
