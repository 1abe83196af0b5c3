"""SQL access for catalogs, bids, bid lines and overrides (queries in queries.sql).

Driver errors become domain exceptions here; callers never see psycopg errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, LiteralString

import psycopg
from psycopg.types.json import Jsonb

from pipelineos.db.access import domain_errors, fetch_all
from pipelineos.db.queries import queries_beside
from pipelineos.errors import NotFoundError

Q = queries_beside(__file__)
Row = dict[str, Any]
Queries = Mapping[str, LiteralString]


def query_rows(queries: Queries, conn: psycopg.Connection, name: str, /, **params: Any) -> list[Row]:
    """Run ``queries[name]`` and return its rows as dicts; driver errors become domain errors.

    Shared by the estimating packages (pricing, proposals, notify), each with its own ``queries.sql``.
    """
    return fetch_all(conn, queries[name], params)


def rows(conn: psycopg.Connection, name: str, /, **params: Any) -> list[Row]:
    """Run the named pricing query and return its rows as dicts."""
    return query_rows(Q, conn, name, **params)


def one(conn: psycopg.Connection, name: str, /, **params: Any) -> Row | None:
    """The first row of the named query, or None."""
    found = rows(conn, name, **params)
    return found[0] if found else None


def execute_many(conn: psycopg.Connection, name: str, params: list[dict[str, Any]]) -> None:
    """Run the named statement once per parameter set."""
    if not params:
        return
    with domain_errors(), conn.cursor() as cur:
        cur.executemany(Q[name], params)


def active_catalog(conn: psycopg.Connection, organization_id: str) -> Row:
    """The catalog version new bids use: active, effective today or earlier, the latest such date."""
    found = one(conn, "active_catalog", organization_id=organization_id)
    if found is None:
        raise NotFoundError(
            "The organization has no active price catalog: import one or run `pipelineos db "
            "seed` to create the default catalog."
        )
    return found


def get_catalog(conn: psycopg.Connection, organization_id: str, catalog_id: str) -> Row:
    """One catalog version of the organization; NotFoundError otherwise."""
    found = one(conn, "get_catalog", organization_id=organization_id, catalog_id=catalog_id)
    if found is None:
        raise NotFoundError(f"Price catalog {catalog_id} not found.")
    return found


def get_bid(conn: psycopg.Connection, organization_id: str, bid_id: str, *, lock: bool = False) -> Row:
    """One bid of the organization (``lock``: ``FOR UPDATE`` until the transaction ends); NotFoundError otherwise."""
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
