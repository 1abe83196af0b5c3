"""Bid: price the reviewed takeoff with a catalog version, adjust markup and options, preview and send."""

from __future__ import annotations

import streamlit as st

from dashboard.utils import ui
from dashboard.utils.bids import first_page_png, live_price, reviewed_takeoff
from dashboard.utils.db import fetch_all, fetch_one, readable_error
from dashboard.utils.review import effective_frame, pending_for
from dashboard.utils.review_data import review_rows
from dashboard.utils.session import can_edit
from pipelineos.db.pool import connection
from pipelineos.pricing.service import price_bid
from pipelineos.takeoff.models import FIXTURE_CLASSES

user = ui.require_user()
org = user["organization_id"]
editable = can_edit(user)
st.title("Bid")

try:
    blueprints = ui.reviewable_blueprints(org)
    catalogs = ui.catalogs(org)
except Exception as exc:
    st.error(readable_error(exc, "load blueprints and catalogs"))
    st.stop()
if not blueprints or not catalogs:
    st.info("A bid needs a processed blueprint and a price catalog.")
    st.stop()

ids = [b["id"] for b in blueprints]
wanted = st.session_state.get("review_blueprint_id")
bp = st.selectbox(
    "Blueprint",
    blueprints,
    index=ids.index(wanted) if wanted in ids else 0,
    format_func=ui.blueprint_label,
    key="bid_blueprint",
)
blueprint_id = bp["id"]
blueprint, pages = ui.blueprint_detail(org, blueprint_id)
if blueprint is None:
    st.error("This blueprint no longer exists. Pick another one.")
    st.stop()
sheet_names = {p["page_index"]: p["sheet_number"] or f"page {p['page_index'] + 1}" for p in pages}

c1, c2, c3, c4 = st.columns(4)
catalog = c1.selectbox(
    "Catalog version",
    catalogs,
    key="bid_catalog",
    format_func=lambda c: f"{c['name']} v{c['version']}" + (" (active)" if c["is_active"] else ""),
)
markup = c2.number_input("Markup %", 0.0, 100.0, float(catalog["markup_pct"]), 0.5, key="bid_markup")
round_to = c3.selectbox("Round total to", ["0.01", "1", "10", "100"], key="bid_round")
tax_on_total = c4.checkbox(
    "Tax on whole price",
    key="bid_tax_total",
    help="Off: tax on material only (usual for contractors). On: tax on the full price.",
)

with st.expander("Options (alternates priced beside the base bid)"):
    o1, o2, o3 = st.columns([2, 2, 1])
    option_name = o1.text_input("Option name", key="bid_option_name", max_chars=80)
    option_class = o2.selectbox("Fixture type", FIXTURE_CLASSES, key="bid_option_class")
    option_qty = o3.number_input("Quantity", -50, 50, 1, key="bid_option_qty")
    options = (
        [{"name": option_name.strip(), "fixture_class": option_class, "quantity": option_qty}]
        if option_name.strip() and option_qty
        else []
    )

try:
    detections, saved, added = review_rows(org, blueprint_id)
    frame = effective_frame(
        detections,
        saved,
        added,
        pending_for(st.session_state, blueprint_id),
        st.session_state.get("review_show_above", 0.30),
        st.session_state.get("review_auto_accept", 0.90),
    )
    takeoff = reviewed_takeoff(frame, sheet_names)
    with connection() as conn:
        lines, totals, priced_options = live_price(
            conn,
            catalog,
            takeoff,
            markup_pct=markup,
            tax_on_total=tax_on_total,
            round_total_to=round_to,
            options=options,
        )
except Exception as exc:
    st.error(readable_error(exc, "price the takeoff"))
    st.stop()

st.caption(
    f"Priced live from the reviewed takeoff: {takeoff.height} fixtures"
    + (
        f", including {len(pending_for(st.session_state, blueprint_id))} unsaved review decision(s)."
        if pending_for(st.session_state, blueprint_id)
        else "."
    )
)
m = st.columns(5)
for column, (label, key) in zip(
    m,
    [
        ("Material", "material"),
        ("Labor", "labor_cost"),
        ("Overhead", "overhead"),
        ("Markup", "markup"),
        ("Total", "total"),
    ],
    strict=True,
):
    column.metric(label, f"${totals[key]:,.2f}")
st.dataframe(lines, hide_index=True, key="bid_lines")
for flagged in lines.filter(lines["flag"].is_not_null())["flag"].to_list():
    st.warning(flagged)
for option in priced_options:
    st.write(f"Option — {ui.escape_md(option['description'])}: ${float(option['amount']):,.2f} ({option['kind']})")
    if option.get("flag"):
        st.warning(option["flag"])

bids = fetch_all("blueprint_bids", organization_id=org, blueprint_id=blueprint_id)
draft = next((b for b in bids if b["status"] == "draft"), None)
customer = st.text_input(
    "Customer email",
    value=(draft or {}).get("customer_email") or blueprint.get("customer_email") or "",
    key="bid_customer_email",
    max_chars=254,
)
s1, s2 = st.columns(2)
same_markup = abs(markup - float(catalog["markup_pct"])) < 1e-9
if not same_markup:
    st.info("Saved bids use the catalog's markup; change it on the Price catalog page to save this markup.")
if s1.button("Save draft bid", key="bid_save", disabled=not (editable and same_markup)):
    try:
        with connection() as conn:
            bid = price_bid(
                conn,
                organization_id=org,
                blueprint_id=blueprint_id,
                takeoff=takeoff,
                bid_id=draft["id"] if draft else None,
                catalog_id=catalog["id"],
                customer_email=customer.strip() or None,
                options=options,
                created_by=user["id"],
                round_total_to=round_to,
                tax_on_total=tax_on_total,
            )
        st.success(f"Draft bid saved: ${float(bid['total']):,.2f}.")
    except Exception as exc:
        st.error(readable_error(exc, "save the bid"))
if s2.button("Send proposal", key="bid_send", type="primary", disabled=not (editable and customer.strip())):
    try:
        with connection() as conn:
            fetch_all(
                "insert_bid_request",
                conn,
                organization_id=org,
                blueprint_id=blueprint_id,
                variant="base",
                catalog_id=catalog["id"],
                customer_name=blueprint.get("customer_name"),
                customer_email=customer.strip(),
                send_proposal=True,
                reason="dashboard",
            )
        st.success("Queued: the pipeline prices the bid, renders the proposal PDF and emails it.")
    except Exception as exc:
        st.error(readable_error(exc, "queue the proposal"))

st.subheader("Bids and proposals")
if not bids:
    st.caption("No bid saved for this blueprint yet.")
for bid in bids:
    with st.expander(f"{bid['name']} — {bid['status']} — ${bid['total']:,.2f}"):
        proposal = fetch_one("bid_proposals", organization_id=org, bid_id=bid["id"])
        if proposal is None:
            st.caption("No proposal rendered yet.")
            continue
        st.text(f"Proposal {proposal['status']} to {proposal['recipient_email'] or 'no recipient'}")
        pdf = ui.stored_file(proposal["pdf_sha256"])
        if pdf:
            st.image(first_page_png(pdf), caption="Proposal, first page", width=600)
            st.download_button(
                "Download proposal PDF",
                pdf,
                file_name="proposal.pdf",
                mime="application/pdf",
                key=f"bid_pdf_{bid['id']}",
            )
