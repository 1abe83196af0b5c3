"""Rows the asset tests seed directly in PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping

import psycopg


def insert_sent_bids(
    db_url: str,
    organization_id: str,
    cases: Mapping[str, tuple[str, str]],
    *,
    project: str,
    total: float,
    sha_char: str,
) -> dict[str, str]:
    """One blueprint of ``project`` and, per case name, a bid in that status sent that long ago (a PostgreSQL
    interval) to ``<name>@example.com``; returns the bid ids by case name."""
    with psycopg.connect(db_url) as conn:
        blueprint = conn.execute(
            "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256, "
            "project_name) values (%s, 'x.pdf', 'application/pdf', 1, repeat(%s, 64), %s) returning id",
            (organization_id, sha_char, project),
        ).fetchone()[0]
        catalog = conn.execute(
            "select id from price_catalogs where organization_id = %s", (organization_id,)
        ).fetchone()[0]
        return {
            name: str(
                conn.execute(
                    "insert into bids (organization_id, blueprint_id, catalog_id, catalog_version, status, total, "
                    "customer_email, sent_at) values (%s, %s, %s, 1, %s, %s, %s, now() - %s::interval) "
                    "returning id",
                    (organization_id, blueprint, catalog, status, total, f"{name}@example.com", age),
                ).fetchone()[0]
            )
            for name, (status, age) in cases.items()
        }
