"""Upload: drag and drop drawings; each becomes a pending blueprint whose status refreshes by itself."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from dashboard.utils import ui
from dashboard.utils.db import fetch_all, readable_error
from dashboard.utils.session import can_edit
from pipelineos.blueprints.service import register_file
from pipelineos.db.pool import connection
from pipelineos.settings import get_settings

ACCEPTED = ["pdf", "png", "jpg", "jpeg", "tif", "tiff", "dxf"]
PROGRESS = {"pending": 0.1, "processing": 0.5, "completed": 1.0, "failed": 1.0}

user = ui.require_user()
org = user["organization_id"]
st.title("Upload drawings")

if not can_edit(user):
    st.info("Your role can view blueprints but not upload them. Ask an admin for estimator access.")
    st.stop()

limit = get_settings().upload_max_bytes
project = st.text_input("Project name (optional)", key="upload_project", max_chars=200)
files = st.file_uploader(
    "Drop PDF, PNG, JPEG, TIFF or DXF drawings here",
    type=ACCEPTED,
    accept_multiple_files=True,
    key="upload_files",
)

uploaded: dict[str, str] = st.session_state.setdefault("upload_ids", {})
for file in files or []:
    if file.file_id in uploaded:
        continue
    if file.size > limit:
        st.error(
            f"{ui.escape_md(file.name)} is {file.size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB. "
            "Split the set or raise PIPELINEOS_UPLOAD_MAX_BYTES."
        )
        continue
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload.bin"
            path.write_bytes(file.getbuffer())
            with connection() as conn:
                row = register_file(
                    conn,
                    ui.file_store(),
                    organization_id=org,
                    path=path,
                    original_name=file.name,
                    uploaded_by=user["id"],
                    idempotency_key=f"dashboard:{file.file_id}",
                    project_name=project.strip(),
                )
        uploaded[file.file_id] = row["id"]
        ui.clear_data_caches()
    except Exception as exc:
        st.error(f"{ui.escape_md(file.name)}: {readable_error(exc, 'store the file')}")


@st.fragment(run_every=3)
def upload_status() -> None:
    """Progress of this session's uploads, refreshed every few seconds without rerunning the page."""
    ids = list(st.session_state.get("upload_ids", {}).values())
    if not ids:
        st.caption("Uploaded files appear here with their processing status.")
        return
    try:
        rows = fetch_all("blueprint_statuses", organization_id=org, ids=ids)
    except Exception as exc:
        st.error(readable_error(exc, "refresh the upload status"))
        return
    for row in rows:
        st.progress(PROGRESS.get(row["status"], 0.0), text=f"{ui.escape_md(row['original_name'])} — {row['status']}")
        if row["status"] == "failed":
            st.error(ui.escape_md(f"Failed: {row['error'] or 'no reason recorded'}"), icon=":material/error:")


upload_status()
