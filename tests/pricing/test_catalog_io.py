"""Catalog import/export round trips; a bad row is refused by row and column and nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest

from pipelineos.pricing.catalog_io import export_csv, export_xlsx, import_csv, import_xlsx
from pipelineos.pricing.defaults import all_assemblies
from pipelineos.pricing.models import CatalogImportError
from pipelineos.pricing.repository import active_catalog

ITEMS = """sku,description,unit,material_cost,supplier,discount_multiplier,price_changed_at
WC-BOWL,Toilet bowl,ea,200.00,Ferguson,0.75,2026-02-01
WAX,Wax ring,ea,5.50,Oatey,,
"""
ASSEMBLIES = """fixture_class,variant,name,labor_hours,sku,phase,quantity
water_closet,standard,Toilet,3.00,WC-BOWL,fixture,1
water_closet,standard,Toilet,3.00,WAX,finish,2
"""


def _count(db: psycopg.Connection, org: str) -> tuple[int, int, int]:
    row = db.execute(
        "select (select count(*) from price_catalogs where organization_id = %(o)s) as c, "
        "(select count(*) from price_items where organization_id = %(o)s) as i, "
        "(select count(*) from assembly_items where organization_id = %(o)s) as a",
        {"o": org},
    ).fetchone()
    return row["c"], row["i"], row["a"]  # type: ignore[index]


def test_csv_import_creates_new_active_version(seeded: dict[str, str], db: psycopg.Connection) -> None:
    org = seeded["organization_id"]
    first = import_csv(db, org, ITEMS, ASSEMBLIES, name="Supplier A", labor_rate="88.50", effective_from="2026-01-01")
    second = import_csv(db, org, ITEMS, ASSEMBLIES, name="Supplier A", effective_from="2026-01-02")
    db.commit()
    assert (first["catalog"]["version"], second["catalog"]["version"]) == (1, 2)
    assert second["catalog"]["labor_rate"] == Decimal("88.50"), "settings carry over from the last version"
    assert (second["items"], second["assemblies"]) == (2, 1)
    assert active_catalog(db, org)["id"] == second["catalog"]["id"]
    item = db.execute(
        "select discount_multiplier, price_changed_at::text as d from price_items "
        "where catalog_id = %s and sku = 'WAX'",
        (second["catalog"]["id"],),
    ).fetchone()
    assert item["discount_multiplier"] == 1 and item["d"] == "2026-01-02"  # type: ignore[index]


@pytest.mark.parametrize(
    ("items", "assemblies", "row", "column", "text"),
    [
        (ITEMS.replace("5.50", '"5,50"'), ASSEMBLIES, 3, "material_cost", "is not a number"),
        (ITEMS.replace("200.00", "-1"), ASSEMBLIES, 2, "material_cost", "at least 0"),
        (ITEMS.replace("Oatey,,", "Oatey,0,"), ASSEMBLIES, 3, "discount_multiplier", "greater than 0"),
        (ITEMS + "WAX,Again,ea,1.00,,1,\n", ASSEMBLIES, 4, "sku", "already used on row 3"),
        (ITEMS, ASSEMBLIES.replace("WAX,finish", "NOPE,finish"), 3, "sku", "not in the items"),
        (ITEMS, ASSEMBLIES.replace("finish", "plumbing"), 3, "phase", "must be one of"),
        (ITEMS, ASSEMBLIES.replace("3.00,WAX", "4.00,WAX"), 3, "labor_hours", "differs from row 2"),
        (ITEMS, ASSEMBLIES.replace(",2\n", ",0\n"), 3, "quantity", "greater than 0"),
    ],
)
def test_bad_row_is_refused_with_row_and_column(
    seeded: dict[str, str],
    db: psycopg.Connection,
    items: str,
    assemblies: str,
    row: int,
    column: str,
    text: str,
) -> None:
    org = seeded["organization_id"]
    before = _count(db, org)
    with pytest.raises(CatalogImportError) as err:
        import_csv(db, org, items, assemblies, name="Broken")
    assert (err.value.row, err.value.column) == (row, column)
    assert f"row {row}, column '{column}'" in err.value.message and text in err.value.message
    assert _count(db, org) == before, "nothing half-imported"


def test_missing_header_column(seeded: dict[str, str], db: psycopg.Connection) -> None:
    with pytest.raises(CatalogImportError, match=r"missing column.*material_cost"):
        import_csv(db, seeded["organization_id"], ITEMS.replace("material_cost", "cost"), ASSEMBLIES)


def test_xlsx_and_csv_round_trip_the_default_catalog(seeded: dict[str, str], db: psycopg.Connection) -> None:
    org = seeded["organization_id"]
    default = db.execute(
        "select id from price_catalogs where organization_id = %s and name = 'Standard 2026' and version = 1",
        (org,),
    ).fetchone()["id"]  # type: ignore[index]
    items_csv, assemblies_csv = export_csv(db, org, str(default))
    workbook = export_xlsx(db, org, str(default))
    via_xlsx = import_xlsx(db, org, workbook, name="Round trip", effective_from="2026-01-01")
    via_csv = import_csv(db, org, items_csv, assemblies_csv, name="Round trip", effective_from="2026-01-01")
    again = export_csv(db, org, str(via_xlsx["catalog"]["id"]))
    assert again == (items_csv, assemblies_csv) == export_csv(db, org, str(via_csv["catalog"]["id"]))
    assert via_xlsx["assemblies"] == len(all_assemblies()) == 16  # 13 standard + 3 variants
    bad = export_xlsx(db, org, str(default))
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(bad))
    wb["Items"]["D5"] = "ten dollars"
    buffer = BytesIO()
    wb.save(buffer)
    with pytest.raises(CatalogImportError, match=r"Sheet 'Items' row 5, column 'material_cost'"):
        import_xlsx(db, org, buffer.getvalue(), name="Round trip")
    db.rollback()


def test_a_future_version_waits_for_its_effective_date(seeded: dict[str, str], db: psycopg.Connection) -> None:
    org = seeded["organization_id"]
    today = dt.date.today()
    current = import_csv(db, org, ITEMS, ASSEMBLIES, name="Dated", effective_from=str(today - dt.timedelta(days=1)))
    next_month = str(today + dt.timedelta(days=30))
    future = import_csv(db, org, ITEMS.replace("200.00", "230.00"), ASSEMBLIES, name="Dated", effective_from=next_month)
    assert future["catalog"]["version"] == current["catalog"]["version"] + 1
    assert active_catalog(db, org)["id"] == current["catalog"]["id"], "next month's prices are not used today"
    db.execute("update price_catalogs set effective_from = %s where id = %s", (today, future["catalog"]["id"]))
    assert active_catalog(db, org)["id"] == future["catalog"]["id"], "on its date the new version takes over"
    db.rollback()
