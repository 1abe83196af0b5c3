"""Pricing sensitivity goes through the real bid engine; totals checked by hand on a tiny catalog."""

from __future__ import annotations

import polars as pl
import pytest

from pipelineos.reporting import one_way, scenario_totals, tornado, typical_job
from pipelineos.reporting.sensitivity import ScenarioError

# one assembly: $100 list × 0.5 discount = $50 material, 2 h labor
ITEMS = [
    {
        "fixture_class": "water_closet",
        "assembly_name": "WC",
        "labor_hours": 2.0,
        "quantity": 1.0,
        "material_cost": 100.0,
        "discount_multiplier": 0.5,
    }
]
RATES = {
    "labor_rate": 50.0,
    "overhead_pct": 10.0,
    "markup_pct": 20.0,
    "contingency_pct": 0.0,
    "tax_pct": 10.0,
}


def expected_total(material: float, hours: float, rate: float = 50.0, markup: float = 20.0) -> float:
    direct = material + hours * rate
    overhead = direct * 0.10
    mark = (direct + overhead) * markup / 100
    return round(direct + overhead + mark + material * 0.10, 2)


def test_base_scenario_matches_a_hand_computed_bid():
    row = scenario_totals({"water_closet": 2}, ITEMS, RATES, [{}]).row(0, named=True)
    # 2 × ($50 + 2 h × $50) = $300 direct; overhead $30; markup $66; tax 10 % of $100 material = $10
    assert (row["material"], row["labor_cost"], row["overhead"], row["markup"], row["tax"]) == (
        100.0,
        200.0,
        30.0,
        66.0,
        10.0,
    )
    assert row["total"] == 406.0 == expected_total(100, 4)


def test_one_way_sweep_of_markup_and_material_factor():
    markups = one_way({"water_closet": 2}, ITEMS, RATES, "markup_pct", [0, 10, 30])
    assert markups["total"].to_list() == [expected_total(100, 4, markup=m) for m in (0, 10, 30)]
    material = scenario_totals({"water_closet": 2}, ITEMS, RATES, [{"material_factor": 1.5}])
    assert material["total"].to_list() == [expected_total(150, 4)]


def test_tornado_orders_parameters_by_effect():
    table = tornado({"water_closet": 2}, ITEMS, RATES, swing=0.10)
    assert table["parameter"][0] in ("labor_rate", "labor_hours_factor")  # labor is 2/3 of the direct cost
    row = {r["parameter"]: r for r in table.iter_rows(named=True)}["markup_pct"]
    assert (row["low"], row["high"], row["base"]) == (
        expected_total(100, 4, markup=18),
        expected_total(100, 4, markup=22),
        406.0,
    )
    assert row["range"] == pytest.approx(row["high"] - row["low"])
    assert {r["parameter"]: r["range"] for r in table.iter_rows(named=True)}["contingency_pct"] == 0.0


def test_unknown_parameter_is_named():
    with pytest.raises(ScenarioError, match="margin_pct"):
        scenario_totals({"water_closet": 1}, ITEMS, RATES, [{"margin_pct": 5}])


def test_typical_job_is_the_average_blueprint_with_a_fallback():
    mix = pl.DataFrame({"fixture_class": ["lavatory", "urinal", "shower"], "count": [40, 9, 1]})
    assert typical_job(mix, 10) == {"lavatory": 4, "urinal": 1, "shower": 1}
    assert typical_job(mix.clear(), 0) == {"water_closet": 4, "lavatory": 4, "floor_drain": 2}
    assert typical_job(mix.clear(), 3, {"urinal": 2}) == {"urinal": 2}
