"""Catalog import and export: CSV (an items file and an assemblies file) or one XLSX workbook.

Formats (the same columns in CSV files and XLSX sheets):

* **Items**: ``sku, description, unit, material_cost, supplier, discount_multiplier, price_changed_at``
* **Assemblies** (one row per assembly item):
  ``fixture_class, variant, name, labor_hours, sku, phase, quantity``
* **Catalog** (XLSX sheet of ``key, value`` rows, or keyword arguments): ``name, effective_from, currency,
  labor_rate, overhead_pct, markup_pct, tax_pct, contingency_pct``.

An import always creates a **new version** of the named catalog (``max(version) + 1``), effective from
``effective_from`` (default today); older versions stay for the bids that used them. Every row is validated
before anything is written, and the writes run in one transaction: a bad row refuses the whole file with a
:class:`CatalogImportError` naming the row (as numbered in the file, header = row 1) and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import psycopg
from openpyxl import Workbook, load_workbook

from pipelineos.pricing import repository
from pipelineos.pricing.catalog_rules import (
    ASSEMBLY_COLUMNS,
    CATALOG_KEYS,
    ITEM_COLUMNS,
    Row,
    check_columns,
    parse_date,
    parse_number,
    validate,
)
from pipelineos.pricing.models import CatalogImportError


def import_catalog(
    conn: psycopg.Connection,
    organization_id: str,
    *,
    items: list[Row],
    assemblies: list[Row],
    settings: Mapping[str, Any] | None = None,
    where: tuple[str, str] = ("Items file", "Assemblies file"),
) -> dict[str, Any]:
    """Validate then write a new catalog version in one transaction; returns the catalog row and counts."""
    settings = dict(settings or {})
    name = str(settings.get("name") or "Standard 2026").strip()
    effective = parse_date("Catalog", 1, "effective_from", settings.get("effective_from"), dt.date.today())
    clean, groups = validate(items, assemblies, effective, where)
    with conn.transaction():
        base: Mapping[str, Any] = (
            repository.one(conn, "latest_catalog_version", organization_id=organization_id, name=name) or {}
        )
        values = {}
        for key, default in (
            ("labor_rate", "95.00"),
            ("overhead_pct", "10"),
            ("markup_pct", "15"),
            ("tax_pct", "8.25"),
            ("contingency_pct", "3"),
        ):
            raw = settings.get(key, base.get(key, default))
            values[key] = parse_number(
                "Catalog", 1, key, raw, places=2 if key == "labor_rate" else 3, minimum=Decimal(0)
            )
        catalog = repository.one(
            conn,
            "insert_catalog",
            organization_id=organization_id,
            name=name,
            effective_from=effective,
            currency=str(settings.get("currency") or base.get("currency") or "USD"),
            **values,
        )
        assert catalog is not None
        ids = {}
        for item in clean:
            inserted = repository.one(
                conn, "insert_item", organization_id=organization_id, catalog_id=catalog["id"], **item
            )
            assert inserted is not None
            ids[item["sku"]] = inserted["id"]
        for (cls, variant), group in groups.items():
            asm = repository.one(
                conn,
                "insert_assembly",
                organization_id=organization_id,
                catalog_id=catalog["id"],
                fixture_class=cls,
                variant=variant,
                name=group["name"],
                labor_hours=group["labor_hours"],
            )
            assert asm is not None
            repository.execute_many(
                conn,
                "insert_assembly_item",
                [
                    {
                        "organization_id": organization_id,
                        "assembly_id": asm["id"],
                        "item_id": ids[sku],
                        "phase": phase,
                        "quantity": qty,
                    }
                    for (sku, phase), qty in group["parts"].items()
                ],
            )
    return {"catalog": catalog, "items": len(clean), "assemblies": len(groups)}


def _csv_rows(data: bytes | str, where: str, columns: tuple[str, ...], required: int) -> list[Row]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    check_columns(where, header, columns, required)
    keys = [str(h).strip().lower() for h in header]
    return [(n, dict(zip(keys, r, strict=False))) for n, r in enumerate(reader, start=2) if any(c.strip() for c in r)]


def import_csv(
    conn: psycopg.Connection,
    organization_id: str,
    items_csv: bytes | str,
    assemblies_csv: bytes | str,
    **settings: Any,
) -> dict[str, Any]:
    """Import a catalog version from an items CSV and an assemblies CSV."""
    items = _csv_rows(items_csv, "Items file", ITEM_COLUMNS, 4)
    assemblies = _csv_rows(assemblies_csv, "Assemblies file", ASSEMBLY_COLUMNS, 7)
    return import_catalog(conn, organization_id, items=items, assemblies=assemblies, settings=settings)


def _sheet_rows(wb: Any, title: str, columns: tuple[str, ...], required: int) -> list[Row]:
    if title not in wb.sheetnames:
        raise CatalogImportError(f"The workbook has no sheet named {title!r}. Nothing was imported.")
    rows = wb[title].iter_rows(values_only=True)
    header = next(rows, ())
    check_columns(f"Sheet '{title}'", [str(h or "") for h in header], columns, required)
    keys = [str(h or "").strip().lower() for h in header]
    return [
        (n, dict(zip(keys, r, strict=False)))
        for n, r in enumerate(rows, start=2)
        if any(c not in (None, "") for c in r)
    ]


def import_xlsx(conn: psycopg.Connection, organization_id: str, data: bytes, **overrides: Any) -> dict[str, Any]:
    """Import a catalog version from a workbook with sheets Catalog (optional), Items and Assemblies."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise CatalogImportError(
            f"The file is not a readable XLSX workbook ({type(exc).__name__}). Nothing was imported."
        ) from exc
    settings: dict[str, Any] = {}
    if "Catalog" in wb.sheetnames:
        for key, value, *_ in wb["Catalog"].iter_rows(values_only=True):
            if key and str(key).strip().lower() in CATALOG_KEYS:
                settings[str(key).strip().lower()] = value
    settings.update(overrides)
    items = _sheet_rows(wb, "Items", ITEM_COLUMNS, 4)
    assemblies = _sheet_rows(wb, "Assemblies", ASSEMBLY_COLUMNS, 7)
    return import_catalog(
        conn,
        organization_id,
        items=items,
        assemblies=assemblies,
        settings=settings,
        where=("Sheet 'Items'", "Sheet 'Assemblies'"),
    )


def export_rows(conn: psycopg.Connection, organization_id: str, catalog_id: str) -> tuple[dict, list, list]:
    """The catalog's settings, item rows and assembly rows in the import column order."""
    catalog = repository.get_catalog(conn, organization_id, catalog_id)
    settings = {k: catalog[k] for k in CATALOG_KEYS}
    items = [[r[c] for c in ITEM_COLUMNS] for r in repository.rows(conn, "export_items", catalog_id=catalog_id)]
    assemblies = [
        [r[c] for c in ASSEMBLY_COLUMNS] for r in repository.rows(conn, "export_assemblies", catalog_id=catalog_id)
    ]
    return settings, items, assemblies


def export_csv(conn: psycopg.Connection, organization_id: str, catalog_id: str) -> tuple[bytes, bytes]:
    """``(items_csv, assemblies_csv)`` that :func:`import_csv` reads back."""
    _, items, assemblies = export_rows(conn, organization_id, catalog_id)
    out = []
    for columns, rows in ((ITEM_COLUMNS, items), (ASSEMBLY_COLUMNS, assemblies)):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if v is None else str(v) for v in r] for r in rows])
        out.append(buffer.getvalue().encode())
    return out[0], out[1]


def export_xlsx(conn: psycopg.Connection, organization_id: str, catalog_id: str) -> bytes:
    """A workbook (Catalog, Items, Assemblies) that :func:`import_xlsx` reads back."""
    settings, items, assemblies = export_rows(conn, organization_id, catalog_id)
    wb = Workbook()
    sheet = wb.active
    sheet.title = "Catalog"
    for key, value in settings.items():
        sheet.append([key, value if not isinstance(value, Decimal) else str(value)])
    for title, columns, rows in (
        ("Items", ITEM_COLUMNS, items),
        ("Assemblies", ASSEMBLY_COLUMNS, assemblies),
    ):
        ws = wb.create_sheet(title)
        ws.append(list(columns))
        for r in rows:
            ws.append([str(v) if isinstance(v, Decimal) else v for v in r])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
