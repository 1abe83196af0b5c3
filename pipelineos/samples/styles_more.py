"""Two more drafting styles, as different offices draw plumbing fixtures.

``architect`` (double-line CAD blocks: tank and seat ring, basins in rounded tops, shower with an X) is part
of the takeoff's built-in library. ``hospital`` (flush-valve water closets with no tank, wall-hung oval
basins, a tankless water heater, diagonals and solid drain dots) is never shown to the library: with ``cad``
it is the held-out set on which zero-shot detection is measured.
"""

from __future__ import annotations

from collections.abc import Callable

from pipelineos.samples.shapes import Symbol, arc, circle, dot, rounded_rect


def _architect() -> dict[str, Callable[[], Symbol]]:
    return {
        "water_closet": lambda: [
            ("R", -10, 0, 10, 8),
            ("R", -8.5, 1.5, 8.5, 6.5),
            ("O", -8, 8, 8, 30),
            ("O", -5.5, 11, 5.5, 27),
        ],
        "urinal": lambda: [
            ("P", [(-9, 0), (9, 0), (9, 4), *arc(0, 4, 9, 12, 0, 180), (-9, 4)], True),
            ("P", [(-5.5, 2), (5.5, 2), (5.5, 5), *arc(0, 5, 5.5, 7, 0, 180), (-5.5, 5)], True),
        ],
        "lavatory": lambda: [
            ("P", [(-11, 0), (11, 0), (11, 12), *arc(0, 12, 11, 7, 0, 180), (-11, 12)], True),
            ("O", -7, 4, 7, 15),
            ("L", 0, 0, 0, 3),
        ],
        "kitchen_sink": lambda: [
            ("R", -16.5, 0, 16.5, 22),
            rounded_rect(-14, 3, 4, 19, 2.5),
            ("L", 7, 5, 14, 5),
            ("L", 7, 9, 14, 9),
            ("L", 7, 13, 14, 13),
            ("L", 7, 17, 14, 17),
            circle(-5, 11, 1.5),
        ],
        "service_sink": lambda: [
            ("R", -12, 0, 12, 24),
            rounded_rect(-9, 3, 9, 21, 3),
            circle(0, 15, 2),
        ],
        "bathtub": lambda: [("R", -30, 0, 30, 32), rounded_rect(-27, 3, 27, 29, 6), circle(21, 16, 1.5)],
        "shower": lambda: [("R", -18, 0, 18, 36), ("L", -18, 0, 18, 36), ("L", 18, 0, -18, 36), circle(0, 18, 2.5)],
        "floor_drain": lambda: [("R", -5, 0, 5, 10), circle(0, 5, 3.5)],
        "drinking_fountain": lambda: [
            ("P", [(-9, 0), (9, 0), *arc(0, 0, 9, 12, 0, 180)], True),
            circle(0, 5, 2),
            ("L", -9, 3, -7, 3),
        ],
        "water_heater": lambda: [circle(0, 13, 12), circle(0, 13, 3), ("L", 0, 0, 0, 1)],
        "hose_bibb": lambda: [("L", 0, 0, 0, 5), circle(0, 8, 3), ("L", -3, 8, 3, 8)],
        "clothes_washer": lambda: [("R", -13.5, 0, 13.5, 27), circle(0, 15, 9), circle(0, 15, 3)],
        "dishwasher": lambda: [("R", -12, 0, 12, 24), ("R", -9, 3, 9, 17), ("L", -12, 20, 12, 20)],
    }


def _hospital() -> dict[str, Callable[[], Symbol]]:
    return {
        "water_closet": lambda: [("R", -3, 0, 3, 4), ("O", -7.5, 4, 7.5, 28), ("O", -5, 7, 5, 25)],
        "urinal": lambda: [("R", -10, 0, 10, 15), ("P", arc(0, 0, 7, 11, 0, 180), False), dot(0, 6, 1.2)],
        "lavatory": lambda: [("P", [(-11, 0), (11, 0), *arc(0, 0, 11, 18, 0, 180)], True), ("O", -7, 3, 7, 13)],
        "kitchen_sink": lambda: [("R", -16.5, 0, 16.5, 22), ("O", -15, 3, -1, 20), ("O", 1, 3, 15, 20)],
        "service_sink": lambda: [("R", -12, 0, 12, 24), circle(0, 12, 9), dot(0, 12, 2)],
        "bathtub": lambda: [
            ("R", -30, 0, 30, 30),
            ("P", [(-20, 4), (20, 4), *arc(20, 15, 7, 11, -90, 90), (-20, 26), *arc(-20, 15, 7, 11, 90, 270)], True),
            dot(0, 15, 1.5),
        ],
        "shower": lambda: [("R", -18, 0, 18, 36), ("L", -18, 36, 18, 0), dot(0, 18, 2)],
        "floor_drain": lambda: [circle(0, 5, 5), ("L", -3.5, 1.5, 3.5, 8.5), ("L", 3.5, 1.5, -3.5, 8.5)],
        "drinking_fountain": lambda: [("R", -9, 0, 9, 14), ("O", -6, 3, 6, 11)],
        "water_heater": lambda: [("R", -8, 0, 8, 10), ("R", -5, 2, 5, 8), dot(0, 5, 1)],
        "hose_bibb": lambda: [("L", 0, 0, 0, 6), ("R", -3, 6, 3, 10)],
        "clothes_washer": lambda: [("R", -13.5, 0, 13.5, 27), circle(0, 14, 9), ("L", -13.5, 24, 13.5, 24)],
        "dishwasher": lambda: [("R", -12, 0, 12, 24), ("L", -12, 0, 12, 24)],
    }


MORE_STYLES: dict[str, dict[str, Callable[[], Symbol]]] = {"architect": _architect(), "hospital": _hospital()}
