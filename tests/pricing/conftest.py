"""Fixtures for pricing tests: a blueprint row and a small catalog with numbers easy to price by hand."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from pricing_helpers import make_blueprint


@pytest.fixture()
def blueprint_id(seeded: dict[str, str], db: psycopg.Connection) -> str:
    return make_blueprint(db, seeded["organization_id"])


@pytest.fixture()
def hand_catalog(seeded: dict[str, str], db: psycopg.Connection) -> str:
    """Catalog 'Hand' v1: labor 80.00/h, overhead 10 %, markup 15 %, contingency 3 %, tax 8.25 % on material.

    water_closet = 2 × A (100.00 × 0.5) + 1 × B (10.01 × 1) = 110.01 material, 2.5 h.
    lavatory     = 1 × B = 10.01 material, 1.25 h.
    """
    org = seeded["organization_id"]
    cat = db.execute(
        "insert into price_catalogs (organization_id, name, version, is_active, labor_rate, overhead_pct, "
        "markup_pct, tax_pct, contingency_pct, effective_from) values (%s, %s, 1, false, 80, 10, 15, 8.25, "
        "3, '2020-01-01') returning id",
        (org, f"Hand {uuid.uuid4().hex[:6]}"),
    ).fetchone()["id"]  # type: ignore[index]
    a = db.execute(
        "insert into price_items (organization_id, catalog_id, sku, description, material_cost, "
        "discount_multiplier) values (%s, %s, 'A', 'Item A', 100.00, 0.5) returning id",
        (org, cat),
    ).fetchone()["id"]  # type: ignore[index]
    b = db.execute(
        "insert into price_items (organization_id, catalog_id, sku, description, material_cost, "
        "discount_multiplier) values (%s, %s, 'B', 'Item B', 10.01, 1) returning id",
        (org, cat),
    ).fetchone()["id"]  # type: ignore[index]
    wc = db.execute(
        "insert into assemblies (organization_id, catalog_id, fixture_class, name, labor_hours) "
        "values (%s, %s, 'water_closet', 'WC assembly', 2.5) returning id",
        (org, cat),
    ).fetchone()["id"]  # type: ignore[index]
    lav = db.execute(
        "insert into assemblies (organization_id, catalog_id, fixture_class, name, labor_hours) "
        "values (%s, %s, 'lavatory', 'Lav assembly', 1.25) returning id",
        (org, cat),
    ).fetchone()["id"]  # type: ignore[index]
    db.execute(
        "insert into assembly_items (organization_id, assembly_id, item_id, phase, quantity) values "
        "(%(o)s, %(wc)s, %(a)s, 'fixture', 2), (%(o)s, %(wc)s, %(b)s, 'rough_in', 1), "
        "(%(o)s, %(lav)s, %(b)s, 'fixture', 1)",
        {"o": org, "wc": wc, "lav": lav, "a": a, "b": b},
    )
    db.commit()
    return str(cat)
