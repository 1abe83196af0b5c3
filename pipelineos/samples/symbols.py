"""Fixture and furniture symbols as simple primitives, in several US drafting styles.

A symbol is drawn in real-world inches with its back edge on the wall: x runs along the wall
(centred on 0) and y grows away from the wall into the room (primitives: :mod:`pipelineos.samples.shapes`).
"""

from __future__ import annotations

from collections.abc import Callable

from pipelineos.samples.shapes import Prim, Symbol, arc, bounds, circle
from pipelineos.samples.styles_more import MORE_STYLES

__all__ = ["FIXTURE_SYMBOLS", "FURNITURE_KINDS", "STYLES", "Prim", "Symbol", "arc", "bounds", "furniture"]

STYLES: tuple[str, ...] = ("classic", "modern", "cad", "architect", "hospital")
"""Drafting styles, as different offices draw fixtures."""
LIBRARY_STYLES: tuple[str, ...] = ("classic", "modern", "architect")
"""The styles the takeoff's built-in library is drawn from."""
HELD_OUT_STYLES: tuple[str, ...] = ("cad", "hospital")
"""Styles the library never sees: zero-shot detection is measured on them."""

FIXED_PAPER_PT: dict[str, float] = {"floor_drain": 13.0, "hose_bibb": 12.0}
"""Symbols drafted at a fixed paper size whatever the plot scale (not to scale)."""

_circle = circle


def water_closet(style: str) -> Symbol:
    if style == "classic":
        return [("R", -10, 0, 10, 8), ("O", -8, 8, 8, 28)]
    if style == "modern":
        return [("R", -10, 0, 10, 7), ("L", -9, 2, 9, 2), ("O", -7.5, 7, 7.5, 28), ("O", -5.5, 10, 5.5, 26)]
    bowl = [(-8, 9), *arc(0, 19, 8, 9, 180, 0), (8, 9)]
    return [("R", -9, 0, 9, 9), _circle(-5, 4.5, 1.5), _circle(5, 4.5, 1.5), ("P", bowl, True)]


def urinal(style: str) -> Symbol:
    if style == "classic":
        return [("R", -9, 0, 9, 3), ("P", [(-9, 3), *arc(0, 3, 9, 11, 180, 0), (9, 3)], True)]
    if style == "modern":
        return [("O", -8, 0, 8, 14), ("L", -7, 3, 7, 3), _circle(0, 8, 1.5)]
    return [("P", [(-9, 0), (9, 0), (6, 14), (-6, 14)], True), _circle(0, 6, 3)]


def lavatory(style: str) -> Symbol:
    if style == "classic":
        return [("R", -10, 0, 10, 17), ("O", -7, 3, 7, 15), _circle(0, 9, 1)]
    if style == "modern":
        return [("O", -10, 0, 10, 17), ("O", -7, 3, 7, 14), ("L", 0, 0, 0, 4)]
    return [("R", -10, 0, 10, 18), ("R", -7, 4, 7, 15), ("L", -2, 2, 2, 2), _circle(0, 9, 1)]


def kitchen_sink(style: str) -> Symbol:
    if style == "classic":
        return [
            ("R", -16.5, 0, 16.5, 22),
            ("R", -15, 3, -1, 20),
            ("R", 1, 3, 15, 20),
            _circle(-8, 11, 1.2),
            _circle(8, 11, 1.2),
        ]
    if style == "modern":
        return [("R", -16.5, 0, 16.5, 22), ("O", -14, 4, 14, 20), _circle(0, 12, 1.5), ("L", 0, 0, 0, 5)]
    return [("R", -16.5, 0, 16.5, 22), ("R", -15, 3, 3, 20), ("R", 5, 3, 15, 16)]


def service_sink(style: str) -> Symbol:
    if style == "classic":
        return [("R", -12, 0, 12, 20), ("R", -9, 3, 9, 17), ("L", -9, 3, 9, 17), ("L", 9, 3, -9, 17)]
    if style == "modern":
        return [("R", -12, 0, 12, 20), ("R", -9, 3, 9, 17), _circle(0, 10, 2)]
    return [("P", [(-12, 0), (12, 0), (12, 14), (0, 22), (-12, 14)], True), _circle(0, 10, 2)]


def bathtub(style: str) -> Symbol:
    if style == "classic":
        return [
            ("R", -30, 0, 30, 30),
            ("P", [(-26, 4), (20, 4), *arc(20, 15, 6, 11, -90, 90), (-26, 26)], True),
            _circle(-22, 15, 1.5),
        ]
    if style == "modern":
        return [("R", -30, 0, 30, 30), ("O", -27, 3, 27, 27), _circle(-20, 15, 1.5)]
    return [("R", -30, 0, 30, 30), ("R", -27, 3, 27, 27), ("L", -27, 9, 27, 9), _circle(-22, 18, 1.5)]


def shower(style: str) -> Symbol:
    if style == "classic":
        return [("R", -18, 0, 18, 36), ("R", -15, 3, 15, 33), _circle(0, 18, 2)]
    if style == "modern":
        return [("R", -18, 0, 18, 36), _circle(0, 18, 2), ("P", arc(-18, 36, 30, 30, -90, 0), False)]
    return [("R", -18, 0, 18, 36), _circle(0, 18, 2), _circle(0, 18, 6)]


def floor_drain(style: str) -> Symbol:
    if style == "classic":
        return [_circle(0, 5, 5), ("L", -5, 5, 5, 5), ("L", 0, 0, 0, 10)]
    if style == "modern":
        return [
            ("R", -5, 0, 5, 10),
            ("L", -5, 3.3, 5, 3.3),
            ("L", -5, 6.6, 5, 6.6),
            ("L", -1.7, 0, -1.7, 10),
            ("L", 1.7, 0, 1.7, 10),
        ]
    return [_circle(0, 5, 5), _circle(0, 5, 2.5)]


def drinking_fountain(style: str) -> Symbol:
    if style == "classic":
        return [("P", [(-9, 0), (9, 0), (9, 9), *arc(0, 9, 9, 9, 0, 180), (-9, 9)], True), _circle(0, 9, 2)]
    if style == "modern":
        return [("R", -9, 0, 9, 18), _circle(0, 10, 4), ("L", -9, 4, 9, 4)]
    return [("R", -18, 0, 18, 18), _circle(-9, 10, 3), _circle(9, 10, 3)]


def water_heater(style: str) -> Symbol:
    if style == "classic":
        return [_circle(0, 12, 12), _circle(0, 12, 8)]
    if style == "modern":
        return [
            _circle(0, 15, 12),
            ("L", -4, 0, -4, 3.5),
            ("L", 4, 0, 4, 3.5),
            ("P", [(-6, 19), (0, 9), (6, 19)], True),
        ]
    return [("R", -12, 0, 12, 24), _circle(0, 12, 10)]


def hose_bibb(style: str) -> Symbol:
    if style == "classic":
        return [("L", 0, 0, 0, 6), ("P", [(-4, 6), (4, 6), (0, 12)], True)]
    if style == "modern":
        return [("L", 0, 0, 0, 5), ("R", -4, 5, 4, 9), _circle(0, 11, 1.5)]
    return [("L", 0, 0, 0, 7), _circle(0, 9.5, 2.5), ("L", -4, 7, 4, 7)]


def clothes_washer(style: str) -> Symbol:
    if style == "classic":
        return [("R", -13.5, 0, 13.5, 27), ("L", -13.5, 6, 13.5, 6), _circle(0, 16, 8)]
    if style == "modern":
        return [("R", -13.5, 0, 13.5, 27), ("R", -10, 2, 10, 5), _circle(0, 16, 8), _circle(0, 16, 5)]
    return [("R", -13.5, 0, 13.5, 27), ("L", -13.5, 5, 13.5, 5), ("O", -9, 8, 9, 24)]


def dishwasher(style: str) -> Symbol:
    if style == "classic":
        return [("R", -12, 0, 12, 24), ("L", -12, 4, 12, 4), ("L", -12, 4, 12, 24), ("L", 12, 4, -12, 24)]
    if style == "modern":
        return [("R", -12, 0, 12, 24), ("L", -12, 4, 12, 4), ("R", -6, 14, 6, 18)]
    return [("R", -12, 0, 12, 24), ("L", -12, 20, 12, 20), ("L", -8, 22, 8, 22)]


def _styled(fixture_class: str, classic_modern_cad: Callable[[str], Symbol]) -> Callable[[str], Symbol]:
    def draw(style: str) -> Symbol:
        if style in MORE_STYLES:
            return MORE_STYLES[style][fixture_class]()
        return classic_modern_cad(style)

    return draw


FIXTURE_SYMBOLS: dict[str, Callable[[str], Symbol]] = {
    name: _styled(name, fn)
    for name, fn in (
        ("water_closet", water_closet),
        ("urinal", urinal),
        ("lavatory", lavatory),
        ("kitchen_sink", kitchen_sink),
        ("service_sink", service_sink),
        ("bathtub", bathtub),
        ("shower", shower),
        ("floor_drain", floor_drain),
        ("drinking_fountain", drinking_fountain),
        ("water_heater", water_heater),
        ("hose_bibb", hose_bibb),
        ("clothes_washer", clothes_washer),
        ("dishwasher", dishwasher),
    )
}


def furniture(kind: str) -> Symbol:
    """Distractor symbols of fixture size: furniture, doors and equipment."""
    chairs = [("R", -4, -8, 4, -1), ("R", -4, 31, 4, 38)]
    table: dict[str, Symbol] = {
        "desk": [("R", -30, 0, 30, 30), ("R", -9, 34, 9, 50), ("P", arc(0, 50, 9, 5, 0, 180), False)],
        "table": [("R", -24, 0, 24, 30), *chairs, ("R", -18, -8, -10, -1), ("R", 10, 31, 18, 38)],
        "round_table": [
            _circle(0, 18, 18),
            ("R", -4, -6, 4, 0),
            ("R", -4, 36, 4, 42),
            ("R", -24, 14, -18, 22),
            ("R", 18, 14, 24, 22),
        ],
        "bed": [("R", -30, 0, 30, 80), ("R", -26, 3, -3, 15), ("R", 3, 3, 26, 15), ("L", -30, 30, 30, 30)],
        "door": [("L", 0, 0, 0, 36), ("P", arc(0, 0, 36, 36, 90, 0), False)],
        "equipment": [("R", -18, 0, 18, 30), ("L", -18, 0, 18, 30), ("L", 18, 0, -18, 30)],
        "range": [
            ("R", -15, 0, 15, 26),
            _circle(-7, 8, 4),
            _circle(7, 8, 4),
            _circle(-7, 19, 4),
            _circle(7, 19, 4),
        ],
        "refrigerator": [("R", -15, 0, 15, 30), ("L", -15, 26, 15, 26)],
        "sofa": [
            ("R", -36, 0, 36, 10),
            ("R", -36, 10, -30, 34),
            ("R", 30, 10, 36, 34),
            ("R", -30, 10, 30, 32),
        ],
        "chair": [("R", -10, 0, 10, 20), ("R", -10, 0, 10, 5)],
        "cabinet": [("R", -18, 0, 18, 24), ("L", 0, 0, 0, 24)],
        "counter": [("R", -30, 0, 30, 30)],
    }
    return table[kind]


FURNITURE_KINDS: tuple[str, ...] = (
    "desk",
    "table",
    "round_table",
    "bed",
    "door",
    "equipment",
    "range",
    "refrigerator",
    "sofa",
    "chair",
    "cabinet",
    "counter",
)
