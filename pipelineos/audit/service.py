"""Append-only audit records written in the same transaction as the change they describe."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from pipelineos.db.access import fetch_all
from pipelineos.db.queries import queries_beside

Q = queries_beside(__file__)


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
    fetch_all(
        conn,
        Q["insert_entry"],
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
    return fetch_all(
        conn,
        Q["list_entries"],
        {"org": organization_id, "entity": entity, "entity_id": entity_id, "limit": limit},
    )
