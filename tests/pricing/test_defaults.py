"""The default catalog seeds once, covers every fixture class, and re-seeding changes nothing."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from pipelineos.pricing.defaults import DEFAULT_ITEMS, seed_default_catalog
from pipelineos.pricing.repository import active_catalog
from pipelineos.pricing.service import load_assemblies
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


# Installed direct cost (material at the contractor's multiplier + labor at $95/h) a 2026 US plumbing estimator
# would recognise for each fixture type; a price typed in cents instead of dollars, or hours instead of minutes,
# falls outside.
PLAUSIBLE_DIRECT = {
    "water_closet": (700, 1600),
    "urinal": (600, 1500),
    "lavatory": (500, 1300),
    "kitchen_sink": (500, 1300),
    "service_sink": (500, 1300),
    "bathtub": (800, 2000),
    "shower": (700, 1800),
    "floor_drain": (200, 700),
    "drinking_fountain": (1500, 4000),
    "water_heater": (1500, 3500),
    "hose_bibb": (100, 400),
    "clothes_washer": (200, 600),
    "dishwasher": (120, 400),
}


def test_default_assemblies_cost_what_the_trade_expects(seeded: dict[str, str], db: psycopg.Connection) -> None:
    catalog = active_catalog(db, seeded["organization_id"])
    frame = load_assemblies(db, str(catalog["id"]))
    direct = {
        r["fixture_class"]: Decimal(r["unit_material_cents"]) / 100
        + Decimal(r["assembly_hours_centi"]) / 100 * catalog["labor_rate"]
        for r in frame.iter_rows(named=True)
    }
    assert set(direct) == set(FIXTURE_CLASSES)
    for fixture_class, (low, high) in PLAUSIBLE_DIRECT.items():
        assert low <= direct[fixture_class] <= high, (fixture_class, direct[fixture_class])
    # water closet, flushometer: 3" DWV 40.80 + 3/4" PEX 46.89 + flange 12.85 + wax 6.38 + bowl 248.20 +
    # flushometer 176.12 + seat 25.60 = 556.84 material (to the cent per assembly), + 4.5 h × 95.00 = 984.34
    assert direct["water_closet"] == Decimal("984.34")
    tankless = load_assemblies(db, str(catalog["id"]), variants={"water_heater": "tankless_gas"})
    row = tankless.filter(tankless["fixture_class"] == "water_heater").row(0, named=True)
    assert (row["assembly_name"], row["assembly_hours_centi"]) == ("Water heater, tankless condensing gas", 800)
