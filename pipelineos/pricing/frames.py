"""The engine's input frames: the takeoff schema, per-bid rates, assemblies and manual overrides.

Every frame is keyed so one engine call prices one bid or ten thousand: rates and overrides by ``bid_key``,
assemblies by ``catalog_key`` (each bid's rates name its catalog). Amounts become exact integers here (see
:mod:`pipelineos.pricing.money`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import polars as pl

from pipelineos.pricing.money import scaled, to_cents

TAKEOFF_SCHEMA = {
    "detection_id": pl.String,
    "page_index": pl.Int64,
    "sheet_number": pl.String,
    "fixture_class": pl.String,
    "source": pl.String,
}
MANUAL_SOURCES = ("manual", "added")
"""Takeoff ``source`` values that mean a person marked the fixture (not a detector)."""
DEFAULT_VARIANT = "standard"

RATES_SCHEMA = {
    "bid_key": pl.String,
    "catalog_key": pl.String,
    "labor_rate_cents": pl.Int64,
    "overhead_mpct": pl.Int64,
    "markup_mpct": pl.Int64,
    "contingency_mpct": pl.Int64,
    "tax_mpct": pl.Int64,
    "tax_on_total": pl.Boolean,
    "round_to_cents": pl.Int64,
}
ASSEMBLIES_SCHEMA = {
    "catalog_key": pl.String,
    "fixture_class": pl.String,
    "assembly_variant": pl.String,
    "assembly_name": pl.String,
    "unit_material_cents": pl.Int64,
    "assembly_hours_centi": pl.Int64,
}
OVERRIDES_SCHEMA = {
    "bid_key": pl.String,
    "fixture_class": pl.String,
    "override_q_milli": pl.Int64,
    "override_unit_cents": pl.Int64,
    "override_reason": pl.String,
}


def rates_frame(rates: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Per-bid rates from mappings with ``bid_key``, ``catalog_key`` and the catalog's decimal percentages."""
    rows = [
        {
            "bid_key": str(r["bid_key"]),
            "catalog_key": str(r.get("catalog_key", "catalog")),
            "labor_rate_cents": to_cents(r["labor_rate"]),
            "overhead_mpct": scaled(r.get("overhead_pct", 0), 1000),
            "markup_mpct": scaled(r.get("markup_pct", 0), 1000),
            "contingency_mpct": scaled(r.get("contingency_pct", 0), 1000),
            "tax_mpct": scaled(r.get("tax_pct", 0), 1000),
            "tax_on_total": bool(r.get("tax_on_total", False)),
            "round_to_cents": to_cents(r.get("round_total_to", "0.01")) or 1,
        }
        for r in rates
    ]
    return pl.DataFrame(rows, schema=RATES_SCHEMA)


def assemblies_frame(rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Collapse assembly-item rows into one row per (catalog_key, fixture_class).

    Each input row has ``fixture_class``, ``assembly_name``, ``labor_hours`` and, for each item, ``quantity``,
    ``material_cost``, ``discount_multiplier`` (``None`` for an assembly without items); ``catalog_key``
    defaults to ``"catalog"`` and ``variant`` to ``"standard"``. Rows must hold one variant per fixture class
    and catalog (pick it first). The unit material is summed exactly and rounded half up once, to the cent.
    """
    acc: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        key = (str(r.get("catalog_key", "catalog")), str(r["fixture_class"]))
        variant = str(r.get("variant") or DEFAULT_VARIANT)
        entry = acc.setdefault(
            key, {"variant": variant, "name": r["assembly_name"], "hours": r["labor_hours"], "sum": Decimal(0)}
        )
        if entry["variant"] != variant:
            raise ValueError(f"assemblies_frame got variants {entry['variant']!r} and {variant!r} of {key[1]}")
        if r.get("quantity") is not None:
            entry["sum"] += (
                Decimal(str(r["quantity"])) * Decimal(str(r["material_cost"])) * Decimal(str(r["discount_multiplier"]))
            )
    return pl.DataFrame(
        [
            {
                "catalog_key": ck,
                "fixture_class": fc,
                "assembly_variant": e["variant"],
                "assembly_name": e["name"],
                "unit_material_cents": to_cents(e["sum"]),
                "assembly_hours_centi": scaled(e["hours"], 100),
            }
            for (ck, fc), e in acc.items()
        ],
        schema=ASSEMBLIES_SCHEMA,
    )


def overrides_frame(rows: Iterable[Mapping[str, Any]], bid_key: str | None = None) -> pl.DataFrame:
    """Manual overrides (``fixture_class``, ``quantity``, ``unit_price``, ``reason``) keyed by bid."""
    return pl.DataFrame(
        [
            {
                "bid_key": str(bid_key if bid_key is not None else r["bid_key"]),
                "fixture_class": r["fixture_class"],
                "override_q_milli": scaled(r.get("quantity"), 1000),
                "override_unit_cents": scaled(r.get("unit_price"), 100),
                "override_reason": r.get("reason") or "",
            }
            for r in rows
        ],
        schema=OVERRIDES_SCHEMA,
    )
