"""The default catalog seeds once, covers every fixture class, and re-seeding changes nothing."""

from __future__ import annotations

import psycopg

from pipelineos.pricing.defaults import DEFAULT_ITEMS, seed_default_catalog
from pipelineos.takeoff.models import FIXTURE_CLASSES


def test_seed_creates_catalog_with_assembly_per_fixture_class(seeded: dict[str, str], db: psycopg.Connection) -> None:
    org = seeded["organization_id"]
    catalogs = db.execute(
        "select id, name, version, labor_rate from price_catalogs where organization_id = %s", (org,)
    ).fetchall()
    assert [(c["name"], c["version"], str(c["labor_rate"])) for c in catalogs] == [("Standard 2026", 1, "95.00")]
    classes = {
        r["fixture_class"]
        for r in db.execute("select fixture_class from assemblies where catalog_id = %s", (catalogs[0]["id"],))
    }
    assert classes == set(FIXTURE_CLASSES)
    phases = db.execute(
        "select a.fixture_class, array_agg(distinct ai.phase order by ai.phase) as phases from assemblies a "
        "join assembly_items ai on ai.assembly_id = a.id where a.fixture_class = 'water_closet' "
        "group by a.fixture_class"
    ).fetchone()
    assert phases is not None and phases["phases"] == ["finish", "fixture", "rough_in", "trim"]
    n_items = db.execute("select count(*) as n from price_items where catalog_id = %s", (catalogs[0]["id"],))
    assert n_items.fetchone()["n"] == len(DEFAULT_ITEMS)  # type: ignore[index]


def test_seed_is_idempotent(seeded: dict[str, str], db: psycopg.Connection) -> None:
    org = seeded["organization_id"]
    before = db.execute("select count(*) as n from assembly_items where organization_id = %s", (org,)).fetchone()
    first = seed_default_catalog(db, org)
    second = seed_default_catalog(db, org)
    after = db.execute("select count(*) as n from assembly_items where organization_id = %s", (org,)).fetchone()
    assert first == second
    assert before == after
