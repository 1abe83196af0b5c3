"""Analytics: win rate, revenue by month, bid turnaround, lead-to-bid conversion, fixture mix, precision."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from dashboard.utils import ui
from dashboard.utils.analytics import Analytics, compute
from dashboard.utils.charts import bar_height, show_chart
from dashboard.utils.db import readable_error
from dashboard.utils.labels import csv_bytes, with_labels
from pipelineos.db.pool import connection

user = ui.require_user()
org = user["organization_id"]
st.title("Analytics")


@st.cache_data(ttl=60, show_spinner="Crunching numbers…")
def analytics(organization_id: str) -> Analytics:
    """Every number of the page, recomputed at most once a minute."""
    with connection() as conn:
        return compute(conn, organization_id)


def pct(value: float | None) -> str:
    """A share as a whole percentage, or a dash when there is nothing to divide."""
    return "—" if value is None else f"{value:.0%}"


try:
    a = analytics(org)
except Exception as exc:
    st.error(readable_error(exc, "compute the analytics"))
    st.stop()

m = st.columns(5)
m[0].metric("Win rate", pct(a.win_rate), help="Accepted ÷ decided (accepted, declined, expired) bids.")
m[1].metric("Won value", f"${a.won_value:,.0f}")
m[2].metric(
    "Median bid turnaround",
    "—" if a.turnaround["median"] is None else f"{a.turnaround['median']:.1f} h",
    help="Upload to first sent bid.",
)
m[3].metric("Lead → bid conversion", pct(a.conversion), help="Leads that reached a bid ÷ all leads.")
m[4].metric("Detection precision", pct(a.precision), help="Accepted ÷ reviewed detections.")

month = alt.X("month:T", title=None, timeUnit="yearmonth")
left, right = st.columns(2)
with left:
    st.subheader("Revenue by month")
    show_chart(
        a.revenue,
        "mark_bar",
        month,
        alt.Y("revenue:Q", title="Accepted value ($)", axis=alt.Axis(format="$,.0f")),
        "No accepted bids yet.",
        tooltip=[alt.Tooltip("month:T", format="%B %Y"), alt.Tooltip("revenue:Q", format="$,.2f"), "bids_won:Q"],
    )
    st.subheader("Win rate by month")
    show_chart(
        a.win_by_month.drop_nulls("win_rate"),
        "mark_line",
        month,
        alt.Y("win_rate:Q", title="Win rate", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        "No decided bids yet.",
        tooltip=[alt.Tooltip("month:T", format="%B %Y"), alt.Tooltip("win_rate:Q", format=".0%"), "bids:Q"],
    )
    st.subheader("Bid turnaround (upload to first sent bid)")
    show_chart(
        a.turnaround_hours,
        "mark_bar",
        alt.X("hours:Q", bin=alt.Bin(maxbins=20), title="hours"),
        alt.Y("count():Q", title="bids"),
        "No bid has been sent yet.",
    )
with right:
    st.subheader("Lead pipeline")
    show_chart(
        with_labels(a.funnel, "status"),
        "mark_bar",
        alt.X("status:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        alt.Y("leads:Q", title="Leads"),
        "No leads yet.",
    )
    st.caption(
        "No lead has been answered yet."
        if not a.response["count"]
        else f"First response to leads: median {a.response['median']:.0f} min, "
        f"90% within {a.response['p90']:.0f} min ({a.response['count']} answered)."
    )
    st.subheader("Fixture mix (reviewed takeoff)")
    show_chart(
        with_labels(a.mix, "fixture_class"),
        "mark_bar",
        alt.X("count:Q", title="fixtures"),
        alt.Y("fixture_class:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False)),
        "No takeoff yet.",
        height=bar_height(a.mix.height),
    )
    st.subheader("Precision by confidence")
    show_chart(
        a.calibration.drop_nulls("precision"),
        "mark_bar",
        alt.X("bracket:N", sort=None, title="detector confidence", axis=alt.Axis(labelAngle=0)),
        alt.Y("precision:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        "No review decisions yet: precision appears once estimators review detections.",
        tooltip=["bracket:N", alt.Tooltip("precision:Q", format=".0%"), "reviewed:Q"],
    )

st.subheader("Detection precision by fixture type")
st.caption("From review decisions: precision = accepted ÷ reviewed; recall counts relabels into and additions.")
reviewed = a.precision_table.filter(pl.col("reviewed") > 0)
st.dataframe(
    with_labels(reviewed, "fixture_class"),
    hide_index=True,
    key="analytics_precision",
    column_config={
        "fixture_class": "Fixture type",
        "reviewed": "Reviewed",
        "accepted": "Accepted",
        "relabeled": "Relabeled away",
        "rejected": "Rejected",
        "precision": st.column_config.NumberColumn("Precision", format="percent"),
        "relabeled_in": "Relabeled into",
        "added": "Added by hand",
        "recall": st.column_config.NumberColumn("Recall", format="percent"),
    },
)
st.download_button(
    "Download precision by type (CSV)",
    csv_bytes(reviewed),
    "precision-by-type.csv",
    "text/csv",
    key="analytics_precision_csv",
)
