"""Database access for the dashboard: named queries from ``queries.sql`` and readable error messages.

Pages never see a driver exception: :func:`readable_error` turns anything raised below into one sentence that
says what went wrong and what to do, and logs the details with a reference the user can quote.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

import psycopg

from pipelineos.db.pool import connection
from pipelineos.db.queries import load_queries
from pipelineos.errors import DomainError

Q = load_queries(Path(__file__).with_name("queries.sql"))
Row = dict[str, Any]
log = logging.getLogger("pipelineos.dashboard")


def fetch_all(name: str, conn: psycopg.Connection | None = None, **params: Any) -> list[Row]:
    """Rows of query ``name`` as dicts (borrows a pooled connection unless ``conn`` is given)."""
    if conn is not None:
        with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
            cur.execute(Q[name], params)
            return list(cur.fetchall()) if cur.description else []
    with connection() as pooled:
        return fetch_all(name, pooled, **params)


def fetch_one(name: str, conn: psycopg.Connection | None = None, **params: Any) -> Row | None:
    rows = fetch_all(name, conn, **params)
    return rows[0] if rows else None


def readable_error(exc: BaseException, doing: str) -> str:
    """One sentence for the user about ``exc`` raised while ``doing`` something; details go to the log."""
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, psycopg.OperationalError):
        log.warning("database unreachable while %s: %s", doing, exc)
        return f"Could not {doing}: the database is not reachable. Check that PipelineOS is running and retry."
    reference = uuid.uuid4().hex[:8]
    log.exception("dashboard error %s while %s", reference, doing, exc_info=exc)
    if isinstance(exc, psycopg.errors.IntegrityError):
        return f"Could not {doing}: the database refused the change (reference {reference})."
    return f"Could not {doing} because of an internal error (reference {reference}). Retry, or tell your admin."
