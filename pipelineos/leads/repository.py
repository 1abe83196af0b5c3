"""SQL access for leads and their notes (queries in queries.sql)."""

from __future__ import annotations

from typing import Any

import psycopg

from pipelineos.db.access import fetch_all
from pipelineos.db.queries import queries_beside

Q = queries_beside(__file__)
Row = dict[str, Any]


def fetch(conn: psycopg.Connection, query: str, /, **params: Any) -> list[Row]:
    """Run a named query; driver errors become domain errors."""
    return fetch_all(conn, Q[query], params)


def fetch_one(conn: psycopg.Connection, query: str, /, **params: Any) -> Row | None:
    rows = fetch(conn, query, **params)
    return rows[0] if rows else None


def clean(row: Row) -> Row:
    """A row with its ids and address as strings (the shape services return)."""
    out = dict(row)
    for key in ("id", "organization_id", "assigned_to", "lead_id", "user_id"):
        if out.get(key) is not None:
            out[key] = str(out[key])
    if out.get("client_ip") is not None:
        out["client_ip"] = str(out["client_ip"])
    return out
