"""Drainage (DFU) and water-supply (WSFU) fixture units from the takeoff, and the sizes the code tables suggest.

The table values and their sources are in :mod:`pipelineos.pricing.code_tables`. Totals are kept per floor
(a sheet, or the floor a sheet is mapped to) and for the building. The building drain is the smallest size the
edition's table allows for the DFU (at least 3 in once a water closet drains to it); the water service is sized
from the Hunter-curve demand as the smallest Type L copper tube at ≤ 8 ft/s (the velocity method, not the
pressure-and-length tables of UPC 610.4 / IPC E201, so the proposal names it a suggestion).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from pipelineos.pricing.code_tables import (
    DFU,
    DRAIN_CAPACITY,
    EDITIONS,
    FLUSH_VALVE_CLASSES,
    HUNTER,
    MAX_VELOCITY_FPS,
    MAX_WATER_CLOSETS_ON_3_IN,
    OCCUPANCIES,
    SERVICE_PIPES,
    TABLE_NAMES,
    WSFU,
    WSFU_FLUSH_TANK,
    Pair,
)
from pipelineos.pricing.models import PricingInputError

__all__ = ["FixtureUnitSummary", "demand_gpm", "drain_size", "fixture_units", "format_units", "service_size"]


@dataclass
class FixtureUnitSummary:
    """Fixture units of one takeoff under one code edition and occupancy."""

    edition: str
    occupancy: str
    tables: str
    flush_valves: bool
    rows: list[dict[str, object]]
    floors: list[dict[str, object]]
    total_dfu: Decimal
    total_wsfu: Decimal
    demand_gpm: Decimal
    building_drain_size: str
    water_service_size: str
    unlisted: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def format_units(value: Decimal | float | None) -> str:
    """Fixture units for people: ``1101.90`` → ``1,101.9``, ``3.0`` → ``3``, ``None`` → ``—``."""
    if value is None:
        return "—"
    number = Decimal(str(value)).normalize()
    return f"{number:,f}" if number != number.to_integral() else f"{number.to_integral():,f}"


def demand_gpm(wsfu: float, flush_valves: bool) -> float:
    """Peak demand from the Hunter curve (IPC Table E103.3(3)), interpolated linearly between its rows."""
    points = [(u, v if flush_valves else t) for u, t, v in HUNTER if (v if flush_valves else t) is not None]
    if wsfu <= 0:
        return 0.0
    if wsfu <= points[0][0]:
        return float(points[0][1])  # type: ignore[arg-type]
    for (u0, g0), (u1, g1) in itertools.pairwise(points):
        if wsfu <= u1:
            return float(g0 + (g1 - g0) * (wsfu - u0) / (u1 - u0))  # type: ignore[operator]
    (u0, g0), (u1, g1) = points[-2], points[-1]
    return float(g1 + (g1 - g0) * (wsfu - u1) / (u1 - u0))  # type: ignore[operator]


def service_size(gpm: float) -> str:
    """Smallest Type L copper size at ≤ 8 ft/s (v = 0.4085 × gpm / d²), never under 3/4 in."""
    for nominal, inside in SERVICE_PIPES:
        if 0.4085 * gpm / inside**2 <= MAX_VELOCITY_FPS:
            return nominal
    return f"over {SERVICE_PIPES[-1][0]}"


def drain_size(edition: str, dfu: float, water_closets: int) -> str:
    """Smallest building drain the edition's table allows for ``dfu`` and ``water_closets``."""
    limit = MAX_WATER_CLOSETS_ON_3_IN[edition]
    sizes = DRAIN_CAPACITY[edition]
    minimum = 0
    if water_closets:
        minimum = 2 if limit is None or water_closets <= limit else 3
    for index, (nominal, capacity) in enumerate(sizes):
        if index >= minimum and dfu <= capacity:
            return nominal
    return f"over {sizes[-1][0]}"


def _counts(takeoff: pl.DataFrame | Mapping[str, int], floors: Mapping[str, str] | None) -> list[tuple[str, str, int]]:
    """``(floor, fixture class, count)`` rows from a takeoff frame or from plain counts."""
    if not isinstance(takeoff, pl.DataFrame):
        return [("building", c, int(n)) for c, n in sorted(takeoff.items())]
    frame = takeoff.with_columns(
        floor=pl.coalesce(pl.col("sheet_number"), pl.lit("page ") + (pl.col("page_index") + 1).cast(pl.String))
    )
    if floors:
        frame = frame.with_columns(floor=pl.col("floor").replace(dict(floors)))
    grouped = frame.group_by("floor", "fixture_class").agg(n=pl.len()).sort("floor", "fixture_class")
    return [(r["floor"], r["fixture_class"], int(r["n"])) for r in grouped.iter_rows(named=True)]


def _wsfu_table(edition: str, flush_valves: bool) -> dict[str, Pair]:
    table = dict(WSFU[edition])
    if not flush_valves:
        table.update(WSFU_FLUSH_TANK[edition])
    return table


def fixture_units(
    takeoff: pl.DataFrame | Mapping[str, int],
    *,
    edition: str = "IPC 2021",
    occupancy: str = "public",
    floors: Mapping[str, str] | None = None,
    flush_valves: bool | None = None,
) -> FixtureUnitSummary:
    """DFU/WSFU per class, per floor and for the building, plus the suggested drain and service sizes.

    ``takeoff`` is a takeoff frame (``fixture_class``, ``sheet_number``, ``page_index``) or plain counts per
    class. A floor is the sheet's entry in ``floors`` (sheet → floor name), else the sheet itself.
    ``flush_valves`` says whether water closets and urinals have flushometer valves (default: yes when the
    takeoff has any) or flush tanks; it selects both their WSFU and the demand-curve column.
    """
    if edition not in EDITIONS:
        raise PricingInputError(f"Unknown code edition {edition!r}: choose one of {', '.join(EDITIONS)}.")
    if occupancy not in OCCUPANCIES:
        raise PricingInputError(f"Occupancy must be 'private' or 'public', not {occupancy!r}.")
    col = OCCUPANCIES.index(occupancy)
    per_floor = _counts(takeoff, floors)
    by_class: dict[str, int] = {}
    for _, cls, n in per_floor:
        by_class[cls] = by_class.get(cls, 0) + n
    valves = flush_valves if flush_valves is not None else bool(FLUSH_VALVE_CLASSES & set(by_class))
    dfu_t, wsfu_t = DFU[edition], _wsfu_table(edition, valves)
    unlisted = sorted(c for c in by_class if c not in dfu_t or c not in wsfu_t)

    def units(table: dict[str, Pair], cls: str, n: int) -> Decimal:
        return Decimal(str(table.get(cls, (0, 0))[col])) * n

    floor_totals: dict[str, list[Decimal]] = {}
    for floor, cls, n in per_floor:
        totals = floor_totals.setdefault(floor, [Decimal(0), Decimal(0)])
        totals[0] += units(dfu_t, cls, n)
        totals[1] += units(wsfu_t, cls, n)
    rows: list[dict[str, object]] = [
        {
            "fixture_class": c,
            "count": n,
            "dfu_each": dfu_t[c][col] if c in dfu_t else None,
            "wsfu_each": wsfu_t[c][col] if c in wsfu_t else None,
            "dfu": units(dfu_t, c, n),
            "wsfu": units(wsfu_t, c, n),
        }
        for c, n in sorted(by_class.items())
    ]
    total_dfu = sum((t[0] for t in floor_totals.values()), Decimal(0))
    total_wsfu = sum((t[1] for t in floor_totals.values()), Decimal(0))
    gpm = demand_gpm(float(total_wsfu), valves)
    notes = [
        f"Demand from the Hunter curve for a system with flush {'valves' if valves else 'tanks'}; "
        f"service sized at ≤ {MAX_VELOCITY_FPS:g} ft/s in Type L copper (suggestion, verify by the "
        "pressure-and-length method)."
    ]
    if total_wsfu > HUNTER[-1][0]:
        notes.append(f"{format_units(total_wsfu)} WSFU is beyond the demand table; the demand is extrapolated.")
    notes += [f"'{c}' is not listed in the {edition} tables used here and adds no fixture units." for c in unlisted]
    return FixtureUnitSummary(
        edition=edition,
        occupancy=occupancy,
        tables=TABLE_NAMES[edition],
        flush_valves=valves,
        rows=rows,
        floors=[{"floor": f, "dfu": t[0], "wsfu": t[1]} for f, t in floor_totals.items()],
        total_dfu=total_dfu,
        total_wsfu=total_wsfu,
        demand_gpm=Decimal(str(round(gpm, 1))),
        building_drain_size=drain_size(edition, float(total_dfu), by_class.get("water_closet", 0)),
        water_service_size=service_size(gpm),
        unlisted=unlisted,
        notes=notes,
    )
