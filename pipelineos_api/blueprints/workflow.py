"""Glue between the upload stream, storage and the blueprint service (kept out of the controllers)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import psycopg
from litestar import Request, Response
from litestar.response import File

from pipelineos.audit.service import record
from pipelineos.blueprints import repository as repo
from pipelineos.blueprints import service
from pipelineos.errors import NotFoundError
from pipelineos.leads.models import normalize_email
from pipelineos.storage import Storage, get_storage
from pipelineos_api.auth.deps import Actor
from pipelineos_api.blueprints.schemas import Blueprint, UploadAccepted
from pipelineos_api.blueprints.upload import ReceivedUpload, multipart_boundary, receive_upload
from pipelineos_api.config import ApiConfig
from pipelineos_api.platform.db import tx
from pipelineos_api.platform.schemas import to_struct


def _register(
    conn: psycopg.Connection, actor: Actor, received: ReceivedUpload, key: str | None
) -> tuple[dict[str, Any], bool]:
    row, created = service.register_stored(
        conn,
        organization_id=actor.organization_id,
        sha256=received.sha256,
        size_bytes=received.size,
        content_type=received.content_type,
        original_name=received.filename,
        uploaded_by=actor.user_id,
        idempotency_key=key,
        project_name=received.fields.get("project_name", ""),
        customer_name=received.fields.get("customer_name") or None,
        customer_email=received.fields.get("customer_email") or None,
    )
    if created:
        record(
            conn,
            organization_id=actor.organization_id,
            actor_user_id=actor.user_id,
            action="upload",
            entity="blueprint",
            entity_id=row["id"],
            request_id=actor.request_id,
            details={"sha256": row["sha256"], "size_bytes": row["size_bytes"], "name": row["original_name"]},
        )
    return row, created


async def upload(
    request: Request[Any, Any, Any], actor: Actor, config: ApiConfig, key: str | None
) -> Response[UploadAccepted]:
    """Stream the body to storage and register it: 202 with the pending blueprint and its status URL.

    A reused key answers with the first upload. The replay is still read and checked (a malformed retry gets
    its 4xx) but written to a scratch area that is removed afterwards, so nothing new is kept.
    """
    multipart_boundary(request)
    existing = await tx(service.find_by_idempotency_key, actor.organization_id, key) if key else None
    if existing is None:
        received = await receive_upload(request, get_storage(), config.upload_max_bytes, check_fields)
        row, created = await tx(_register, actor, received, key)
    else:
        with tempfile.TemporaryDirectory(dir=_scratch_root()) as scratch:
            await receive_upload(request, Storage(Path(scratch)), config.upload_max_bytes, check_fields)
        row, created = existing, False
    status_url = f"{config.public_url}/api/blueprints/{row['id']}"
    accepted = UploadAccepted(blueprint=to_struct(row, Blueprint), duplicate=not created, status_url=status_url)
    return Response(accepted, status_code=202, headers={"Location": status_url})


def check_fields(fields: dict[str, str]) -> dict[str, str]:
    """Normalize the upload's text fields before the file is committed (a bad email refuses the upload)."""
    email = normalize_email(fields.get("customer_email"))
    return {**fields, "customer_email": email or ""}


def _scratch_root() -> Path:
    root = get_storage().root / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return root


def with_image_urls(row: dict[str, Any]) -> dict[str, Any]:
    """Add ``image_url`` to each page (served by the authenticated page-image route)."""
    pages = [
        {
            **p,
            "image_sha256": p["image_sha256"].strip(),
            "image_url": f"/api/files/pages/{p['image_sha256'].strip()}",
        }
        for p in row.get("pages", [])
    ]
    return {**row, "pages": pages}


def page_image(conn: psycopg.Connection, organization_id: str, sha256: str) -> File:
    """The stored PNG of a page of this organization's blueprints; NotFoundError otherwise."""
    if not repo.page_image_owned(conn, organization_id, sha256) or not get_storage().exists(sha256):
        raise NotFoundError("No such page image in your organization.")
    path = get_storage().path_for(sha256)
    return File(path=path, filename=f"{sha256}.png", media_type="image/png", content_disposition_type="inline")
