"""Fixture units and suggested sizes, checked against hand arithmetic from the cited tables."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pricing_helpers import takeoff

from pipelineos.pricing.fixture_units import demand_gpm, fixture_units

COUNTS = {
    "water_closet": 4,
    "urinal": 2,
    "lavatory": 4,
    "service_sink": 1,
    "floor_drain": 2,
    "drinking_fountain": 1,
}


def test_ipc_public_totals_and_sizes() -> None:
    s = fixture_units(COUNTS, edition="IPC 2021", occupancy="public")
    # DFU: 4×4 + 2×2 + 4×1 + 1×2 + 2×2 + 1×0.5 = 30.5 → 3 in drain (≤ 42 at 1/4 in/ft; WC needs ≥ 3 in)
    assert s.total_dfu == Decimal("30.5")
    assert s.building_drain_size == "3"
    # WSFU: 4×10 + 2×5 + 4×2 + 1×3 + 0 + 0.25 = 61.25 → 54 + 7.2 × 1.25/20 = 54.45 gpm (flush valves)
    assert s.total_wsfu == Decimal("61.25")
    assert s.demand_gpm == Decimal("54.5")
    # 1-1/2 in Type L: 0.4085 × 54.45 / 1.505² = 9.8 ft/s > 8; 2 in: 5.6 ft/s
    assert s.water_service_size == "2"
    assert "IPC 2021" in s.tables


def test_upc_private_and_three_water_closets_need_4_in() -> None:
    s = fixture_units(COUNTS, edition="UPC 2021", occupancy="private")
    # DFU private: 4×3 + 2×2 + 4×1 + 3 + 2×2 + 0.5 = 27.5 (≤ 35 for 3 in) but 4 WCs > 2 on 3 in → 4 in
    assert s.total_dfu == Decimal("27.5")
    assert s.building_drain_size == "4"
    # WSFU private: 4×5 + 2×4 + 4×1 + 3 + 0 + 0.5 = 35.5
    assert s.total_wsfu == Decimal("35.5")


def test_per_floor_totals_and_unlisted_class() -> None:
    tk = takeoff(
        ("water_closet", 0, "P-101", "x"),
        ("lavatory", 0, "P-101", "x"),
        ("water_closet", 1, "P-201", "x"),
        ("hose_bibb", 1, "P-201", "x"),
    )
    s = fixture_units(tk, edition="IPC 2021", occupancy="private", floors={"P-101": "Level 1", "P-201": "Level 2"})
    floors = {f["floor"]: (f["dfu"], f["wsfu"]) for f in s.floors}
    assert floors == {"Level 1": (Decimal(4), Decimal("6.7")), "Level 2": (Decimal(3), Decimal(6))}
    assert s.unlisted == ["hose_bibb"]
    assert any("hose_bibb" in n for n in s.notes)


def test_demand_curve_and_bad_edition() -> None:
    assert demand_gpm(10, flush_valves=False) == pytest.approx(14.6)
    assert demand_gpm(0, flush_valves=True) == 0
    with pytest.raises(ValueError, match="IPC 2021"):
        fixture_units(COUNTS, edition="IPC 1990")
