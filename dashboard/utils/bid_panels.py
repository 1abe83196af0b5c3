"""Bid page sections: a bid's status history, the revision compare with the project's previous drawing, and
the proposal text (scope, exclusions, terms) of a draft bid.

Each section reads through the pricing core (:mod:`pipelineos.pricing.lifecycle`,
:mod:`pipelineos.pricing.revisions`, :func:`pipelineos.pricing.service.set_proposal_text`) and shows a readable
message instead of an exception.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import polars as pl
import streamlit as st

from dashboard.utils import ui
from dashboard.utils.db import readable_error
from dashboard.utils.labels import class_label, csv_bytes, with_labels
from pipelineos.db.pool import connection
from pipelineos.errors import NotFoundError
from pipelineos.pricing.lifecycle import compare_with_previous, history
from pipelineos.proposals.context import DEFAULT_EXCLUSIONS, DEFAULT_SCOPE, DEFAULT_TERMS

TEXT_PARTS = {"scope": DEFAULT_SCOPE, "exclusions": DEFAULT_EXCLUSIONS, "terms": DEFAULT_TERMS}
TEXT_TITLES = {"scope": "Scope of work", "exclusions": "Exclusions", "terms": "Terms"}


def status_history(organization_id: str, bid_id: str) -> list[dict[str, Any]]:
    """The bid's status changes, oldest first, as table rows (statuses as words, who as an email)."""
    with connection() as conn:
        rows = history(conn, organization_id=organization_id, bid_id=bid_id)
    return [
        {
            "from": class_label(r["from_status"]) if r["from_status"] else "—",
            "to": class_label(r["to_status"]),
            "when": r["changed_at"],
            "by": r.get("user_email") or "system",
        }
        for r in rows
    ]


def show_history(organization_id: str, bid_id: str) -> None:
    """The status history table of one bid (inside its expander)."""
    try:
        rows = status_history(organization_id, bid_id)
    except Exception as exc:
        st.error(readable_error(exc, "load the bid's status history"))
        return
    if not rows:
        st.caption("No status change recorded yet.")
        return
    st.dataframe(
        rows,
        hide_index=True,
        key=f"bid_history_{bid_id}",
        column_config={"when": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm")},
    )


@st.cache_data(ttl=300, max_entries=32, show_spinner="Comparing with the previous version…")
def revision_compare(blueprint_id: str, root: str) -> dict[str, Any] | None:
    """The compare with the project's previous blueprint version, or None when there is none."""
    with connection() as conn:
        try:
            return compare_with_previous(conn, blueprint_id, ui.storage(root))
        except NotFoundError:
            return None


def show_revision_compare(blueprint_id: str) -> None:
    """Per-type count deltas against the previous version of the same project, and the overlay image."""
    st.subheader("Changes since the previous version")
    try:
        compared = revision_compare(blueprint_id, str(ui.file_store().root))
    except Exception as exc:
        st.error(readable_error(exc, "compare with the previous version"))
        return
    if compared is None:
        st.caption(
            "No earlier version of this project: upload a revision with the same project name to see what changed."
        )
        return
    deltas = pl.DataFrame(
        compared["deltas"],
        schema={"fixture_class": pl.String, "previous": pl.Int64, "current": pl.Int64, "delta": pl.Int64},
    )
    changed = deltas.filter(pl.col("delta") != 0)
    st.caption(f"{changed.height} fixture type(s) changed count against the previous version.")
    st.dataframe(
        with_labels(deltas, "fixture_class"),
        hide_index=True,
        key="bid_revision_deltas",
        column_config={
            "fixture_class": "Fixture type",
            "previous": "Previous",
            "current": "This version",
            "delta": st.column_config.NumberColumn("Change", format="%+d"),
        },
    )
    st.download_button(
        "Download count changes (CSV)",
        partial(csv_bytes, deltas),
        file_name="revision-deltas.csv",
        mime="text/csv",
        key="bid_revision_csv",
    )
    if compared.get("overlay_png"):
        st.image(
            compared["overlay_png"],
            caption="Changed regions in orange, added fixtures in green, removed ones in red.",
            width="stretch",
        )


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def current_text(settings: Mapping[str, Any] | None) -> dict[str, str]:
    """Scope, exclusions and terms of a bid as editable text: one paragraph per line (defaults when unset)."""
    settings = settings or {}
    return {part: "\n".join(settings.get(part) or default) for part, default in TEXT_PARTS.items()}


def save_text(organization_id: str, bid_id: str, parts: Mapping[str, Sequence[str]]) -> None:
    """Store the proposal text of a draft bid through the pricing core."""
    from pipelineos.pricing.service import set_proposal_text

    with connection() as conn:
        set_proposal_text(
            conn,
            organization_id=organization_id,
            bid_id=bid_id,
            scope=parts.get("scope"),
            exclusions=parts.get("exclusions"),
            terms=parts.get("terms"),
        )


def proposal_text_editor(organization_id: str, bid: Mapping[str, Any], editable: bool) -> None:
    """Edit the draft's scope, exclusions and terms; they appear in the next rendered proposal."""
    bid_id = str(bid["id"])
    text = current_text(bid.get("settings"))
    with st.expander("Proposal text (scope, exclusions, terms)"), st.form(f"bid_text_form_{bid_id}"):
        st.caption("One paragraph per line. Save, then render the proposal again to see the change.")
        edited = {
            part: st.text_area(
                TEXT_TITLES[part], value=text[part], key=f"bid_text_{part}_{bid_id}", height=120, max_chars=6000
            )
            for part in TEXT_PARTS
        }
        if st.form_submit_button("Save proposal text", disabled=not editable):
            try:
                save_text(organization_id, bid_id, {k: _paragraphs(v) for k, v in edited.items()})
            except Exception as exc:
                st.error(readable_error(exc, "save the proposal text"))
            else:
                st.success("Proposal text saved. Render the proposal to include it.")
