"""SQL access for blueprints, their pages, detections and review decisions (queries in queries.sql)."""

from __future__ import annotations

from typing import Any

import psycopg

from pipelineos.db.access import fetch_all
from pipelineos.db.queries import queries_beside

Q = queries_beside(__file__)
Row = dict[str, Any]


def rows(conn: psycopg.Connection, name: str, /, **params: Any) -> list[Row]:
    """Run the named query; driver errors become domain errors (a malformed id is a NotFoundError)."""
    return fetch_all(conn, Q[name], params)


def one(conn: psycopg.Connection, name: str, /, **params: Any) -> Row | None:
    found = rows(conn, name, **params)
    return found[0] if found else None


def insert_blueprint(conn: psycopg.Connection, **params: Any) -> Row | None:
    """Insert a pending blueprint; None when the idempotency key was already used."""
    return one(conn, "insert_blueprint", **params)


def blueprint_by_idempotency_key(conn: psycopg.Connection, organization_id: str, key: str) -> Row | None:
    return one(conn, "blueprint_by_idempotency_key", organization_id=organization_id, idempotency_key=key)


def get_blueprint(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> Row | None:
    return one(conn, "get_blueprint", organization_id=organization_id, blueprint_id=blueprint_id)


def list_blueprints(
    conn: psycopg.Connection, organization_id: str, status: str | None, limit: int, offset: int
) -> tuple[list[Row], int]:
    items = rows(conn, "list_blueprints", organization_id=organization_id, status=status, limit=limit, offset=offset)
    total = one(conn, "count_blueprints", organization_id=organization_id, status=status)
    return items, int(total["n"]) if total else 0


def list_pages(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> list[Row]:
    return rows(conn, "list_pages", organization_id=organization_id, blueprint_id=blueprint_id)


def page_image_owned(conn: psycopg.Connection, organization_id: str, sha256: str) -> bool:
    return one(conn, "page_image_owned", organization_id=organization_id, sha256=sha256) is not None


def list_detections(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> list[Row]:
    return rows(conn, "list_detections", organization_id=organization_id, blueprint_id=blueprint_id)


def detection_exists(conn: psycopg.Connection, organization_id: str, blueprint_id: str, detection_id: str) -> bool:
    return (
        one(
            conn,
            "detection_exists",
            organization_id=organization_id,
            blueprint_id=blueprint_id,
            detection_id=detection_id,
        )
        is not None
    )


def insert_review_decision(conn: psycopg.Connection, **params: Any) -> Row:
    row = one(conn, "insert_review_decision", **params)
    assert row is not None
    return row


def list_review_decisions(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> list[Row]:
    return rows(conn, "list_review_decisions", organization_id=organization_id, blueprint_id=blueprint_id)


def latest_bid(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> Row | None:
    return one(conn, "latest_bid", organization_id=organization_id, blueprint_id=blueprint_id)


def bid_lines(conn: psycopg.Connection, organization_id: str, bid_id: str) -> list[Row]:
    return rows(conn, "bid_lines", organization_id=organization_id, bid_id=bid_id)


def list_bids(
    conn: psycopg.Connection,
    organization_id: str,
    blueprint_id: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Row], int]:
    params = {"organization_id": organization_id, "blueprint_id": blueprint_id, "status": status}
    items = rows(conn, "list_bids", limit=limit, offset=offset, **params)
    total = one(conn, "count_bids", **params)
    return items, int(total["n"]) if total else 0


def get_bid(conn: psycopg.Connection, organization_id: str, bid_id: str) -> Row | None:
    return one(conn, "get_bid", organization_id=organization_id, bid_id=bid_id)


def latest_proposal(conn: psycopg.Connection, organization_id: str, bid_id: str) -> Row | None:
    return one(conn, "latest_proposal", organization_id=organization_id, bid_id=bid_id)
