"""Append-only audit records written in the same transaction as the change they describe."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb


def record(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    action: str,
    entity: str,
    entity_id: str | None = None,
    actor_user_id: str | None = None,
    details: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> None:
    """Append one audit entry (commits with the caller's transaction)."""
    conn.execute(
        "insert into audit_log"
        " (organization_id, actor_user_id, action, entity, entity_id, details, request_id) "
        "values (%(org)s, %(actor)s, %(action)s, %(entity)s, %(entity_id)s, %(details)s, %(request_id)s)",
        {
            "org": organization_id,
            "actor": actor_user_id,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "details": Jsonb(details or {}),
            "request_id": request_id,
        },
    )


def list_entries(
    conn: psycopg.Connection,
    organization_id: str,
    entity: str | None = None,
    entity_id: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Recent audit entries for the organization, newest first."""
    cur = conn.cursor(row_factory=psycopg.rows.dict_row)
    cur.execute(
        "select id, actor_user_id, action, entity, entity_id, details, request_id, created_at from audit_log "
        "where organization_id = %(org)s and (%(entity)s::text is null or entity = %(entity)s::text) "
        "and (%(entity_id)s::text is null or entity_id = %(entity_id)s::text) "
        "order by id desc limit %(limit)s",
        {"org": organization_id, "entity": entity, "entity_id": entity_id, "limit": limit},
    )
    return list(cur.fetchall())
