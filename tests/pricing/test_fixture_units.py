"""Fixture units and suggested sizes, checked against hand arithmetic from the cited code tables."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pricing_helpers import takeoff

from pipelineos.pricing import code_tables as t
from pipelineos.pricing.fixture_units import demand_gpm, fixture_units, format_units
from pipelineos.pricing.models import PricingInputError

COUNTS = {
    "water_closet": 4,
    "urinal": 2,
    "lavatory": 4,
    "service_sink": 1,
    "floor_drain": 2,
    "drinking_fountain": 1,
}


@pytest.mark.parametrize(
    ("table", "edition", "fixture", "expected"),
    [
        # IPC Table 709.1 (DFU): water closet 1.6 gpf private 3 / public 4; clothes washer residential 2 /
        # commercial 3; drinking fountain 1/2; service sink 2
        (t.DFU, "IPC 2021", "water_closet", (3, 4)),
        (t.DFU, "IPC 2021", "clothes_washer", (2, 3)),
        (t.DFU, "IPC 2021", "drinking_fountain", (0.5, 0.5)),
        (t.DFU, "IPC 2021", "service_sink", (2, 2)),
        # IPC Table E103.3(2) (WSFU, total column): lavatory 0.7 / 2; bathtub 1.4 / 4; service sink 3;
        # water closet flushometer valve 6 / 10, flush tank 2.2 / 5
        (t.WSFU, "IPC 2021", "lavatory", (0.7, 2)),
        (t.WSFU, "IPC 2021", "bathtub", (1.4, 4)),
        (t.WSFU, "IPC 2021", "service_sink", (3, 3)),
        (t.WSFU, "IPC 2021", "water_closet", (6, 10)),
        (t.WSFU_FLUSH_TANK, "IPC 2021", "water_closet", (2.2, 5)),
        # UPC Table 702.1 (DFU): clothes washer 3; lavatory 1; water closet 1.6 gpf 3 / 4
        (t.DFU, "UPC 2021", "clothes_washer", (3, 3)),
        (t.DFU, "UPC 2021", "lavatory", (1, 1)),
        (t.DFU, "UPC 2021", "water_closet", (3, 4)),
        # UPC Table 610.3 (WSFU): service sink or mop basin 1.5 / 3; bathtub 4; hose bibb 2.5; water closet
        # 1.6 gpf flushometer valve 5, gravity tank 2.5
        (t.WSFU, "UPC 2021", "service_sink", (1.5, 3)),
        (t.WSFU, "UPC 2021", "bathtub", (4, 4)),
        (t.WSFU, "UPC 2021", "hose_bibb", (2.5, 2.5)),
        (t.WSFU, "UPC 2021", "water_closet", (5, 5)),
        (t.WSFU_FLUSH_TANK, "UPC 2021", "water_closet", (2.5, 2.5)),
    ],
)
def test_table_values_match_the_published_tables(table: dict, edition: str, fixture: str, expected: tuple) -> None:
    assert table[edition][fixture] == expected


def test_drain_capacities_and_demand_rows_match_the_published_tables() -> None:
    ipc, upc = dict(t.DRAIN_CAPACITY["IPC 2021"]), dict(t.DRAIN_CAPACITY["UPC 2021"])
    assert (ipc["3"], ipc["4"], ipc["6"]) == (42, 216, 840)  # IPC Table 710.1(1), 1/4 in/ft
    assert (upc["2"], upc["3"], upc["4"]) == (8, 35, 216)  # UPC Table 703.2, horizontal
    hunter = {u: (tank, valve) for u, tank, valve in t.HUNTER}
    assert hunter[10] == (14.6, 27.0) and hunter[100] == (43.5, 67.5) and hunter[1000] == (208.0, 208.0)


def test_ipc_public_totals_and_sizes() -> None:
    s = fixture_units(COUNTS, edition="IPC 2021", occupancy="public")
    # DFU: 4×4 + 2×2 + 4×1 + 1×2 + 2×2 + 1×0.5 = 30.5 → 3 in drain (≤ 42 at 1/4 in/ft; WC needs ≥ 3 in)
    assert s.total_dfu == Decimal("30.5")
    assert s.building_drain_size == "3"
    # WSFU: 4×10 + 2×5 + 4×2 + 1×3 + 0 + 0.25 = 61.25 → 54 + (61.2 − 54) × 1.25/20 = 54.45 gpm (flush valves)
    assert s.total_wsfu == Decimal("61.25")
    assert s.demand_gpm == Decimal("54.5")
    # 1-1/2 in Type L: 0.4085 × 54.45 / 1.505² = 9.8 ft/s > 8; 2 in: 5.6 ft/s
    assert s.water_service_size == "2"
    assert s.flush_valves and "IPC 2021" in s.tables


def test_upc_private_totals_and_water_closet_limit_on_3_in() -> None:
    s = fixture_units(COUNTS, edition="UPC 2021", occupancy="private")
    # DFU private: 4×3 + 2×2 + 4×1 + 1×3 + 2×2 + 0.5 = 27.5 (≤ 35 for 3 in) but 4 WCs > 3 on a 3-in drain → 4 in
    assert s.total_dfu == Decimal("27.5")
    assert s.building_drain_size == "4"
    # WSFU private: 4×5 + 2×4 + 4×1 + 1×1.5 + 0 + 0.5 = 34.0 → 42 + (46 − 42) × 4/10 = 43.6 gpm (flush valves)
    assert s.total_wsfu == Decimal("34.0")
    assert s.demand_gpm == Decimal("43.6")
    # 1-1/4 in: 0.4085 × 43.6 / 1.265² = 11.1 ft/s; 1-1/2 in: 0.4085 × 43.6 / 1.505² = 7.9 ft/s
    assert s.water_service_size == "1-1/2"
    three = fixture_units({"water_closet": 3, "lavatory": 3}, edition="UPC 2021", occupancy="private")
    assert (three.total_dfu, three.building_drain_size) == (Decimal(12), "3")  # 3×3 + 3×1; three WCs fit


def test_flush_tank_house_uses_tank_values_and_tank_curve() -> None:
    house = {
        "water_closet": 2,
        "lavatory": 3,
        "bathtub": 1,
        "shower": 1,
        "kitchen_sink": 1,
        "dishwasher": 1,
        "clothes_washer": 1,
    }
    s = fixture_units(house, edition="IPC 2021", occupancy="private", flush_valves=False)
    # WSFU: 2×2.2 + 3×0.7 + 1.4 + 1.4 + 1.4 + 1.4 + 1.4 = 13.5 → 14.6 + (17.5 − 14.6) × 3.5/5 = 16.63 gpm (tanks)
    assert s.total_wsfu == Decimal("13.5")
    assert s.demand_gpm == Decimal("16.6")
    # 3/4 in: 0.4085 × 16.63 / 0.785² = 11.0 ft/s; 1 in: 6.5 ft/s
    assert s.water_service_size == "1"
    # DFU: 2×3 + 3×1 + 2 + 2 + 2 + 2 + 2 = 19 → 3 in (a water closet drains to it)
    assert (s.total_dfu, s.building_drain_size) == (Decimal(19), "3")
    assert not s.flush_valves and "flush tanks" in s.notes[0]


def test_per_floor_totals_and_unlisted_class() -> None:
    tk = takeoff(
        ("water_closet", 0, "P-101", "x"),
        ("lavatory", 0, "P-101", "x"),
        ("water_closet", 1, "P-201", "x"),
        ("hose_bibb", 1, "P-201", "x"),
    )
    s = fixture_units(tk, edition="IPC 2021", occupancy="private", floors={"P-101": "Level 1", "P-201": "Level 2"})
    floors = {f["floor"]: (f["dfu"], f["wsfu"]) for f in s.floors}
    # Level 1: WC 3 + lav 1 = 4 DFU, 6 + 0.7 WSFU; Level 2: WC 3 DFU, 6 WSFU (hose bibb not in E103.3(2))
    assert floors == {"Level 1": (Decimal(4), Decimal("6.7")), "Level 2": (Decimal(3), Decimal(6))}
    assert s.unlisted == ["hose_bibb"]
    assert any("hose_bibb" in n for n in s.notes)
    upc = fixture_units(tk, edition="UPC 2021", occupancy="private")
    assert upc.unlisted == [] and upc.total_wsfu == Decimal("13.5")  # 5 + 1 + 5 + 2.5


def test_demand_curve_past_500_and_past_the_table() -> None:
    assert demand_gpm(10, flush_valves=False) == pytest.approx(14.6)
    assert demand_gpm(0, flush_valves=True) == 0
    # 1,101.9 WSFU: 208 + (239 − 208) × 101.9/250 = 220.6 gpm (the table, not an extrapolation of 400–500)
    assert demand_gpm(1101.9, flush_valves=True) == pytest.approx(220.6354, abs=1e-3)
    big = fixture_units({"water_closet": 600}, edition="IPC 2021", occupancy="public")  # 6,000 WSFU
    assert any("beyond the demand table" in n for n in big.notes)


def test_bad_edition_and_occupancy_are_refused() -> None:
    with pytest.raises(PricingInputError, match="IPC 2021"):
        fixture_units(COUNTS, edition="IPC 1990")
    with pytest.raises(PricingInputError, match="private"):
        fixture_units(COUNTS, occupancy="assembly")


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("1101.90"), "1,101.9"), (Decimal("3.0"), "3"), (Decimal("100"), "100"), (0.25, "0.25"), (None, "—")],
)
def test_format_units(value: Decimal | float | None, text: str) -> None:
    assert format_units(value) == text
