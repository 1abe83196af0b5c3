"""SQL for blueprint processing (queries in queries.sql); driver errors become domain exceptions."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from pipelineos.blueprints.processing.errors import BlueprintGone, ProcessingError
from pipelineos.db.queries import queries_beside

Q = queries_beside(__file__)
Row = dict[str, Any]


def rows(conn: psycopg.Connection, name: str, /, **params: Any) -> list[Row]:
    """Run query ``name`` and return its rows as dicts (an update without RETURNING gives [])."""
    try:
        with conn.cursor(row_factory=dict_row) as cur:
            cur.execute(Q[name], params)
            return list(cur.fetchall()) if cur.description else []
    except psycopg.errors.ForeignKeyViolation as exc:
        blueprint_id = str(params.get("blueprint_id", "?"))
        raise BlueprintGone(blueprint_id, "the blueprint was deleted while it was being processed") from exc
    except psycopg.errors.InvalidTextRepresentation as exc:
        raise ProcessingError(str(params.get("blueprint_id", "?")), f"not a valid identifier ({exc})") from exc
    except psycopg.OperationalError as exc:
        raise ProcessingError(
            str(params.get("blueprint_id", "?")), f"database unavailable: {exc}", transient=True
        ) from exc


def one(conn: psycopg.Connection, name: str, /, **params: Any) -> Row | None:
    found = rows(conn, name, **params)
    return found[0] if found else None


def blueprint(conn: psycopg.Connection, blueprint_id: str) -> Row:
    """The blueprint row; :class:`BlueprintGone` when it no longer exists."""
    row = one(conn, "blueprint_for_processing", blueprint_id=blueprint_id)
    if row is None:
        raise BlueprintGone(blueprint_id, "no such blueprint (it was deleted or never registered)")
    row["id"] = str(row["id"])
    row["organization_id"] = str(row["organization_id"])
    row["sha256"] = row["sha256"].strip()
    return row


def require(conn: psycopg.Connection, blueprint_id: str) -> None:
    """Lock the blueprint row for this transaction; :class:`BlueprintGone` when it was deleted."""
    if one(conn, "lock_blueprint", blueprint_id=blueprint_id) is None:
        raise BlueprintGone(blueprint_id, "the blueprint was deleted while it was being processed")


def mark_processing(conn: psycopg.Connection, blueprint_id: str, run_id: str | None) -> None:
    if one(conn, "mark_processing", blueprint_id=blueprint_id, run_id=run_id) is None:
        raise BlueprintGone(blueprint_id, "no such blueprint (it was deleted or never registered)")


def mark_completed(conn: psycopg.Connection, blueprint_id: str) -> None:
    if one(conn, "mark_completed", blueprint_id=blueprint_id) is None:
        raise BlueprintGone(blueprint_id, "the blueprint was deleted while it was being processed")


def mark_failed(conn: psycopg.Connection, blueprint_id: str, error: str) -> bool:
    """Record the failure; False when the row is gone (nothing to mark)."""
    return one(conn, "mark_failed", blueprint_id=blueprint_id, error=error[:2000]) is not None
