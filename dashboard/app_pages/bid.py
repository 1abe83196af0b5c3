"""Bid: price the reviewed takeoff with a catalog version, adjust markup and options, preview and send."""

from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from dashboard.utils import ui
from dashboard.utils.bid_panels import proposal_text_editor, show_history, show_revision_compare
from dashboard.utils.bids import TOTAL_LABELS, live_price, proposal_pages_png, reviewed_takeoff
from dashboard.utils.db import fetch_all, fetch_one, readable_error
from dashboard.utils.labels import class_label, csv_bytes, with_labels
from dashboard.utils.overlay import class_name
from dashboard.utils.review import effective_frame, pending_for
from dashboard.utils.review_data import review_rows
from dashboard.utils.session import can_edit
from pipelineos.db.pool import connection
from pipelineos.pricing.lifecycle import transition
from pipelineos.pricing.service import price_bid
from pipelineos.takeoff.models import FIXTURE_CLASSES


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def proposal_preview(pdf_sha256: str) -> list[bytes]:
    """The first pages of a stored proposal as images (a proposal PDF never changes under its sha256)."""
    pdf = ui.stored_file(pdf_sha256)
    return proposal_pages_png(pdf) if pdf else []


def money(label: str) -> Any:
    """A dollar column."""
    return st.column_config.NumberColumn(label, format="dollar")


OUTCOMES = {"Won": "accepted", "Lost": "declined", "Expired": "expired"}

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

c0, c1 = st.columns([3, 2])
blueprint_id = ui.blueprint_picker(c0, blueprints, "bid_blueprint")["id"]
blueprint, pages = ui.blueprint_detail(org, blueprint_id)
if blueprint is None:
    st.error("This blueprint no longer exists. Pick another one.")
    st.stop()
sheet_names = {p["page_index"]: p["sheet_number"] or f"page {p['page_index'] + 1}" for p in pages}

catalog = c1.selectbox(
    "Catalog version",
    catalogs,
    key="bid_catalog",
    format_func=lambda c: f"{c['name']} v{c['version']}" + (" (active)" if c["is_active"] else ""),
)
c2, c3, c4 = st.columns(3, vertical_alignment="bottom")
markup = c2.number_input("Markup %", 0.0, 100.0, float(catalog["markup_pct"]), 0.5, key="bid_markup")
round_to = c3.selectbox("Round total to", ["0.01", "1", "10", "100"], key="bid_round")
tax_on_total = c4.checkbox(
    "Tax on whole price",
    key="bid_tax_total",
    help="Off: tax on material only (usual for contractors). On: tax on the full price.",
)
with st.expander("Options (alternates priced beside the base bid)"):
    o1, o2, o3 = st.columns([2, 2, 1])
    option_name = o1.text_input("Option name", key="bid_option_name", max_chars=80, placeholder="e.g. Add 2 hose bibbs")
    option_class = o2.selectbox("Fixture type", FIXTURE_CLASSES, format_func=class_name, key="bid_option_class")
    option_qty = o3.number_input("Quantity", -50, 50, 1, key="bid_option_qty")
    options = (
        [{"name": option_name.strip(), "fixture_class": option_class, "quantity": option_qty}]
        if option_name.strip() and option_qty
        else []
    )

pending = pending_for(st.session_state, blueprint_id)
try:
    detections, saved, added = review_rows(org, blueprint_id)
    frame = effective_frame(
        detections,
        saved,
        added,
        pending,
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
    bids = fetch_all("blueprint_bids", organization_id=org, blueprint_id=blueprint_id)
except Exception as exc:
    st.error(readable_error(exc, "price the takeoff"))
    st.stop()

unsaved = f", including {len(pending)} unsaved review decision(s)" if pending else ""
st.caption(f"Priced live from the reviewed takeoff: {takeoff.height} fixtures{unsaved}.")
parts = [k for k in TOTAL_LABELS if k != "rounding" or totals["rounding"]]
for row in (parts[:4], parts[4:]):
    for column, key in zip(st.columns(4), row, strict=False):
        column.metric(TOTAL_LABELS[key], f"${totals[key]:,.2f}")
st.dataframe(
    with_labels(lines.with_columns(lines["flag"].fill_null("")), "fixture_class"),
    hide_index=True,
    key="bid_lines",
    column_config={
        "line_no": st.column_config.NumberColumn("#", width="small"),
        "fixture_class": "Fixture type",
        "description": st.column_config.TextColumn("Assembly", width="large"),
        "quantity": st.column_config.NumberColumn("Qty", format="%g"),
        "material": money("Material"),
        "labor": money("Labor"),
        "line total": money("Line total"),
        "flag": "Check",
    },
)
st.download_button("Download lines (CSV)", partial(csv_bytes, lines), "bid-lines.csv", "text/csv", key="bid_lines_csv")
for flagged in lines.filter(lines["flag"].is_not_null())["flag"].to_list():
    st.warning(flagged)
for option in priced_options:
    st.text(f"Option — {option['description']}: ${float(option['amount']):,.2f} ({option['kind']})")
    if option.get("flag"):
        st.warning(option["flag"])

st.subheader("Draft, proposal, send")
draft = next((b for b in bids if b["status"] == "draft"), None)
customer = st.text_input(
    "Customer email",
    value=(draft or {}).get("customer_email") or blueprint.get("customer_email") or "",
    key="bid_customer_email",
    max_chars=254,
)
same_markup = abs(markup - float(catalog["markup_pct"])) < 1e-9
if not same_markup:
    st.info(
        f"A saved bid uses the catalog's markup ({float(catalog['markup_pct']):g} %). To bid at {markup:g} %, an admin "
        "saves a new catalog version with that markup on the Price catalog page; this one stays a what-if."
    )
    st.page_link("app_pages/catalog.py", label="Open the price catalog", icon="🗂️")
if draft:
    proposal_text_editor(org, draft, editable)
s1, s2, s3 = st.columns(3)
if s1.button("Save draft bid", key="bid_save", disabled=not (editable and same_markup), width="stretch"):
    try:
        with connection() as conn:
            draft = price_bid(
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
        st.success(f"Draft bid saved: ${float(draft['total']):,.2f}.")
    except Exception as exc:
        st.error(readable_error(exc, "save the bid"))
if s2.button("Render proposal", key="bid_render", disabled=not (editable and draft), width="stretch"):
    try:
        from pipelineos.proposals.service import create_proposal  # WeasyPrint loads only when a proposal is made

        with connection() as conn, st.spinner("Rendering the proposal PDF…"):
            create_proposal(conn, ui.file_store(), bid_id=str(draft["id"]))  # type: ignore[index]
        st.success("Proposal rendered: preview below.")
    except Exception as exc:
        st.error(readable_error(exc, "render the proposal"))
proposal = fetch_one("bid_proposals", organization_id=org, bid_id=str(draft["id"])) if draft else None
if s3.button(
    f"Send to {ui.escape_md(customer.strip())}" if customer.strip() else "Send proposal",
    key="bid_send",
    type="primary",
    disabled=not (editable and proposal and customer.strip()),
    width="stretch",
    help="Save the draft and render its proposal first.",
):
    try:
        from pipelineos.proposals.service import queue_proposal_email

        with connection() as conn:
            queue_proposal_email(conn, proposal["id"], customer.strip(), user["id"])  # type: ignore[index]
        proposal = fetch_one("bid_proposals", organization_id=org, bid_id=str(draft["id"]))  # type: ignore[index]
        bids = fetch_all("blueprint_bids", organization_id=org, blueprint_id=blueprint_id)
        if proposal and proposal["status"] == "failed":
            st.error(f"The address {ui.escape_md(customer.strip())} was refused; correct it and send again.")
        else:
            st.success(f"Proposal queued for {ui.escape_md(customer.strip())}; the bid is now sent.")
    except Exception as exc:
        st.error(readable_error(exc, "send the proposal"))
if proposal:
    pdf = ui.stored_file(proposal["pdf_sha256"])
    if pdf:
        st.caption(f"Proposal preview ({proposal['page_count']} page(s), {proposal['status']}).")
        for column, image in zip(st.columns(3), proposal_preview(proposal["pdf_sha256"]), strict=False):
            column.image(image, width="stretch")
        st.download_button("Download proposal PDF", pdf, "proposal.pdf", "application/pdf", key="bid_pdf_preview")

st.subheader("Bids for this blueprint")
if not bids:
    st.caption("No bid saved for this blueprint yet.")
for bid in bids:
    with st.expander(f"{ui.escape_md(bid['name'])} — {class_label(bid['status'])} — \\${bid['total']:,.2f}"):
        sent = f"{bid['sent_at']:%Y-%m-%d %H:%M}" if bid["sent_at"] else "not sent"
        st.text(f"Catalog v{bid['catalog_version']} · customer {bid['customer_email'] or '—'} · {sent}")
        show_history(org, bid["id"])
        found = fetch_one("bid_proposals", organization_id=org, bid_id=bid["id"])
        pdf = ui.stored_file(found["pdf_sha256"]) if found else None
        if pdf:
            st.download_button("Proposal PDF", pdf, "proposal.pdf", "application/pdf", key=f"bid_pdf_{bid['id']}")
        if bid["status"] == "sent" and editable:
            for column, (label, status) in zip(st.columns(len(OUTCOMES)), OUTCOMES.items(), strict=True):
                if column.button(f"Mark {label.lower()}", key=f"bid_outcome_{status}_{bid['id']}"):
                    try:
                        with connection() as conn:
                            transition(
                                conn, organization_id=org, bid_id=bid["id"], to_status=status, user_id=user["id"]
                            )
                        st.rerun()
                    except Exception as exc:
                        st.error(readable_error(exc, "record the outcome"))

show_revision_compare(blueprint_id)
