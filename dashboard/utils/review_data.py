"""Cached reads for the review page (sheet images, schedules) and the save action, wrapped for Streamlit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.utils import ui
from dashboard.utils.overlay import WHOLE_SHEET, Box, blank_sheet, display_png
from dashboard.utils.review import drop_pending, load_review, pending_for, save_decisions
from dashboard.utils.schedule import schedule_quantities
from pipelineos.db.pool import connection
from pipelineos.storage import StorageError


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def sheet_image(
    image_sha256: str | None, width_pt: float, height_pt: float, root: str, region: Box = WHOLE_SHEET
) -> tuple[bytes, int, int, bool]:
    """(png, width, height, is_real) of ``region`` of a page for display; a blank sheet when the render is
    missing."""
    png = ui.stored_file(image_sha256) if image_sha256 else None
    real = png is not None
    shown, w, h = display_png(png if real else blank_sheet(width_pt, height_pt), region=region)  # type: ignore[arg-type]
    return shown, w, h, real


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def schedule_for(sha256: str, page_indexes: tuple[int, ...], root: str) -> dict[str, int] | None:
    """The fixture schedule's quantities for a stored drawing (None when it has none or cannot be read)."""
    try:
        path = ui.storage(root).path_for(sha256.strip())
    except StorageError:
        return None
    return schedule_quantities(path, list(page_indexes)) if path.is_file() else None


def source_file(blueprint: dict[str, Any] | None, page_index: int, fixture_class: str) -> tuple[Path, int, str] | None:
    """(original drawing, page, class) for the engine's exemplar search, when the file is in storage."""
    if not blueprint:
        return None
    try:
        path = ui.file_store().path_for(str(blueprint["sha256"]).strip())
    except StorageError:
        return None
    return (path, page_index, fixture_class) if path.is_file() else None


def review_rows(organization_id: str, blueprint_id: str) -> tuple[list[dict[str, Any]], dict[str, Any], list[Any]]:
    """Detections, saved decisions and added fixtures (not cached: they must reflect the last save)."""
    with connection() as conn:
        return load_review(conn, organization_id, blueprint_id)


def save_pending(user: dict[str, Any], blueprint_id: str, extra: list[dict[str, Any]]) -> int:
    """Write this blueprint's unsaved decisions (plus ``extra``) in one transaction, then forget them."""
    pending = list(pending_for(st.session_state, blueprint_id).values()) + extra
    with connection() as conn:
        written = save_decisions(conn, user["organization_id"], blueprint_id, user["id"], pending)
    drop_pending(st.session_state, blueprint_id)
    return written
