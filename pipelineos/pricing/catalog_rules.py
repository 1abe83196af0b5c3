"""Column sets and row validation for catalog files; every error names the row and the column.

Used by :mod:`pipelineos.pricing.catalog_io`. Rows arrive as ``(row number in the file, {column: value})``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from pipelineos.pricing.models import PHASES, CatalogImportError

ITEM_COLUMNS = (
    "sku",
    "description",
    "unit",
    "material_cost",
    "supplier",
    "discount_multiplier",
    "price_changed_at",
)
ASSEMBLY_COLUMNS = ("fixture_class", "variant", "name", "labor_hours", "sku", "phase", "quantity")
CATALOG_KEYS = (
    "name",
    "effective_from",
    "currency",
    "labor_rate",
    "overhead_pct",
    "markup_pct",
    "tax_pct",
    "contingency_pct",
)
_CLASS = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
Row = tuple[int, dict[str, Any]]


def bad(where: str, row: int, column: str, problem: str) -> CatalogImportError:
    return CatalogImportError(
        f"{where} row {row}, column '{column}': {problem}. Nothing was imported.", row=row, column=column
    )


def _text(where: str, row: int, col: str, value: Any, *, required: bool = True, default: str = "") -> str:
    text = "" if value is None else str(value).strip()
    if not text and required:
        raise bad(where, row, col, "is empty; a value is required")
    return text or default


def parse_number(
    where: str,
    row: int,
    col: str,
    value: Any,
    *,
    places: int,
    minimum: Decimal,
    strict: bool = False,
    default: str | None = None,
) -> Decimal:
    raw = "" if value is None else str(value).strip().replace("$", "")
    if not raw and default is not None:
        raw = default
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise bad(where, row, col, f"{raw!r} is not a number (use digits and a dot, e.g. 12.50)") from None
    if not number.is_finite() or number < minimum or (strict and number == minimum):
        raise bad(where, row, col, f"{raw} must be {'greater than' if strict else 'at least'} {minimum}")
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise bad(where, row, col, f"{raw} has more than {places} decimal places")
    return number


def parse_date(where: str, row: int, col: str, value: Any, default: dt.date) -> dt.date:
    if value in (None, ""):
        return default
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise bad(where, row, col, f"{value!r} is not a date (use YYYY-MM-DD)") from None


def check_columns(where: str, header: Iterable[str], expected: tuple[str, ...], required: int) -> None:
    present = [str(h or "").strip().lower() for h in header]
    missing = [c for c in expected[:required] if c not in present]
    if missing:
        raise CatalogImportError(
            f"{where}: missing column(s) {', '.join(missing)} in the header row; expected "
            f"{', '.join(expected)}. Nothing was imported.",
            row=1,
            column=missing[0],
        )


def validate(
    items: list[Row],
    assemblies: list[Row],
    effective_from: dt.date,
    where: tuple[str, str] = ("Items file", "Assemblies file"),
) -> tuple[list[dict[str, Any]], dict]:
    """Check every row; returns clean items and ``{(class, variant): {name, labor_hours, parts}}``."""
    w_items, w_asm = where
    clean: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for n, r in items:
        sku = _text(w_items, n, "sku", r.get("sku"))
        if sku in seen:
            raise bad(w_items, n, "sku", f"{sku!r} is already used on row {seen[sku]}")
        seen[sku] = n
        clean.append(
            {
                "sku": sku,
                "description": _text(w_items, n, "description", r.get("description")),
                "unit": _text(w_items, n, "unit", r.get("unit"), required=False, default="ea"),
                "material_cost": parse_number(
                    w_items, n, "material_cost", r.get("material_cost"), places=2, minimum=Decimal(0)
                ),
                "supplier": _text(w_items, n, "supplier", r.get("supplier"), required=False),
                "discount_multiplier": parse_number(
                    w_items,
                    n,
                    "discount_multiplier",
                    r.get("discount_multiplier"),
                    places=4,
                    minimum=Decimal(0),
                    strict=True,
                    default="1",
                ),
                "price_changed_at": parse_date(
                    w_items, n, "price_changed_at", r.get("price_changed_at"), effective_from
                ),
            }
        )
    if not clean:
        raise CatalogImportError(f"{w_items} has no item rows. Nothing was imported.", row=2, column="sku")
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for n, r in assemblies:
        cls = _text(w_asm, n, "fixture_class", r.get("fixture_class")).lower()
        if not _CLASS.match(cls):
            raise bad(w_asm, n, "fixture_class", f"{cls!r} must be lower-case letters, digits and _")
        variant = _text(w_asm, n, "variant", r.get("variant"), required=False, default="standard")
        name = _text(w_asm, n, "name", r.get("name"))
        hours = parse_number(w_asm, n, "labor_hours", r.get("labor_hours"), places=2, minimum=Decimal(0))
        sku = _text(w_asm, n, "sku", r.get("sku"))
        if sku not in seen:
            raise bad(w_asm, n, "sku", f"{sku!r} is not in the items")
        phase = _text(w_asm, n, "phase", r.get("phase")).lower()
        if phase not in PHASES:
            raise bad(w_asm, n, "phase", f"{phase!r} must be one of {', '.join(PHASES)}")
        qty = parse_number(w_asm, n, "quantity", r.get("quantity"), places=3, minimum=Decimal(0), strict=True)
        group = groups.setdefault((cls, variant), {"name": name, "labor_hours": hours, "row": n, "parts": {}})
        if (group["name"], group["labor_hours"]) != (name, hours):
            column = "name" if group["name"] != name else "labor_hours"
            raise bad(
                w_asm,
                n,
                column,
                f"differs from row {group['row']} of the same assembly "
                f"({cls}/{variant}); repeat the same name and labor hours on every row",
            )
        if (sku, phase) in group["parts"]:
            raise bad(w_asm, n, "sku", f"{sku!r} is listed twice in phase {phase} of {cls}/{variant}")
        group["parts"][(sku, phase)] = qty
    return clean, groups
