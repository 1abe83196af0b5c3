"""SQL access for catalogs, bids, bid lines and overrides (queries in queries.sql).

Driver errors become domain exceptions here; callers never see psycopg errors.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pipelineos.db.queries import queries_beside
from pipelineos.errors import ConflictError, NotFoundError, ValidationError

Q = queries_beside(__file__)
Row = dict[str, Any]


def rows(conn: psycopg.Connection, name: str, /, **params: Any) -> list[Row]:
    """Run the named query and return its rows as dicts."""
    try:
        with conn.cursor(row_factory=dict_row) as cur:
            cur.execute(Q[name], params)
            return list(cur.fetchall()) if cur.description else []
    except psycopg.errors.InvalidTextRepresentation as exc:
        raise NotFoundError("No such record: the id is not a valid identifier.") from exc
    except psycopg.errors.UniqueViolation as exc:
        raise ConflictError("A record with the same key already exists.") from exc
    except psycopg.errors.ForeignKeyViolation as exc:
        raise NotFoundError(f"A referenced record does not exist ({exc.diag.constraint_name}).") from exc
    except (
        psycopg.errors.CheckViolation,
        psycopg.errors.NotNullViolation,
        psycopg.errors.NumericValueOutOfRange,
    ) as exc:
        raise ValidationError(f"Rejected by a database rule: {exc.diag.constraint_name or exc.sqlstate}.") from exc


def one(conn: psycopg.Connection, name: str, /, **params: Any) -> Row | None:
    """The first row of the named query, or None."""
    found = rows(conn, name, **params)
    return found[0] if found else None


def execute_many(conn: psycopg.Connection, name: str, params: list[dict[str, Any]]) -> None:
    """Run the named statement once per parameter set."""
    if not params:
        return
    with conn.cursor() as cur:
        cur.executemany(Q[name], params)


def active_catalog(conn: psycopg.Connection, organization_id: str) -> Row:
    found = one(conn, "active_catalog", organization_id=organization_id)
    if found is None:
        raise NotFoundError(
            "The organization has no active price catalog: import one or run `pipelineos db "
            "seed` to create the default catalog."
        )
    return found


def get_catalog(conn: psycopg.Connection, organization_id: str, catalog_id: str) -> Row:
    found = one(conn, "get_catalog", organization_id=organization_id, catalog_id=catalog_id)
    if found is None:
        raise NotFoundError(f"Price catalog {catalog_id} not found.")
    return found


def get_bid(conn: psycopg.Connection, organization_id: str, bid_id: str, *, lock: bool = False) -> Row:
    found = one(conn, "lock_bid" if lock else "get_bid", organization_id=organization_id, bid_id=bid_id)
    if found is None:
        raise NotFoundError(f"Bid {bid_id} not found.")
    return found


def bid_by_id(conn: psycopg.Connection, bid_id: str) -> Row:
    """A bid whatever its organization (internal callers: pipeline, dispatcher)."""
    found = one(conn, "get_bid_any_org", bid_id=bid_id)
    if found is None:
        raise NotFoundError(f"Bid {bid_id} not found.")
    return found


def json(value: Any) -> Jsonb:
    """Wrap a value for a jsonb parameter."""
    return Jsonb(value)
