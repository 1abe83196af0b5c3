"""Versioned plumbing-code tables: fixture units per fixture class, drain capacities, the demand curve.

Each value is a pair ``(private use, public use)``. Sources, checked against published copies of the tables:

**IPC 2021** — DFU from Table 709.1: water closet 1.6 gpf private 3 / public 4; urinal 1 gpf or less 2; lavatory
1; kitchen sink (domestic) 2; service sink 2; bathtub 2; shower (≤ 5.7 gpm) 2; floor drain 2; drinking fountain
0.5; automatic clothes washer residential 2 / commercial 3; dishwasher (domestic) 2. WSFU (total column) from
Appendix E Table E103.3(2): water closet flushometer valve 6 / 10, flush tank 2.2 / 5; urinal 3/4-in flush valve 5,
flush tank 3; lavatory 0.7 / 2; kitchen sink 1.4 / 4 (hotel, restaurant); service sink 3; bathtub 1.4 / 4; shower
head 1.4 / 4; drinking fountain 0.25; clothes washer (8 lb) 1.4 / 3; dishwasher 1.4. Hose bibbs are not in
E103.3(2). Building drain: Table 710.1(1) at 1/4 in/ft (2 in: 21 DFU, 2½: 24, 3: 42, 4: 216, 5: 480, 6: 840,
8: 1,920, 10: 3,500, 12: 5,600, 15: 10,000).

**UPC 2021** — DFU from Table 702.1: water closet 1.6 gpf 3 / 4; urinal 1 gpf 2; lavatory 1; kitchen sink
domestic 2 / commercial 3; service sink 3; bathtub 2; shower 2; floor drain 2; drinking fountain 0.5; clothes
washer (2-in standpipe) 3; dishwasher 2. WSFU from Table 610.3: water closet 1.6 gpf flushometer valve 5,
gravity or flushometer tank 2.5; urinal 1 gpf flush valve 4 / 5, flush tank 2; lavatory 1; kitchen sink
(domestic) 1.5; service sink or mop basin 1.5 / 3; bathtub 4; shower head 2; drinking fountain 0.5; hose bibb
2.5; clothes washer 4; dishwasher 1.5. Building drain: Table 703.2, horizontal (2 in: 8 DFU, 2½: 14, 3: 35,
4: 216, 5: 428, 6: 720, 8: 2,640, 10: 4,680, 12: 8,200); its footnote allows no more than three water closets
on a 3-in horizontal drain (a later edition raised this to five; three is the conservative reading).

Demand: the Hunter curve of IPC Table E103.3(3) (the same curve as UPC Appendix A), flush-tank and
flushometer-valve columns, 1 to 5,000 WSFU.

Water heaters add no fixture units; a class an edition does not list is reported as unlisted, never counted as
zero silently. The engineer of record verifies sizes before construction.
"""

from __future__ import annotations

Pair = tuple[float, float]

EDITIONS = ("IPC 2021", "UPC 2021")
OCCUPANCIES = ("private", "public")

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
        "clothes_washer": (2, 3),
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
        "service_sink": (1.5, 3),
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
WSFU_FLUSH_TANK: dict[str, dict[str, Pair]] = {
    "IPC 2021": {"water_closet": (2.2, 5), "urinal": (3, 3)},
    "UPC 2021": {"water_closet": (2.5, 2.5), "urinal": (2, 2)},
}
"""WSFU of water closets and urinals with flush tanks (``WSFU`` holds the flushometer-valve values)."""

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
MAX_WATER_CLOSETS_ON_3_IN: dict[str, int | None] = {"IPC 2021": None, "UPC 2021": 3}
"""Water closets a 3-in horizontal drain may take (``None``: the table's DFU limit alone decides)."""

TABLE_NAMES = {
    "IPC 2021": "IPC 2021 Tables 709.1, E103.3(2), 710.1(1), E103.3(3)",
    "UPC 2021": "UPC 2021 Tables 702.1, 610.3, 703.2; Appendix A demand curve",
}
# WSFU → gpm: flush tanks, flushometer valves (None = not applicable at that load). IPC Table E103.3(3).
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
    (750, 170.0, 177.0),
    (1000, 208.0, 208.0),
    (1250, 239.0, 239.0),
    (1500, 269.0, 269.0),
    (1750, 297.0, 297.0),
    (2000, 325.0, 325.0),
    (2500, 380.0, 380.0),
    (3000, 433.0, 433.0),
    (4000, 535.0, 535.0),
    (5000, 593.0, 593.0),
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
FLUSH_VALVE_CLASSES = frozenset({"water_closet", "urinal"})
