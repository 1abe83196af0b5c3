"""The pure Polars bid engine: takeoff × assemblies → priced, explained lines and bid totals.

Batch-native: every frame carries a ``bid_key`` so one call prices one bid or ten thousand. No I/O here.

Money is exact. Amounts travel as integers — cents, hours × 100 (``_centi``), quantities × 1000 (``_milli``),
percentages × 1000 (``_mpct``, matching ``numeric(6, 3)``) — and every division rounds **half up, away from
zero** to the unit kept, exactly like ``Decimal.quantize(ROUND_HALF_UP)`` and PostgreSQL ``round(numeric)``.
Floats never touch money, so the result is the same on every machine and for every batch size.

Order of computation (each step rounded to the cent before the next uses it):

1. line quantity = manual override quantity, else the number of takeoff rows for the fixture class;
2. unit material = Σ item quantity × list cost × discount multiplier (per assembly, rounded to the cent),
   or the manual unit price when one is set;
3. line material = quantity × unit material; line labor hours = quantity × assembly hours (to 0.01 h);
   line labor = line hours × labor rate;
4. direct = Σ material + Σ labor; overhead = direct × overhead %; markup = (direct + overhead) × markup %;
   contingency = (direct + overhead + markup) × contingency %;
   tax = material × tax % (or the whole subtotal × tax % when ``tax_on_total``);
5. total = the sum, rounded half up to ``round_to_cents`` (1 = to the cent); the difference is ``rounding``.

A fixture class with no assembly is never priced at zero silently: its line carries a ``flag``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl

from pipelineos.takeoff.models import FIXTURE_CLASSES

CENT = Decimal("0.01")
TAKEOFF_SCHEMA = {
    "detection_id": pl.String,
    "page_index": pl.Int64,
    "sheet_number": pl.String,
    "fixture_class": pl.String,
    "source": pl.String,
}
MANUAL_SOURCES = ("manual", "added")
"""Takeoff ``source`` values that mean a person marked the fixture (not a detector)."""
_CLASS_ORDER = {name: i for i, name in enumerate(FIXTURE_CLASSES)}


def div_round(numerator: pl.Expr, denominator: int) -> pl.Expr:
    """Integer ``numerator / denominator`` rounded half up (away from zero); ``denominator`` is even."""
    return numerator.sign() * ((numerator.abs() + denominator // 2) // denominator)


def to_cents(value: Decimal | int | float | str) -> int:
    """Decimal dollars → integer cents, half up."""
    return int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    """Integer cents → Decimal dollars with two places."""
    return (Decimal(int(cents)) / 100).quantize(CENT)


def scaled(value: Decimal | int | float | str | None, factor: int) -> int | None:
    """``value × factor`` as an integer, half up (``None`` stays ``None``)."""
    if value is None:
        return None
    return int((Decimal(str(value)) * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


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
    return pl.DataFrame(
        rows,
        schema={
            "bid_key": pl.String,
            "catalog_key": pl.String,
            "labor_rate_cents": pl.Int64,
            "overhead_mpct": pl.Int64,
            "markup_mpct": pl.Int64,
            "contingency_mpct": pl.Int64,
            "tax_mpct": pl.Int64,
            "tax_on_total": pl.Boolean,
            "round_to_cents": pl.Int64,
        },
    )


def assemblies_frame(rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Collapse assembly-item rows into one row per (catalog_key, fixture_class).

    Each input row has ``fixture_class``, ``assembly_name``, ``labor_hours`` and, for each item, ``quantity``,
    ``material_cost``, ``discount_multiplier`` (``None`` for an assembly without items); ``catalog_key``
    defaults to ``"catalog"``. The unit material is summed exactly and rounded half up once, to the cent.
    """
    acc: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        key = (str(r.get("catalog_key", "catalog")), str(r["fixture_class"]))
        entry = acc.setdefault(key, {"name": r["assembly_name"], "hours": r["labor_hours"], "sum": Decimal(0)})
        if r.get("quantity") is not None:
            entry["sum"] += (
                Decimal(str(r["quantity"])) * Decimal(str(r["material_cost"])) * Decimal(str(r["discount_multiplier"]))
            )
    return pl.DataFrame(
        [
            {
                "catalog_key": ck,
                "fixture_class": fc,
                "assembly_name": e["name"],
                "unit_material_cents": to_cents(e["sum"]),
                "assembly_hours_centi": scaled(e["hours"], 100),
            }
            for (ck, fc), e in acc.items()
        ],
        schema={
            "catalog_key": pl.String,
            "fixture_class": pl.String,
            "assembly_name": pl.String,
            "unit_material_cents": pl.Int64,
            "assembly_hours_centi": pl.Int64,
        },
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
        schema={
            "bid_key": pl.String,
            "fixture_class": pl.String,
            "override_q_milli": pl.Int64,
            "override_unit_cents": pl.Int64,
            "override_reason": pl.String,
        },
    )


def _counts(takeoff: pl.DataFrame) -> pl.DataFrame:
    """Per (bid, fixture class): count, detections, and count per sheet — the quantity's provenance."""
    lf = takeoff.lazy()
    if "bid_key" not in takeoff.columns:
        lf = lf.with_columns(bid_key=pl.lit("bid"))
    lf = lf.with_columns(
        sheet=pl.coalesce(pl.col("sheet_number"), pl.lit("page ") + (pl.col("page_index") + 1).cast(pl.String)),
        is_manual=pl.col("source").is_in(MANUAL_SOURCES),
    )
    per_sheet = (
        lf.group_by("bid_key", "fixture_class", "sheet")
        .agg(n=pl.len(), first_page=pl.col("page_index").min())
        .sort("bid_key", "fixture_class", "first_page", "sheet")
        .group_by("bid_key", "fixture_class", maintain_order=True)
        .agg(sheets=pl.col("sheet"), sheet_counts=pl.col("n").cast(pl.Int64))
    )
    totals = lf.group_by("bid_key", "fixture_class").agg(
        counted=pl.len().cast(pl.Int64),
        manual_count=pl.col("is_manual").sum().cast(pl.Int64),
        methods=pl.col("source").unique().sort(),
        detection_ids=pl.col("detection_id").drop_nulls().sort(),
    )
    return totals.join(per_sheet, on=["bid_key", "fixture_class"], how="left").collect()


def price_lines(
    takeoff: pl.DataFrame,
    assemblies: pl.DataFrame,
    rates: pl.DataFrame,
    overrides: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Price every (bid, fixture class) of ``takeoff`` plus classes that only have a quantity override."""
    takeoff = takeoff if takeoff.height else pl.DataFrame(schema={**TAKEOFF_SCHEMA, "bid_key": pl.String})
    counts = _counts(takeoff)
    if overrides is None:
        overrides = overrides_frame([])
    lines = counts.join(overrides, on=["bid_key", "fixture_class"], how="full", coalesce=True).filter(
        pl.col("counted").is_not_null() | pl.col("override_q_milli").is_not_null()
    )
    lines = (
        lines.join(rates.select("bid_key", "catalog_key", "labor_rate_cents"), on="bid_key", how="inner")
        .join(assemblies, on=["catalog_key", "fixture_class"], how="left")
        .with_columns(
            counted=pl.col("counted").fill_null(0),
            manual_count=pl.col("manual_count").fill_null(0),
            has_assembly=pl.col("assembly_name").is_not_null(),
        )
        .with_columns(
            q_milli=pl.coalesce(pl.col("override_q_milli"), pl.col("counted") * 1000),
            unit_material_cents=pl.coalesce(
                pl.col("override_unit_cents"), pl.col("unit_material_cents"), pl.lit(0, pl.Int64)
            ),
            hours_each=pl.col("assembly_hours_centi").fill_null(0),
        )
        .with_columns(
            material_cents=div_round(pl.col("q_milli") * pl.col("unit_material_cents"), 1000),
            labor_hours_centi=div_round(pl.col("q_milli") * pl.col("hours_each"), 1000),
        )
        .with_columns(labor_cost_cents=div_round(pl.col("labor_hours_centi") * pl.col("labor_rate_cents"), 100))
        .with_columns(
            total_cents=pl.col("material_cents") + pl.col("labor_cost_cents"),
            description=pl.coalesce(
                pl.col("assembly_name"),
                pl.col("fixture_class").str.replace_all("_", " ").str.to_titlecase(),
            ),
            flag=pl.when(pl.col("has_assembly"))
            .then(pl.lit(None, pl.String))
            .when(pl.col("override_unit_cents").is_not_null())
            .then(
                pl.format(
                    "No assembly for fixture type '{}' in the catalog: priced from the manual unit "
                    "price only, no labor.",
                    pl.col("fixture_class"),
                )
            )
            .otherwise(
                pl.format(
                    "No assembly for fixture type '{}' in the catalog: NOT PRICED. Add an "
                    "assembly to the catalog or set a manual unit price.",
                    pl.col("fixture_class"),
                )
            ),
            class_order=pl.col("fixture_class").replace_strict(
                _CLASS_ORDER, default=len(_CLASS_ORDER), return_dtype=pl.Int64
            ),
        )
        .sort("bid_key", "class_order", "fixture_class")
        .with_columns(line_no=(pl.int_range(pl.len()).over("bid_key") + 1).cast(pl.Int64))
    )
    return lines.drop("class_order", "hours_each", "labor_rate_cents", "catalog_key")


def summarize(lines: pl.DataFrame, rates: pl.DataFrame) -> pl.DataFrame:
    """Bid totals per ``bid_key`` (every bid in ``rates``, even one without lines)."""
    sums = lines.group_by("bid_key").agg(
        material_cents=pl.col("material_cents").sum(),
        labor_hours_centi=pl.col("labor_hours_centi").sum(),
        labor_cost_cents=pl.col("labor_cost_cents").sum(),
        flagged_lines=pl.col("flag").is_not_null().sum().cast(pl.Int64),
    )
    money = ["material_cents", "labor_hours_centi", "labor_cost_cents", "flagged_lines"]
    out = (
        rates.join(sums, on="bid_key", how="left")
        .with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in money)
        .with_columns(direct_cents=pl.col("material_cents") + pl.col("labor_cost_cents"))
        .with_columns(overhead_cents=div_round(pl.col("direct_cents") * pl.col("overhead_mpct"), 100_000))
        .with_columns(
            markup_cents=div_round((pl.col("direct_cents") + pl.col("overhead_cents")) * pl.col("markup_mpct"), 100_000)
        )
        .with_columns(
            contingency_cents=div_round(
                (pl.col("direct_cents") + pl.col("overhead_cents") + pl.col("markup_cents"))
                * pl.col("contingency_mpct"),
                100_000,
            )
        )
        .with_columns(
            pre_tax_cents=pl.col("direct_cents")
            + pl.col("overhead_cents")
            + pl.col("markup_cents")
            + pl.col("contingency_cents")
        )
        .with_columns(
            tax_cents=div_round(
                pl.when(pl.col("tax_on_total")).then(pl.col("pre_tax_cents")).otherwise(pl.col("material_cents"))
                * pl.col("tax_mpct"),
                100_000,
            )
        )
        .with_columns(subtotal_cents=pl.col("pre_tax_cents") + pl.col("tax_cents"))
        .with_columns(total_cents=_round_to(pl.col("subtotal_cents"), pl.col("round_to_cents")))
        .with_columns(rounding_cents=pl.col("total_cents") - pl.col("subtotal_cents"))
    )
    return out


def _round_to(cents: pl.Expr, step: pl.Expr) -> pl.Expr:
    """Round ``cents`` half up (away from zero) to a multiple of ``step`` (a per-row integer ≥ 1)."""
    return cents.sign() * ((cents.abs() * 2 + step) // (step * 2)) * step


def price_batch(
    takeoff: pl.DataFrame,
    assemblies: pl.DataFrame,
    rates: pl.DataFrame,
    overrides: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(lines, totals)`` for every bid in ``rates``."""
    lines = price_lines(takeoff, assemblies, rates, overrides)
    return lines, summarize(lines, rates)
