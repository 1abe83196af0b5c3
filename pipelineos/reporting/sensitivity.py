"""Pricing sensitivity: how a bid's total moves with labor rate, markup, overhead and material prices.

Every scenario is priced by the real bid engine (:mod:`pipelineos.pricing.engine`) in one batch — one
``bid_key`` per scenario — so the figures are exactly what the estimating pipeline would produce.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import polars as pl

from pipelineos.pricing.engine import assemblies_frame, price_batch, rates_frame

RATE_KEYS: tuple[str, ...] = ("labor_rate", "overhead_pct", "markup_pct", "contingency_pct", "tax_pct")
FACTOR_KEYS: tuple[str, ...] = ("material_factor", "labor_hours_factor")


class ScenarioError(ValueError):
    """A scenario names a parameter the pricing model does not have."""


TYPICAL_FALLBACK: dict[str, int] = {"water_closet": 4, "lavatory": 4, "floor_drain": 2}


def typical_job(mix: pl.DataFrame, blueprints: int, fallback: Mapping[str, int] | None = None) -> dict[str, int]:
    """Fixture counts of an average blueprint: the reviewed mix (``fixture_class``, ``count``) divided by the
    number of blueprints, each class present at least once; ``fallback`` when there is no takeoff yet."""
    counts = {r["fixture_class"]: max(1, round(r["count"] / max(blueprints, 1))) for r in mix.iter_rows(named=True)}
    return counts or dict(fallback or TYPICAL_FALLBACK)


def takeoff_from_counts(counts: Mapping[str, int]) -> pl.DataFrame:
    """A takeoff frame with ``n`` rows per fixture class, the shape the engine counts."""
    rows = [
        {"detection_id": None, "page_index": 0, "sheet_number": None, "fixture_class": cls, "source": "count"}
        for cls, n in counts.items()
        for _ in range(int(n))
    ]
    return pl.DataFrame(
        rows,
        schema={
            "detection_id": pl.String,
            "page_index": pl.Int64,
            "sheet_number": pl.String,
            "fixture_class": pl.String,
            "source": pl.String,
        },
    )


def _scaled_assemblies(
    items: Iterable[Mapping[str, Any]],
    key: str,
    material: Decimal,
    hours: Decimal,
) -> list[dict[str, Any]]:
    out = []
    for row in items:
        cost = row.get("material_cost")
        out.append(
            {
                **row,
                "catalog_key": key,
                "material_cost": None if cost is None else Decimal(str(cost)) * material,
                "labor_hours": Decimal(str(row["labor_hours"])) * hours,
            }
        )
    return out


def scenario_totals(
    counts: Mapping[str, int],
    assembly_items: Iterable[Mapping[str, Any]],
    base_rates: Mapping[str, Any],
    scenarios: list[dict[str, Any]],
) -> pl.DataFrame:
    """Price the same fixture counts under each scenario; one row per scenario with its parameters and totals.

    A scenario overrides any of :data:`RATE_KEYS` and may scale material prices (``material_factor``) or
    labor hours (``labor_hours_factor``); everything else comes from ``base_rates`` (a catalog's rates).
    """
    items = list(assembly_items)
    takeoff = takeoff_from_counts(counts)
    rates, assemblies, takeoffs, params = [], [], [], []
    for i, scenario in enumerate(scenarios):
        unknown = set(scenario) - set(RATE_KEYS) - set(FACTOR_KEYS)
        if unknown:
            raise ScenarioError(f"unknown scenario parameter(s) {sorted(unknown)}; use {RATE_KEYS + FACTOR_KEYS}")
        key = f"s{i:05d}"
        merged = {k: scenario.get(k, base_rates[k]) for k in RATE_KEYS}
        factors = {k: float(scenario.get(k, 1.0)) for k in FACTOR_KEYS}
        rates.append({"bid_key": key, "catalog_key": key, **{k: str(v) for k, v in merged.items()}})
        assemblies.extend(
            _scaled_assemblies(
                items,
                key,
                Decimal(str(factors["material_factor"])),
                Decimal(str(factors["labor_hours_factor"])),
            )
        )
        takeoffs.append(takeoff.with_columns(bid_key=pl.lit(key)))
        params.append({"bid_key": key, **{k: float(v) for k, v in merged.items()}, **factors})
    _, totals = price_batch(
        pl.concat(takeoffs) if takeoffs else takeoff, assemblies_frame(assemblies), rates_frame(rates)
    )
    money = totals.select(
        "bid_key",
        *[
            (pl.col(f"{c}_cents") / 100).round(2).alias(c)
            for c in ("material", "labor_cost", "overhead", "markup", "contingency", "tax", "total")
        ],
    )
    return pl.DataFrame(params).join(money, on="bid_key", how="left").sort("bid_key").drop("bid_key")


def one_way(
    counts: Mapping[str, int],
    assembly_items: Iterable[Mapping[str, Any]],
    base_rates: Mapping[str, Any],
    parameter: str,
    values: list[float],
) -> pl.DataFrame:
    """Totals while one parameter sweeps ``values`` and the rest stay at the base."""
    return scenario_totals(counts, assembly_items, base_rates, [{parameter: v} for v in values])


def tornado(
    counts: Mapping[str, int],
    assembly_items: Iterable[Mapping[str, Any]],
    base_rates: Mapping[str, Any],
    swing: float = 0.10,
) -> pl.DataFrame:
    """Total at −swing and +swing of each parameter, widest effect first (a tornado chart's bars)."""
    items = list(assembly_items)
    scenarios: list[dict[str, Any]] = [{}]
    names: list[str] = []
    for key in RATE_KEYS:
        base = float(base_rates[key])
        scenarios += [{key: round(base * (1 - swing), 3)}, {key: round(base * (1 + swing), 3)}]
        names.append(key)
    for key in FACTOR_KEYS:
        scenarios += [{key: 1 - swing}, {key: 1 + swing}]
        names.append(key)
    totals = scenario_totals(counts, items, base_rates, scenarios)["total"].to_list()
    base_total = totals[0]
    rows = [
        {"parameter": name, "low": totals[1 + 2 * i], "high": totals[2 + 2 * i], "base": base_total}
        for i, name in enumerate(names)
    ]
    return (
        pl.DataFrame(rows)
        .with_columns((pl.col("high") - pl.col("low")).abs().alias("range"))
        .sort(["range", "parameter"], descending=[True, False])
    )
