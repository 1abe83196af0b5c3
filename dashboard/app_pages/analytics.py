"""Analytics: win rate, revenue by month, bid turnaround, lead-to-bid conversion, fixture mix, precision."""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl
import streamlit as st

from dashboard.utils import ui
from dashboard.utils.analytics import Analytics, compute
from dashboard.utils.db import readable_error
from pipelineos.db.pool import connection

user = ui.require_user()
org = user["organization_id"]
st.title("Analytics")


@st.cache_data(ttl=60, show_spinner="Crunching numbers…")
def analytics(organization_id: str) -> Analytics:
    with connection() as conn:
        return compute(conn, organization_id)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def chart(frame: pl.DataFrame, mark: str, x: Any, y: Any, **kw: Any) -> alt.Chart:
    base = alt.Chart(alt.Data(values=frame.to_dicts()))
    return getattr(base, mark)().encode(x=x, y=y, **kw).properties(height=220)


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
m[3].metric("Lead → bid conversion", pct(a.conversion))
m[4].metric("Detection precision", pct(a.precision), help="Accepted ÷ reviewed detections.")

left, right = st.columns(2)
with left:
    st.subheader("Revenue by month")
    if a.revenue.height:
        st.altair_chart(chart(a.revenue, "mark_bar", "month:T", "revenue:Q", tooltip=["month:T", "revenue:Q"]))
    else:
        st.caption("No accepted bids yet.")
    st.subheader("Win rate by month")
    if a.win_by_month.height:
        st.altair_chart(
            chart(
                a.win_by_month.drop_nulls("win_rate"),
                "mark_line",
                "month:T",
                alt.Y("win_rate:Q", axis=alt.Axis(format="%")),
                tooltip=["month:T", "bids:Q"],
            )
        )
    st.subheader("Bid turnaround (upload to first sent bid)")
    if a.turnaround_hours.height:
        st.altair_chart(
            chart(
                a.turnaround_hours,
                "mark_bar",
                alt.X("hours:Q", bin=alt.Bin(maxbins=20), title="hours"),
                alt.Y("count():Q", title="bids"),
            )
        )
    else:
        st.caption("No bid has been sent yet.")
with right:
    st.subheader("Lead pipeline")
    st.altair_chart(chart(a.funnel, "mark_bar", alt.X("status:N", sort=None), "leads:Q"))
    st.subheader("Fixture mix (reviewed takeoff)")
    if a.mix.height:
        st.altair_chart(chart(a.mix, "mark_bar", alt.X("count:Q"), alt.Y("fixture_class:N", sort="-x")))

st.subheader("Detection precision by fixture type")
st.dataframe(
    a.precision_table,
    hide_index=True,
    key="analytics_precision",
    column_config={
        "precision": st.column_config.NumberColumn(format="percent"),
        "recall": st.column_config.NumberColumn(format="percent"),
    },
)
st.caption(
    f"First response to leads: median {a.response['median'] or 0:.0f} min, "
    f"90% within {a.response['p90'] or 0:.0f} min ({a.response['count']} answered)."
)
