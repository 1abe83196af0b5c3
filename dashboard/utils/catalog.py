"""Price catalog edits for the dashboard, through the pricing core's catalog rules.

A catalog version that some bid was priced with is frozen (the core refuses edits), so a bid can always be
explained by the prices it used. Changing a frozen version's prices, or any version's rates (labor rate,
markup…), therefore saves a **new version** of the same catalog — effective today and active — built from
the current one with the changes applied, validated by the same rules as a file import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import psycopg

from pipelineos.audit.service import record
from pipelineos.blueprints.repository import one
from pipelineos.pricing import catalog_admin, catalog_io
from pipelineos.pricing.catalog_rules import ASSEMBLY_COLUMNS, ITEM_COLUMNS

EDITABLE = ("description", "unit", "material_cost", "supplier", "discount_multiplier")
PRICE_FIELDS = ("material_cost", "discount_multiplier")
RATE_FIELDS = ("labor_rate", "overhead_pct", "markup_pct", "contingency_pct", "tax_pct")


def changed_rows(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of ``after`` whose editable fields differ from the same sku in ``before``."""
    old = {r["sku"]: r for r in before}
    return [r for r in after if r["sku"] in old and any(str(r[k]) != str(old[r["sku"]][k]) for k in EDITABLE)]


def is_frozen(conn: psycopg.Connection, catalog_id: str) -> bool:
    """Whether a bid was priced with this catalog version (then it can no longer be edited in place)."""
    return bool((one(conn, "catalog_in_use", catalog_id=catalog_id) or {}).get("used"))


def save_edits(
    conn: psycopg.Connection, organization_id: str, catalog_id: str, user_id: str, changes: list[dict[str, Any]]
) -> int:
    """Edit items of a version no bid has used, one audited update each (the core refuses frozen ones)."""
    for row in changes:
        catalog_admin.update_item(
            conn, organization_id, catalog_id, row["sku"], {k: row.get(k) for k in EDITABLE}, user_id=user_id
        )
    return len(changes)


def save_new_version(
    conn: psycopg.Connection,
    organization_id: str,
    catalog_id: str,
    user_id: str,
    *,
    changes: list[dict[str, Any]] | None = None,
    rates: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """A new version of the catalog with ``changes`` (item rows by sku) and ``rates`` applied; returns it."""
    today = today or dt.date.today()
    settings, items, assemblies = catalog_io.export_rows(conn, organization_id, catalog_id)
    edits = {r["sku"]: r for r in changes or []}
    item_rows = []
    for values in items:
        row = dict(zip(ITEM_COLUMNS, values, strict=True))
        edit = edits.get(row["sku"])
        if edit is not None:
            if any(Decimal(str(edit[k])) != Decimal(str(row[k])) for k in PRICE_FIELDS):
                row["price_changed_at"] = today
            row.update({k: edit[k] for k in EDITABLE})
        item_rows.append(row)
    new_settings = {**settings, **{k: v for k, v in (rates or {}).items() if k in RATE_FIELDS}}
    new_settings["effective_from"] = today
    result = catalog_io.import_catalog(
        conn,
        organization_id,
        items=list(enumerate(item_rows, start=2)),
        assemblies=[(n, dict(zip(ASSEMBLY_COLUMNS, r, strict=True))) for n, r in enumerate(assemblies, start=2)],
        settings=new_settings,
        where=("Items", "Assemblies"),
    )
    created = result["catalog"]
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action="catalog.new_version",
        entity="price_catalog",
        entity_id=str(created["id"]),
        details={
            "from_catalog_id": str(catalog_id),
            "version": created["version"],
            "items_changed": sorted(edits),
            "rates": {k: str(v) for k, v in (rates or {}).items() if k in RATE_FIELDS},
        },
    )
    return dict(created)
