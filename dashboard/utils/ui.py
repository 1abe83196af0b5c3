"""Small Streamlit helpers shared by the pages: the signed-in user, safe text, cached reads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.utils.db import fetch_all, fetch_one
from dashboard.utils.session import current_user
from pipelineos.settings import get_settings
from pipelineos.storage import Storage, StorageError

CURRENT_BLUEPRINT_KEY = "review_blueprint_id"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_md(text: object) -> str:
    """``text`` with every Markdown/HTML-significant character escaped, safe inside ``st.markdown``."""
    return _MD_SPECIAL.sub(r"\\\1", str(text if text is not None else ""))


def require_user() -> dict[str, Any]:
    """The signed-in user; stops the page (the router then shows the login) when there is none."""
    user = current_user(st.session_state)
    if user is None:
        st.warning("Please sign in again.")
        st.stop()
    return user  # type: ignore[return-value]


@st.cache_data(ttl=15, show_spinner=False)
def blueprint_list(organization_id: str, status: str | None, search: str | None, limit: int) -> list[dict[str, Any]]:
    return fetch_all("blueprint_list", organization_id=organization_id, status=status, search=search, limit=limit)


@st.cache_data(ttl=15, show_spinner=False)
def status_counts(organization_id: str) -> dict[str, int]:
    return {r["status"]: int(r["n"]) for r in fetch_all("blueprint_status_counts", organization_id=organization_id)}


@st.cache_data(ttl=30, show_spinner=False)
def reviewable_blueprints(organization_id: str, limit: int = 500) -> list[dict[str, Any]]:
    return fetch_all("reviewable_blueprints", organization_id=organization_id, limit=limit)


@st.cache_data(ttl=60, show_spinner=False)
def blueprint_detail(organization_id: str, blueprint_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    row = fetch_one("blueprint_one", organization_id=organization_id, blueprint_id=blueprint_id)
    pages = fetch_all("blueprint_pages", organization_id=organization_id, blueprint_id=blueprint_id)
    return row, pages


@st.cache_resource
def storage(root: str) -> Storage:
    """One storage client per data directory."""
    return Storage(Path(root))


def file_store() -> Storage:
    """The configured content-addressed storage."""
    return storage(str(get_settings().storage_dir))


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _read_stored(sha256: str, root: str) -> bytes | None:
    try:
        return storage(root).read_bytes(sha256.strip())
    except StorageError:
        return None


def stored_file(sha256: str) -> bytes | None:
    """A stored file (rendered page image, proposal PDF) by its sha256; None when missing."""
    return _read_stored(sha256, str(get_settings().storage_dir))


@st.cache_data(ttl=60, show_spinner=False)
def catalogs(organization_id: str) -> list[dict[str, Any]]:
    return fetch_all("catalogs", organization_id=organization_id)


def blueprint_picker(where: Any, blueprints: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """A blueprint selector (in container ``where``) that opens on the blueprint last worked on, so Review and
    Bid follow each other; returns the chosen row."""
    ids = [b["id"] for b in blueprints]
    wanted = st.session_state.get(CURRENT_BLUEPRINT_KEY)
    chosen: dict[str, Any] = where.selectbox(
        "Blueprint",
        blueprints,
        index=ids.index(wanted) if wanted in ids else 0,
        format_func=blueprint_label,
        key=key,
    )
    st.session_state[CURRENT_BLUEPRINT_KEY] = chosen["id"]
    return chosen


def blueprint_label(row: dict[str, Any]) -> str:
    """How a blueprint is named in selectors: file name, project and status."""
    project = f" · {row['project_name']}" if row.get("project_name") else ""
    return f"{row['original_name']}{project} ({row['status']})"


def duration_text(seconds: float | None) -> str:
    """A wait as a person says it: ``40 s``, ``12 min``, ``3 h 05 min``, ``2 d 4 h``; a dash when unknown."""
    if seconds is None or seconds != seconds:
        return "—"
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = seconds / 60
    if minutes < 60:
        return f"{minutes:.0f} min"
    hours, minutes = divmod(round(minutes), 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} d {hours % 24} h"


def sheet_label(page: dict[str, Any]) -> str:
    """How a sheet is named in selectors: its number and, when the drawing has one, its title."""
    number = page.get("sheet_number") or f"page {page['page_index'] + 1}"
    title = " ".join(str(page.get("sheet_title") or "").split())
    return f"{number} — {title[:80]}" if title else number


def clear_data_caches() -> None:
    """Forget cached reads after a write so the next render shows it."""
    for fn in (blueprint_list, status_counts, reviewable_blueprints, blueprint_detail, catalogs):
        fn.clear()
