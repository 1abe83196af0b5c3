"""Price catalog items: CSV export and import with line-numbered validation, and saving edits."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import psycopg

from dashboard.utils.db import fetch_all
from pipelineos.audit.service import record

COLUMNS = ("sku", "description", "unit", "material_cost", "supplier", "discount_multiplier")
EDITABLE = ("description", "unit", "material_cost", "supplier", "discount_multiplier")
MAX_IMPORT_BYTES = 2_000_000


class CatalogImportError(ValueError):
    """A CSV that cannot be imported; the message names the line and the column."""


def export_csv(items: Iterable[dict[str, Any]]) -> bytes:
    """Items as CSV (UTF-8) with the columns :data:`COLUMNS`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for item in items:
        writer.writerow({k: item.get(k, "") for k in COLUMNS})
    return out.getvalue().encode()


def _money(value: str, line: int, column: str, minimum: Decimal, strict: bool) -> Decimal:
    try:
        number = Decimal(value.strip().lstrip("$").replace(",", ""))
    except InvalidOperation as exc:
        raise CatalogImportError(f"Line {line}: {column} {value!r} is not a number.") from exc
    if number < minimum or (strict and number == minimum) or not number.is_finite():
        raise CatalogImportError(f"Line {line}: {column} must be {'above' if strict else 'at least'} {minimum}.")
    return number


def parse_csv(data: bytes) -> list[dict[str, Any]]:
    """Validated item rows from a CSV with at least ``sku``, ``description`` and ``material_cost`` columns."""
    if len(data) > MAX_IMPORT_BYTES:
        raise CatalogImportError(f"The file is over {MAX_IMPORT_BYTES // 1_000_000} MB; split it.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogImportError("The file is not UTF-8 text; save it as CSV UTF-8 and retry.") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("sku", "description", "material_cost") if c not in header]
    if missing:
        raise CatalogImportError(f"Missing column(s): {', '.join(missing)}. Export the catalog for a template.")
    rows, seen = [], set()
    for line, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        sku = row["sku"]
        if not sku or len(sku) > 64:
            raise CatalogImportError(f"Line {line}: sku is empty or longer than 64 characters.")
        if sku in seen:
            raise CatalogImportError(f"Line {line}: sku {sku!r} appears twice.")
        seen.add(sku)
        if not row["description"]:
            raise CatalogImportError(f"Line {line}: description is empty.")
        rows.append(
            {
                "sku": sku,
                "description": row["description"][:500],
                "unit": row.get("unit") or "ea",
                "material_cost": _money(row["material_cost"], line, "material_cost", Decimal(0), False),
                "supplier": row.get("supplier", "")[:200],
                "discount_multiplier": _money(
                    row.get("discount_multiplier") or "1", line, "discount_multiplier", Decimal(0), True
                ),
            }
        )
    if not rows:
        raise CatalogImportError("The file has a header but no items.")
    return rows


def changed_rows(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of ``after`` whose editable fields differ from the same sku in ``before``."""
    old = {r["sku"]: r for r in before}
    return [r for r in after if r["sku"] in old and any(str(r[k]) != str(old[r["sku"]][k]) for k in EDITABLE)]


def save_items(
    conn: psycopg.Connection,
    organization_id: str,
    catalog_id: str,
    user_id: str,
    rows: list[dict[str, Any]],
    *,
    upsert: bool,
) -> int:
    """Update (or, on import, upsert) items and audit the change, in the caller's transaction."""
    query = "upsert_item" if upsert else "update_item"
    for row in rows:
        fetch_all(
            query,
            conn,
            organization_id=organization_id,
            catalog_id=catalog_id,
            **{k: row[k] for k in COLUMNS},
        )
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action="catalog.import" if upsert else "catalog.edit",
        entity="price_catalog",
        entity_id=catalog_id,
        details={"items": len(rows), "skus": [r["sku"] for r in rows][:50]},
    )
    return len(rows)
