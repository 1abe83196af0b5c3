"""Helpers shared by the pricing tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import uuid

import polars as pl
import psycopg

from pipelineos.pricing.engine import TAKEOFF_SCHEMA


def takeoff(*rows: tuple[str, int, str | None, str]) -> pl.DataFrame:
    """Rows of (fixture_class, page_index, sheet_number, source); detection ids are generated."""
    return pl.DataFrame(
        [
            {"detection_id": f"d{i}", "page_index": p, "sheet_number": s, "fixture_class": c, "source": src}
            for i, (c, p, s, src) in enumerate(rows)
        ],
        schema=TAKEOFF_SCHEMA,
    )


def make_blueprint(db: psycopg.Connection, org: str) -> str:
    row = db.execute(
        "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256, "
        "project_name) values (%s, 'plan.pdf', 'application/pdf', 10, %s, 'Test project') returning id",
        (org, uuid.uuid4().hex + uuid.uuid4().hex),
    ).fetchone()
    db.commit()
    return str(row["id"])  # type: ignore[index]
