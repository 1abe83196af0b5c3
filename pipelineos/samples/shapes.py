"""Drawing primitives of the sample symbols, in real-world inches.

* ``("L", x0, y0, x1, y1)`` line, ``("R", x0, y0, x1, y1)`` rectangle,
* ``("O", x0, y0, x1, y1)`` ellipse inscribed in a box, ``("P", points, closed)`` polyline,
* ``("F", x0, y0, x1, y1)`` filled ellipse (a solid dot).
"""

from __future__ import annotations

import math

Prim = tuple
Symbol = list[Prim]


def arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, n: int = 12) -> list[tuple]:
    """Points of an elliptical arc from angle a0 to a1 (degrees, y down)."""
    return [
        (
            cx + rx * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
            cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n)),
        )
        for i in range(n + 1)
    ]


def circle(cx: float, cy: float, r: float) -> Prim:
    """An outlined circle."""
    return ("O", cx - r, cy - r, cx + r, cy + r)


def dot(cx: float, cy: float, r: float) -> Prim:
    """A filled circle."""
    return ("F", cx - r, cy - r, cx + r, cy + r)


def rounded_rect(x0: float, y0: float, x1: float, y1: float, r: float) -> Prim:
    """A closed rectangle with rounded corners of radius ``r``."""
    points = [
        *arc(x1 - r, y0 + r, r, r, -90, 0, 4),
        *arc(x1 - r, y1 - r, r, r, 0, 90, 4),
        *arc(x0 + r, y1 - r, r, r, 90, 180, 4),
        *arc(x0 + r, y0 + r, r, r, 180, 270, 4),
    ]
    return ("P", points, True)


def bounds(symbol: Symbol) -> tuple[float, float, float, float]:
    """Bounding box of a symbol in its own inches."""
    xs: list[float] = []
    ys: list[float] = []
    for prim in symbol:
        if prim[0] == "P":
            xs += [p[0] for p in prim[1]]
            ys += [p[1] for p in prim[1]]
        else:
            xs += [prim[1], prim[3]]
            ys += [prim[2], prim[4]]
    return min(xs), min(ys), max(xs), max(ys)
