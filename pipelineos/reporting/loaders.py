"""Read PostgreSQL into Polars frames with fixed schemas, and query frames with DuckDB.

DuckDB 2.x cannot download its postgres extension here, so rows travel PostgreSQL → psycopg → Polars (Arrow)
and DuckDB queries the Arrow frames in memory.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl
import psycopg

from pipelineos.db.queries import queries_beside

Q = queries_beside(__file__)

_TS = pl.Datetime("us", "UTC")
SCHEMAS: dict[str, dict[str, Any]] = {
    "blueprints": {
        "id": pl.String,
        "status": pl.String,
        "page_count": pl.Int64,
        "created_at": _TS,
        "completed_at": _TS,
        "customer_name": pl.String,
    },
    "bids": {
        "id": pl.String,
        "blueprint_id": pl.String,
        "status": pl.String,
        "customer_name": pl.String,
        "catalog_version": pl.Int64,
        "material_cost": pl.Float64,
        "labor_hours": pl.Float64,
        "labor_cost": pl.Float64,
        "overhead": pl.Float64,
        "markup": pl.Float64,
        "contingency": pl.Float64,
        "tax": pl.Float64,
        "total": pl.Float64,
        "created_at": _TS,
        "sent_at": _TS,
        "accepted_at": _TS,
        "declined_at": _TS,
        "expired_at": _TS,
    },
    "bid_lines": {
        "bid_id": pl.String,
        "fixture_class": pl.String,
        "quantity": pl.Float64,
        "material_cost": pl.Float64,
        "labor_hours": pl.Float64,
        "labor_cost": pl.Float64,
        "total": pl.Float64,
    },
    "leads": {
        "id": pl.String,
        "status": pl.String,
        "source": pl.String,
        "created_at": _TS,
        "first_response_at": _TS,
        "status_changed_at": _TS,
    },
    "detections": {
        "id": pl.String,
        "blueprint_id": pl.String,
        "page_index": pl.Int64,
        "fixture_class": pl.String,
        "confidence": pl.Float64,
        "method": pl.String,
    },
    "decisions": {
        "detection_id": pl.String,
        "blueprint_id": pl.String,
        "action": pl.String,
        "fixture_class": pl.String,
        "page_index": pl.Int64,
        "created_at": _TS,
    },
    "catalog_rates": {
        "catalog_id": pl.String,
        "name": pl.String,
        "version": pl.Int64,
        "labor_rate": pl.Float64,
        "overhead_pct": pl.Float64,
        "markup_pct": pl.Float64,
        "tax_pct": pl.Float64,
        "contingency_pct": pl.Float64,
    },
    "assembly_items": {
        "catalog_id": pl.String,
        "fixture_class": pl.String,
        "assembly_name": pl.String,
        "labor_hours": pl.Float64,
        "quantity": pl.Float64,
        "material_cost": pl.Float64,
        "discount_multiplier": pl.Float64,
    },
}
FRAME_NAMES: tuple[str, ...] = tuple(SCHEMAS)


class UnknownFrameError(KeyError):
    """A frame name that :data:`FRAME_NAMES` does not list."""


def frame_from_rows(name: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Build frame ``name`` from dict rows with its fixed schema (an empty result keeps its columns)."""
    if name not in SCHEMAS:
        raise UnknownFrameError(f"unknown frame {name!r}; choose one of {', '.join(FRAME_NAMES)}")
    schema = SCHEMAS[name]
    return pl.DataFrame([{k: row.get(k) for k in schema} for row in rows], schema=schema, orient="row")


def load_frame(conn: psycopg.Connection, name: str, organization_id: str) -> pl.DataFrame:
    """One organization's rows of frame ``name`` (see :data:`FRAME_NAMES`)."""
    if name not in Q:
        raise UnknownFrameError(f"unknown frame {name!r}; choose one of {', '.join(FRAME_NAMES)}")
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        cur.execute(Q[name], {"organization_id": organization_id})
        rows = cur.fetchall()
    return frame_from_rows(name, rows)


def load_frames(
    conn: psycopg.Connection,
    organization_id: str,
    names: tuple[str, ...] = FRAME_NAMES,
) -> dict[str, pl.DataFrame]:
    """Several frames at once, keyed by name."""
    return {name: load_frame(conn, name, organization_id) for name in names}


def duck_query(sql: str, **frames: pl.DataFrame) -> pl.DataFrame:
    """Run ``sql`` in an in-memory DuckDB where each keyword argument is a table of that name."""
    con = duckdb.connect()
    try:
        for table, frame in frames.items():
            con.register(table, frame.to_arrow())
        return con.sql(sql).pl()
    finally:
        con.close()
