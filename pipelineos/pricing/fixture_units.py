"""Drainage (DFU) and water-supply (WSFU) fixture units from the takeoff, and the sizes the tables suggest.

Versioned code tables, one per edition, each value per fixture class as (private use, public use):

**IPC 2021** — DFU from Table 709.1: water closet 1.6 gpf or less 3 private / 4 public; urinal 1 gpf or less
2; lavatory 1; kitchen sink (domestic) 2; service sink 2; bathtub 2; shower (≤ 5.7 gpm) 2; floor drain 2;
drinking fountain 0.5; clothes washer standpipe 2; dishwasher (domestic) 2. WSFU (total = hot + cold) from
Appendix E, Table E103.3(2): water closet with flush valve 6 private / 10 public; urinal 3/4-in flush valve 5;
lavatory 0.7 / 2; kitchen sink 1.4 / 4; service sink 3; bathtub 1.4 / 4; shower 1.4 / 4; drinking fountain
0.25; clothes washer 1.4 / 3; dishwasher 1.4. Building drain: Table 710.1(1) at 1/4 in/ft (2 in: 21 DFU, 2½:
24, 3: 42, 4: 216, 5: 480, 6: 840, 8: 1,920, 10: 3,500, 12: 5,600, 15: 10,000). Water service at least 3/4 in
(Section 603.1).

**UPC 2021** — DFU from Table 702.1: water closet 1.6 gpf flushometer 3 / 4; urinal 1 gpf or less 2; lavatory
1; kitchen sink 2 / 3 (commercial); service sink 3; bathtub 2; shower 2; floor drain 2; drinking fountain 0.5;
clothes washer 3; dishwasher 2. WSFU from Table 610.3: water closet 1.6 gpf flushometer 5; urinal 1 gpf
flushometer 4 / 5; lavatory 1; kitchen sink 1.5; service sink 3; bathtub 4; shower 2; drinking fountain 0.5;
hose bibb 2.5; clothes washer 4; dishwasher 1.5. Building drain: Table 703.2, horizontal (2 in: 8 DFU, 2½: 14,
3: 35, 4: 216, 5: 428, 6: 720, 8: 2,640, 10: 4,680, 12: 8,200); no more than two water closets on a 3-in
horizontal drain (its footnote).

Water heaters and hose bibbs add no drainage load; a class an edition does not list is reported in
``unlisted`` rather than counted silently. A drain that receives a water closet is at least 3 in.

Water service: peak demand from the WSFU by the Hunter curve (IPC Table E103.3(3); the same curve is UPC
Appendix A), columns for systems with flush valves or flush tanks, interpolated linearly; then the smallest
Type L copper size whose velocity stays at or under 8 ft/s. This is the velocity method, not the
pressure-and-length tables (UPC 610.4 / IPC E201); the proposal names it as a suggestion.

The table values above were transcribed for this module; the engineer of record verifies sizes before
construction.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

Pair = tuple[float, float]

DFU: dict[str, dict[str, Pair]] = {
    "IPC 2021": {
        "water_closet": (3, 4),
        "urinal": (2, 2),
        "lavatory": (1, 1),
        "kitchen_sink": (2, 2),
        "service_sink": (2, 2),
        "bathtub": (2, 2),
        "shower": (2, 2),
        "floor_drain": (2, 2),
        "drinking_fountain": (0.5, 0.5),
        "water_heater": (0, 0),
        "hose_bibb": (0, 0),
        "clothes_washer": (2, 2),
        "dishwasher": (2, 2),
    },
    "UPC 2021": {
        "water_closet": (3, 4),
        "urinal": (2, 2),
        "lavatory": (1, 1),
        "kitchen_sink": (2, 3),
        "service_sink": (3, 3),
        "bathtub": (2, 2),
        "shower": (2, 2),
        "floor_drain": (2, 2),
        "drinking_fountain": (0.5, 0.5),
        "water_heater": (0, 0),
        "hose_bibb": (0, 0),
        "clothes_washer": (3, 3),
        "dishwasher": (2, 2),
    },
}
WSFU: dict[str, dict[str, Pair]] = {
    "IPC 2021": {
        "water_closet": (6, 10),
        "urinal": (5, 5),
        "lavatory": (0.7, 2),
        "kitchen_sink": (1.4, 4),
        "service_sink": (3, 3),
        "bathtub": (1.4, 4),
        "shower": (1.4, 4),
        "floor_drain": (0, 0),
        "drinking_fountain": (0.25, 0.25),
        "water_heater": (0, 0),
        "clothes_washer": (1.4, 3),
        "dishwasher": (1.4, 1.4),
    },
    "UPC 2021": {
        "water_closet": (5, 5),
        "urinal": (4, 5),
        "lavatory": (1, 1),
        "kitchen_sink": (1.5, 1.5),
        "service_sink": (3, 3),
        "bathtub": (4, 4),
        "shower": (2, 2),
        "floor_drain": (0, 0),
        "drinking_fountain": (0.5, 0.5),
        "water_heater": (0, 0),
        "hose_bibb": (2.5, 2.5),
        "clothes_washer": (4, 4),
        "dishwasher": (1.5, 1.5),
    },
}
DRAIN_CAPACITY: dict[str, tuple[tuple[str, float], ...]] = {
    "IPC 2021": (
        ("2", 21),
        ("2-1/2", 24),
        ("3", 42),
        ("4", 216),
        ("5", 480),
        ("6", 840),
        ("8", 1920),
        ("10", 3500),
        ("12", 5600),
        ("15", 10000),
    ),
    "UPC 2021": (
        ("2", 8),
        ("2-1/2", 14),
        ("3", 35),
        ("4", 216),
        ("5", 428),
        ("6", 720),
        ("8", 2640),
        ("10", 4680),
        ("12", 8200),
    ),
}
TABLE_NAMES = {
    "IPC 2021": "IPC 2021 Tables 709.1, E103.3(2), 710.1(1), E103.3(3)",
    "UPC 2021": "UPC 2021 Tables 702.1, 610.3, 703.2; Appendix A demand curve",
}
# WSFU → gpm (Hunter curve): flush tanks, flush valves (None = not applicable at that load)
HUNTER: tuple[tuple[float, float, float | None], ...] = (
    (1, 3.0, None),
    (2, 5.0, None),
    (3, 6.5, None),
    (4, 8.0, None),
    (5, 9.4, 15.0),
    (6, 10.7, 17.4),
    (7, 11.8, 19.8),
    (8, 12.8, 22.2),
    (9, 13.7, 24.6),
    (10, 14.6, 27.0),
    (15, 17.5, 31.0),
    (20, 19.6, 35.0),
    (25, 21.5, 38.0),
    (30, 23.3, 42.0),
    (40, 26.3, 46.0),
    (50, 29.1, 50.0),
    (60, 32.0, 54.0),
    (80, 38.0, 61.2),
    (100, 43.5, 67.5),
    (140, 52.5, 77.0),
    (200, 65.0, 90.0),
    (300, 85.0, 108.0),
    (400, 105.0, 127.0),
    (500, 124.0, 143.0),
)
# nominal size, Type L copper inside diameter (in)
SERVICE_PIPES: tuple[tuple[str, float], ...] = (
    ("3/4", 0.785),
    ("1", 1.025),
    ("1-1/4", 1.265),
    ("1-1/2", 1.505),
    ("2", 1.985),
    ("2-1/2", 2.465),
    ("3", 2.945),
    ("4", 3.905),
    ("6", 5.845),
)
MAX_VELOCITY_FPS = 8.0
FLUSH_VALVE_CLASSES = {"water_closet", "urinal"}


@dataclass
class FixtureUnitSummary:
    edition: str
    occupancy: str
    tables: str
    rows: list[dict[str, object]]
    floors: list[dict[str, object]]
    total_dfu: Decimal
    total_wsfu: Decimal
    demand_gpm: Decimal
    building_drain_size: str
    water_service_size: str
    unlisted: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def demand_gpm(wsfu: float, flush_valves: bool) -> float:
    """Peak demand from the Hunter curve, interpolated linearly (extrapolated past 500 WSFU)."""
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
    """Smallest building drain the edition's table allows for ``dfu`` (≥ 3 in with any water closet)."""
    minimum = 0 if not water_closets else 2 if edition.startswith("IPC") or water_closets <= 2 else 3
    for index, (nominal, capacity) in enumerate(DRAIN_CAPACITY[edition]):
        if index >= minimum and dfu <= capacity:
            return nominal
    return f"over {DRAIN_CAPACITY[edition][-1][0]}"


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
    """
    if edition not in DFU:
        raise ValueError(f"Unknown code edition {edition!r}: choose one of {', '.join(DFU)}.")
    if occupancy not in ("private", "public"):
        raise ValueError(f"Occupancy must be 'private' or 'public', not {occupancy!r}.")
    col = 0 if occupancy == "private" else 1
    if isinstance(takeoff, pl.DataFrame):
        frame = takeoff.with_columns(
            floor=pl.coalesce(pl.col("sheet_number"), pl.lit("page ") + (pl.col("page_index") + 1).cast(pl.String))
        )
        if floors:
            frame = frame.with_columns(floor=pl.col("floor").replace(dict(floors)))
        grouped = frame.group_by("floor", "fixture_class").agg(n=pl.len()).sort("floor", "fixture_class")
        per_floor_counts = [(r["floor"], r["fixture_class"], int(r["n"])) for r in grouped.iter_rows(named=True)]
    else:
        per_floor_counts = [("building", c, int(n)) for c, n in sorted(takeoff.items())]
    dfu_t, wsfu_t = DFU[edition], WSFU[edition]
    unlisted = sorted({c for _, c, _ in per_floor_counts if c not in dfu_t or c not in wsfu_t})
    by_class: dict[str, int] = {}
    floor_totals: dict[str, list[Decimal]] = {}
    for floor, cls, n in per_floor_counts:
        by_class[cls] = by_class.get(cls, 0) + n
        d = Decimal(str(dfu_t.get(cls, (0, 0))[col])) * n
        w = Decimal(str(wsfu_t.get(cls, (0, 0))[col])) * n
        totals = floor_totals.setdefault(floor, [Decimal(0), Decimal(0)])
        totals[0] += d
        totals[1] += w
    rows: list[dict[str, object]] = [
        {
            "fixture_class": c,
            "count": n,
            "dfu_each": dfu_t.get(c, (None, None))[col],
            "wsfu_each": wsfu_t.get(c, (None, None))[col],
            "dfu": Decimal(str(dfu_t.get(c, (0, 0))[col])) * n,
            "wsfu": Decimal(str(wsfu_t.get(c, (0, 0))[col])) * n,
        }
        for c, n in sorted(by_class.items())
    ]
    total_dfu = sum((t[0] for t in floor_totals.values()), Decimal(0))
    total_wsfu = sum((t[1] for t in floor_totals.values()), Decimal(0))
    valves = flush_valves if flush_valves is not None else bool(FLUSH_VALVE_CLASSES & set(by_class))
    gpm = demand_gpm(float(total_wsfu), valves)
    notes = [
        f"Demand from the Hunter curve for a system with flush {'valves' if valves else 'tanks'}; "
        f"service sized at ≤ {MAX_VELOCITY_FPS:g} ft/s in Type L copper (suggestion, verify by the "
        "pressure-and-length method)."
    ]
    notes += [f"'{c}' is not listed in the {edition} tables used here and adds no fixture units." for c in unlisted]
    return FixtureUnitSummary(
        edition=edition,
        occupancy=occupancy,
        tables=TABLE_NAMES[edition],
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
