"""Leads: the inbox, the pipeline by status and how fast leads get their first answer."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from dashboard.utils import ui
from dashboard.utils.charts import show_chart
from dashboard.utils.db import fetch_all, readable_error
from dashboard.utils.labels import class_label
from dashboard.utils.session import can_edit
from pipelineos.db.pool import connection
from pipelineos.leads.models import STATUSES
from pipelineos.leads.service import add_note, list_leads, update_lead
from pipelineos.reporting import load_frame, response_minutes, summary_stats

user = ui.require_user()
org = user["organization_id"]
st.title("Leads")


@st.cache_data(ttl=30, show_spinner=False)
def lead_overview(organization_id: str) -> tuple[list[dict], dict, pl.DataFrame]:
    """Leads per status, first-response statistics and the answered leads' response minutes."""
    counts = fetch_all("lead_status_counts", organization_id=organization_id)
    with connection() as conn:
        minutes = response_minutes(load_frame(conn, "leads", organization_id)).select("minutes").drop_nulls()
    return counts, summary_stats(minutes["minutes"]), minutes


def minutes_text(value: float | None) -> str:
    """Response minutes as a readable duration."""
    return "—" if value is None else ui.duration_text(value * 60)


try:
    counts, response, answered = lead_overview(org)
except Exception as exc:
    st.error(readable_error(exc, "load the leads"))
    st.stop()

by_status = {r["status"]: int(r["n"]) for r in counts}
cols = st.columns(len(STATUSES) + 2)
for column, status in zip(cols, STATUSES, strict=False):
    column.metric(class_label(status), by_status.get(status, 0))
cols[-2].metric("Median first response", minutes_text(response["median"]))
cols[-1].metric("90% answered within", minutes_text(response["p90"]))
left, right = st.columns(2)
with left:
    show_chart(
        pl.DataFrame({"status": [class_label(s) for s in STATUSES], "leads": [by_status.get(s, 0) for s in STATUSES]}),
        "mark_bar",
        alt.X("status:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        alt.Y("leads:Q", title="Leads"),
        "No leads yet.",
        height=180,
    )
with right:
    show_chart(
        answered,
        "mark_bar",
        alt.X("minutes:Q", bin=alt.Bin(maxbins=24), title="minutes to first response"),
        alt.Y("count():Q", title="leads"),
        "No lead has been answered yet.",
        height=180,
    )

f1, f2 = st.columns([1, 2])
status = f1.selectbox("Status", ["all", *STATUSES], key="leads_status")
query = f2.text_input("Search name, email, company or message", key="leads_search", max_chars=100)
try:
    with connection() as conn:
        leads, total = list_leads(
            conn, org, status=None if status == "all" else status, q=query.strip() or None, limit=200
        )
except Exception as exc:
    st.error(readable_error(exc, "search the leads"))
    st.stop()

st.caption(f"{total} lead(s); newest first." + (" Showing the first 200." if total > 200 else ""))
st.dataframe(
    [
        {
            "name": lead.get("name"),
            "contact": lead.get("email") or lead.get("phone") or "",
            "company": lead.get("company") or "",
            "status": class_label(lead.get("status")),
            "source": lead.get("source"),
            "received": lead.get("created_at"),
            "first answer": ui.duration_text(
                (lead["first_response_at"] - lead["created_at"]).total_seconds()
                if lead.get("first_response_at") and lead.get("created_at")
                else None
            ),
        }
        for lead in leads
    ],
    hide_index=True,
    key="leads_table",
    column_config={"received": st.column_config.DatetimeColumn("Received", format="YYYY-MM-DD HH:mm")},
)
if leads:
    lead = st.selectbox(
        "Open lead",
        leads,
        key="leads_open",
        format_func=lambda r: f"{r['name']} <{r.get('email') or r.get('phone') or '-'}> ({class_label(r['status'])})",
    )
    with st.container(border=True):
        st.text(f"From: {lead['name']}  {lead.get('email') or ''}  {lead.get('phone') or ''}")
        st.text(lead.get("message") or "(no message)")
    if can_edit(user):
        with st.form("leads_update"):
            new_status = st.selectbox(
                "Move to",
                STATUSES,
                index=STATUSES.index(lead["status"]),
                format_func=class_label,
                key="leads_new_status",
            )
            note = st.text_area("Note", key="leads_note", max_chars=4000)
            if st.form_submit_button("Update lead"):
                try:
                    with connection() as conn:
                        if new_status != lead["status"]:
                            update_lead(conn, org, lead["id"], status=new_status)
                        if note.strip():
                            add_note(conn, org, lead["id"], user["id"], note.strip())
                    lead_overview.clear()
                    st.success("Lead updated.")
                except Exception as exc:
                    st.error(readable_error(exc, "update the lead"))
