"""Admin actions on users and API keys, each written to the audit log in the same transaction."""

from __future__ import annotations

from typing import Any

import psycopg

from pipelineos.audit.service import record
from pipelineos.auth import service


def add_user(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    user_id: str | None,
    email: str,
    password: str,
    role: str,
    full_name: str = "",
    request_id: str | None = None,
) -> dict[str, Any]:
    """Create a user in the organization and audit it."""
    row = service.create_user(
        conn, organization_id=organization_id, email=email, password=password, role=role, full_name=full_name
    )
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action="create",
        entity="user",
        entity_id=row["id"],
        details={"role": role},
        request_id=request_id,
    )
    return row


def add_api_key(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    user_id: str | None,
    name: str,
    role: str,
    request_id: str | None = None,
) -> tuple[dict[str, Any], str]:
    """Create an integration key (clear key returned once) and audit it."""
    row, key = service.create_api_key(conn, organization_id=organization_id, name=name, role=role, created_by=user_id)
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action="create",
        entity="api_key",
        entity_id=row["id"],
        details={"role": role, "name": name},
        request_id=request_id,
    )
    return row, key


def remove_api_key(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    user_id: str | None,
    key_id: str,
    request_id: str | None = None,
) -> None:
    """Revoke a key of the organization and audit it."""
    service.revoke_api_key(conn, organization_id, key_id)
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action="revoke",
        entity="api_key",
        entity_id=key_id,
        request_id=request_id,
    )
