"""Blueprint registration and read models: the entry point of every drawing into PipelineOS.

Files are stored content-addressed; a ``pending`` row tells the Dagster sensor there is work. A repeated
idempotency key returns the first row instead of creating a second one.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import psycopg

from pipelineos.blueprints import repository as repo
from pipelineos.blueprints.filetypes import (
    SNIFF_BYTES,
    sanitize_filename,
    sniff_content_type,
    unsupported_message,
)
from pipelineos.errors import NotFoundError, UnsupportedMediaType, ValidationError
from pipelineos.storage import Storage

STATUSES = ("pending", "processing", "completed", "failed")
Row = dict[str, Any]


def parse_id(value: str | uuid.UUID, what: str = "blueprint") -> str:
    """A canonical UUID string, or NotFoundError (a malformed id names nothing that exists)."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as exc:
        raise NotFoundError(f"No {what} with id {str(value)[:64]!r}.") from exc


def _clean(row: Row) -> Row:
    out = {k: v for k, v in row.items() if k != "created"}
    for key in ("id", "organization_id", "uploaded_by", "previous_blueprint_id"):
        if out.get(key) is not None:
            out[key] = str(out[key])
    if isinstance(out.get("sha256"), str):
        out["sha256"] = out["sha256"].strip()
    return out


def register_stored(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    sha256: str,
    size_bytes: int,
    content_type: str,
    original_name: str,
    uploaded_by: str | None = None,
    idempotency_key: str | None = None,
    project_name: str = "",
    customer_name: str | None = None,
    customer_email: str | None = None,
) -> tuple[Row, bool]:
    """Insert the ``pending`` row for a file already in storage. Returns (row, created)."""
    if idempotency_key is not None and len(idempotency_key) > 200:
        raise ValidationError("Idempotency-Key is longer than 200 characters; send a shorter key.")
    row = repo.insert_blueprint(
        conn,
        organization_id=organization_id,
        project_name=(project_name or "")[:200],
        original_name=sanitize_filename(original_name),
        content_type=content_type,
        size_bytes=size_bytes,
        sha256=sha256,
        customer_name=customer_name,
        customer_email=customer_email,
        uploaded_by=uploaded_by,
        idempotency_key=idempotency_key,
    )
    if row is not None:
        return _clean(row), True
    assert idempotency_key is not None
    first = repo.blueprint_by_idempotency_key(conn, organization_id, idempotency_key)
    assert first is not None
    return _clean(first), False


def find_by_idempotency_key(conn: psycopg.Connection, organization_id: str, key: str | None) -> Row | None:
    """The blueprint first registered with ``key`` in this organization, if any."""
    if not key:
        return None
    row = repo.blueprint_by_idempotency_key(conn, organization_id, key)
    return _clean(row) if row else None


def register_file(
    conn: psycopg.Connection,
    storage: Storage,
    *,
    organization_id: str,
    path: Path,
    original_name: str,
    uploaded_by: str | None = None,
    idempotency_key: str | None = None,
    project_name: str = "",
    customer_name: str | None = None,
    customer_email: str | None = None,
) -> Row:
    """Store the file at ``path`` and insert a ``pending`` blueprint row (same key → first row)."""
    existing = find_by_idempotency_key(conn, organization_id, idempotency_key)
    if existing is not None:
        return existing
    with Path(path).open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise UnsupportedMediaType(unsupported_message(original_name))
    stored = storage.put_file(Path(path))
    row, _ = register_stored(
        conn,
        organization_id=organization_id,
        sha256=stored.sha256,
        size_bytes=stored.size,
        content_type=content_type,
        original_name=original_name,
        uploaded_by=uploaded_by,
        idempotency_key=idempotency_key,
        project_name=project_name,
        customer_name=customer_name,
        customer_email=customer_email,
    )
    return row


def get_blueprint(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> Row:
    """The blueprint row; NotFoundError when it does not exist in this organization."""
    row = repo.get_blueprint(conn, str(organization_id), parse_id(blueprint_id))
    if row is None:
        raise NotFoundError(f"No blueprint with id {blueprint_id} in your organization.")
    return _clean(row)


def list_blueprints(
    conn: psycopg.Connection,
    organization_id: str,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Row]:
    """The organization's blueprints, newest first, optionally of one status."""
    return list_blueprints_page(conn, organization_id, status, limit, offset)[0]


def list_blueprints_page(
    conn: psycopg.Connection, organization_id: str, status: str | None, limit: int, offset: int
) -> tuple[list[Row], int]:
    """One page of blueprints plus the total count for the same filter."""
    if status is not None and status not in STATUSES:
        raise ValidationError(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")
    if not 1 <= limit <= 500 or offset < 0:
        raise ValidationError("limit must be 1..500 and offset ≥ 0.")
    rows, total = repo.list_blueprints(conn, str(organization_id), status, limit, offset)
    return [_clean(r) for r in rows], total
