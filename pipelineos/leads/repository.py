"""SQL access for leads and their notes (queries in queries.sql)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from pipelineos.db.queries import queries_beside
from pipelineos.errors import ConflictError, ValidationError

Q = queries_beside(__file__)
Row = dict[str, Any]


def fetch(conn: psycopg.Connection, query: str, /, **params: Any) -> list[Row]:
    """Run a named query; driver errors become domain errors."""
    try:
        with conn.cursor(row_factory=dict_row) as cur:
            cur.execute(Q[query], params)
            return list(cur.fetchall()) if cur.description else []
    except psycopg.errors.UniqueViolation as exc:
        raise ConflictError("A record with the same key already exists.") from exc
    except (psycopg.errors.CheckViolation, psycopg.errors.DataError) as exc:
        raise ValidationError(f"Rejected by the database: {exc.diag.message_primary}.") from exc


def fetch_one(conn: psycopg.Connection, query: str, /, **params: Any) -> Row | None:
    rows = fetch(conn, query, **params)
    return rows[0] if rows else None
