"""The pure Polars bid engine: takeoff × assemblies → priced, explained lines and bid totals.

Batch-native: every frame carries a ``bid_key`` so one call prices one bid or ten thousand. No I/O here. Money
is exact integers (:mod:`pipelineos.pricing.money`), so the result is the same on every machine and for every
batch size.

Per (bid, fixture class):

1. quantity = the manual override quantity, else the number of takeoff rows of the class — with its
   provenance: count per sheet, detections, manual marks, detection ids;
2. unit material = Σ item quantity × list cost × discount multiplier of the chosen assembly (rounded once, to
   the cent), or the manual unit price when one is set;
3. material = quantity × unit material; labor hours = quantity × assembly hours (to 0.01 h); labor = hours ×
   the bid's labor rate.

Totals per bid follow in :func:`pipelineos.pricing.totals.summarize`. A fixture class with no assembly is never
priced at zero silently: its line carries a ``flag``.
"""

from __future__ import annotations

import polars as pl

from pipelineos.pricing.frames import (
    MANUAL_SOURCES,
    TAKEOFF_SCHEMA,
    assemblies_frame,
    overrides_frame,
    rates_frame,
)
from pipelineos.pricing.money import CENT, div_round, from_cents, scaled, to_cents
from pipelineos.pricing.totals import summarize
from pipelineos.takeoff.models import FIXTURE_CLASSES

__all__ = [
    "CENT",
    "MANUAL_SOURCES",
    "TAKEOFF_SCHEMA",
    "assemblies_frame",
    "div_round",
    "from_cents",
    "overrides_frame",
    "price_batch",
    "price_lines",
    "rates_frame",
    "scaled",
    "summarize",
    "to_cents",
]

_CLASS_ORDER = {name: i for i, name in enumerate(FIXTURE_CLASSES)}
NOT_PRICED = "NOT PRICED"
"""Marker in the flag of a line that has neither an assembly nor a manual unit price."""


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


def _flag() -> pl.Expr:
    priced_by_hand = (
        "No assembly for fixture type '{}' in the catalog: priced from the manual unit price only, no labor."
    )
    not_priced = (
        "No assembly for fixture type '{}' in the catalog: "
        + NOT_PRICED
        + ". Add an assembly to the catalog or set a manual unit price."
    )
    return (
        pl.when(pl.col("has_assembly"))
        .then(pl.lit(None, pl.String))
        .when(pl.col("override_unit_cents").is_not_null())
        .then(pl.format(priced_by_hand, pl.col("fixture_class")))
        .otherwise(pl.format(not_priced, pl.col("fixture_class")))
    )


def price_lines(
    takeoff: pl.DataFrame,
    assemblies: pl.DataFrame,
    rates: pl.DataFrame,
    overrides: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Price every (bid, fixture class) of ``takeoff`` plus classes that only have a quantity override."""
    takeoff = takeoff if takeoff.height else pl.DataFrame(schema={**TAKEOFF_SCHEMA, "bid_key": pl.String})
    overrides = overrides if overrides is not None else overrides_frame([])
    lines = (
        _counts(takeoff)
        .join(overrides, on=["bid_key", "fixture_class"], how="full", coalesce=True)
        .filter(pl.col("counted").is_not_null() | pl.col("override_q_milli").is_not_null())
        .join(rates.select("bid_key", "catalog_key", "labor_rate_cents"), on="bid_key", how="inner")
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
            flag=_flag(),
            class_order=pl.col("fixture_class").replace_strict(
                _CLASS_ORDER, default=len(_CLASS_ORDER), return_dtype=pl.Int64
            ),
        )
        .sort("bid_key", "class_order", "fixture_class")
        .with_columns(line_no=(pl.int_range(pl.len()).over("bid_key") + 1).cast(pl.Int64))
    )
    return lines.drop("class_order", "hours_each", "labor_rate_cents", "catalog_key")


def price_batch(
    takeoff: pl.DataFrame,
    assemblies: pl.DataFrame,
    rates: pl.DataFrame,
    overrides: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(lines, totals)`` for every bid in ``rates``."""
    lines = price_lines(takeoff, assemblies, rates, overrides)
    return lines, summarize(lines, rates)
