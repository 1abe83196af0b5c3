"""Catalog edits through the pricing core: in place while unused, a new version once a bid used it."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.utils.catalog import changed_rows, is_frozen, save_edits, save_new_version
from dashboard.utils.db import fetch_all
from pipelineos.errors import ConflictError

TODAY = dt.date(2026, 12, 2)


def active_catalog(db, org: str) -> str:
    return db.execute(
        "select id::text as id from price_catalogs where organization_id = %s and is_active order by version desc",
        (org,),
    ).fetchone()["id"]


def items_of(db, org: str, catalog_id: str) -> dict[str, dict]:
    return {i["sku"]: i for i in fetch_all("catalog_items", db, organization_id=org, catalog_id=catalog_id)}


def test_changed_rows_compares_editable_fields_only():
    before = [
        {"sku": "A", "description": "x", "unit": "ea", "material_cost": 1.0, "supplier": "", "discount_multiplier": 1}
    ]
    assert changed_rows(before, before) == []
    assert changed_rows(before, [{**before[0], "material_cost": 2.0}]) == [{**before[0], "material_cost": 2.0}]
    assert changed_rows(before, [{**before[0], "sku": "B", "material_cost": 2.0}]) == []


def test_unused_version_is_edited_in_place_and_audited(seeded, db):
    org = seeded["organization_id"]
    catalog_id = active_catalog(db, org)
    assert not is_frozen(db, catalog_id)
    lav = items_of(db, org, catalog_id)["FIX-LAV"]
    assert save_edits(db, org, catalog_id, None, [{**lav, "material_cost": 200.0, "supplier": "Kohler"}]) == 1
    after = items_of(db, org, catalog_id)["FIX-LAV"]
    assert (after["material_cost"], after["supplier"]) == (200.0, "Kohler")
    audit = db.execute("select count(*) as n from audit_log where entity = 'price_item' and action = 'update'")
    assert audit.fetchone()["n"] == 1


def test_a_used_version_is_frozen_and_changes_become_a_new_version(seeded, db):
    org = seeded["organization_id"]
    catalog_id = active_catalog(db, org)
    blueprint = db.execute(
        "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256, status) "
        "values (%s, 'a.pdf', 'application/pdf', 1, repeat('a', 64), 'completed') returning id",
        (org,),
    ).fetchone()["id"]
    db.execute(
        "insert into bids (organization_id, blueprint_id, catalog_id, catalog_version) values (%s, %s, %s, 1)",
        (org, blueprint, catalog_id),
    )
    assert is_frozen(db, catalog_id)
    old = items_of(db, org, catalog_id)
    with pytest.raises(ConflictError, match="frozen"):
        save_edits(db, org, catalog_id, None, [{**old["FIX-UR"], "material_cost": 1.0}])
    changes = [{**old["FIX-UR"], "material_cost": 512.25}, {**old["FIX-WC"], "description": "Water closet, renamed"}]
    created = save_new_version(db, org, catalog_id, None, changes=changes, rates={"markup_pct": 18.5}, today=TODAY)
    new_id = str(created["id"])
    assert created["is_active"] and float(created["markup_pct"]) == 18.5 and created["effective_from"] == TODAY
    new = items_of(db, org, new_id)
    assert new["FIX-UR"]["material_cost"] == 512.25 and new["FIX-UR"]["price_changed_at"] == TODAY
    assert new["FIX-WC"]["description"] == "Water closet, renamed"
    assert new["FIX-WC"]["price_changed_at"] == old["FIX-WC"]["price_changed_at"], "only the text changed"
    assert items_of(db, org, catalog_id)["FIX-UR"] == old["FIX-UR"], "the frozen version is untouched"
    assemblies = "select count(*) as n from assemblies where catalog_id = %s"
    assert db.execute(assemblies, (new_id,)).fetchone() == db.execute(assemblies, (catalog_id,)).fetchone()
    audit = db.execute("select details from audit_log where action = 'catalog.new_version'").fetchone()["details"]
    assert audit["items_changed"] == ["FIX-UR", "FIX-WC"] and audit["rates"] == {"markup_pct": "18.5"}
