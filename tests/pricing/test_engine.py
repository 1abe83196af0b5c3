"""The pure engine: exact half-up rounding, batch = one-by-one, manual marks and flags explained."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import pytest
from pricing_helpers import takeoff

from pipelineos.pricing import engine
from pipelineos.pricing.inputs import pick_variants
from pipelineos.pricing.models import PricingInputError


@pytest.mark.parametrize(
    ("num", "den"),
    [(5, 10), (-5, 10), (15, 10), (-15, 10), (14, 10), (-16, 10), (123_456_789, 100_000), (-50_000, 100_000)],
)
def test_div_round_matches_decimal_half_up(num: int, den: int) -> None:
    got = pl.select(engine.div_round(pl.lit(num, pl.Int64), den)).item()
    assert got == int((Decimal(num) / den).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _assemblies() -> pl.DataFrame:
    return engine.assemblies_frame(
        [
            {
                "fixture_class": "lavatory",
                "assembly_name": "Lav",
                "labor_hours": "1.25",
                "quantity": "3",
                "material_cost": "0.35",
                "discount_multiplier": "0.5",
            },  # 3 × 0.35 × 0.5 = 0.525 → 0.53
        ]
    )


def test_unit_material_rounds_once_per_assembly() -> None:
    assert _assemblies()["unit_material_cents"].to_list() == [53]


def test_batch_equals_one_by_one_and_is_deterministic() -> None:
    tk = takeoff(*[("lavatory", 0, "P-1", "detected")] * 3, ("water_closet", 0, "P-1", "added"))
    rates = [
        {
            "bid_key": k,
            "labor_rate": "90",
            "overhead_pct": "7.5",
            "markup_pct": "12.125",
            "tax_pct": "6",
            "contingency_pct": "2",
        }
        for k in ("a", "b")
    ]
    batch = pl.concat([tk.with_columns(bid_key=pl.lit("a")), tk.head(2).with_columns(bid_key=pl.lit("b"))])
    _, totals = engine.price_batch(batch, _assemblies(), engine.rates_frame(rates))
    for key, frame in (("a", tk), ("b", tk.head(2))):
        _, single = engine.price_batch(
            frame.with_columns(bid_key=pl.lit(key)),
            _assemblies(),
            engine.rates_frame([r for r in rates if r["bid_key"] == key]),
        )
        assert totals.filter(pl.col("bid_key") == key).drop("bid_key").equals(single.drop("bid_key"))
    lines, _ = engine.price_batch(batch, _assemblies(), engine.rates_frame(rates))
    wc = lines.filter((pl.col("bid_key") == "a") & (pl.col("fixture_class") == "water_closet")).row(0, named=True)
    assert wc["manual_count"] == 1 and "NOT PRICED" in wc["flag"] and wc["total_cents"] == 0


def test_totals_by_hand_with_tax_on_total_and_dollar_rounding() -> None:
    tk = takeoff(*[("lavatory", 0, "P-1", "detected")] * 2)
    rates = engine.rates_frame(
        [
            {
                "bid_key": "bid",
                "labor_rate": "100",
                "overhead_pct": "10",
                "markup_pct": "10",
                "tax_pct": "10",
                "contingency_pct": "0",
                "tax_on_total": True,
                "round_total_to": "5",
            }
        ]
    )
    _, totals = engine.price_batch(tk, _assemblies(), rates)
    t = totals.row(0, named=True)
    # material 2 × 0.53 = 1.06; hours 2.5 → labor 250.00; direct 251.06; overhead 25.106 → 25.11
    # markup 10 % of 276.17 = 27.617 → 27.62; pre-tax 303.79; tax 30.379 → 30.38; subtotal 334.17 → 335.00
    assert (t["direct_cents"], t["overhead_cents"], t["markup_cents"], t["tax_cents"]) == (
        25106,
        2511,
        2762,
        3038,
    )
    assert (t["subtotal_cents"], t["total_cents"], t["rounding_cents"]) == (33417, 33500, 83)


def test_pick_variants_prefers_chosen_then_standard_then_first_by_name() -> None:
    rows = [
        {"fixture_class": "water_closet", "variant": "standard"},
        {"fixture_class": "water_closet", "variant": "flush_tank"},
        {"fixture_class": "lavatory", "variant": "wall_hung"},
        {"fixture_class": "lavatory", "variant": "countertop"},
    ]
    picked = pick_variants(rows, {})
    assert [(r["fixture_class"], r["variant"]) for r in picked] == [
        ("water_closet", "standard"),
        ("lavatory", "countertop"),  # no standard: the first by name, so the choice never depends on row order
    ]
    chosen = pick_variants(rows, {"water_closet": "flush_tank"})
    assert ("water_closet", "flush_tank") in [(r["fixture_class"], r["variant"]) for r in chosen]
    with pytest.raises(PricingInputError, match="choose one of countertop, wall_hung"):
        pick_variants(rows, {"lavatory": "pedestal"})


def test_assemblies_frame_refuses_two_variants_of_one_type() -> None:
    row = {"fixture_class": "lavatory", "assembly_name": "Lav", "labor_hours": "1", "quantity": None}
    with pytest.raises(ValueError, match="variants"):
        engine.assemblies_frame([{**row, "variant": "a"}, {**row, "variant": "b"}])
