"""Place symbols on a PDF page: scale, 90° rotation, mirror, translation, then stroke with PyMuPDF."""

from __future__ import annotations

from dataclasses import dataclass

import pymupdf

from pipelineos.samples.symbols import Prim, Symbol, bounds


@dataclass(frozen=True)
class Placement:
    """Where and how a symbol goes on the page (points, origin top-left)."""

    x: float
    y: float
    scale: float
    rotation: int = 0
    mirror: bool = False


def _map(px: float, py: float, where: Placement) -> tuple[float, float]:
    x, y = (-px if where.mirror else px), py
    for _ in range(where.rotation % 4):
        x, y = -y, x
    return where.x + x * where.scale, where.y + y * where.scale


def transform(symbol: Symbol, where: Placement) -> list[Prim]:
    """The symbol's primitives in page points."""
    out: list[Prim] = []
    for prim in symbol:
        if prim[0] == "P":
            out.append(("P", [_map(x, y, where) for x, y in prim[1]], prim[2]))
        else:
            ax, ay = _map(prim[1], prim[2], where)
            bx, by = _map(prim[3], prim[4], where)
            if prim[0] == "L":
                out.append(("L", ax, ay, bx, by))
            else:
                out.append((prim[0], min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
    return out


def page_bounds(symbol: Symbol, where: Placement) -> tuple[float, float, float, float]:
    """Bounding box in points of the placed symbol."""
    return bounds(transform(symbol, where))


def stroke(page: pymupdf.Page, prims: list[Prim], width: float, color: tuple = (0, 0, 0)) -> None:
    """Stroke page-space primitives as one drawing group (filled dots as a second one).

    PyMuPDF's ``Shape.draw_rect`` writes ``re`` from the rectangle's bottom-left corner yet records its top-left
    as the current point, so a line drawn next from that top-left corner would skip its ``m`` and run from the
    bottom-left instead (along the bottom edge, where it vanishes). The current point is forgotten after each
    rectangle so the next line or polyline always starts where it says.
    """
    shape = page.new_shape()
    dots = [prim for prim in prims if prim[0] == "F"]
    for prim in prims:
        kind = prim[0]
        if kind == "L":
            shape.draw_line((prim[1], prim[2]), (prim[3], prim[4]))
        elif kind == "R":
            shape.draw_rect(pymupdf.Rect(prim[1:5]))
            shape.last_point = None
        elif kind == "O":
            shape.draw_oval(pymupdf.Rect(prim[1:5]))
        elif kind == "P":
            points = list(prim[1])
            if prim[2]:
                points.append(points[0])
            shape.draw_polyline(points)
    shape.finish(width=width, color=color, closePath=False)
    for prim in dots:
        shape.draw_oval(pymupdf.Rect(prim[1:5]))
    if dots:
        shape.finish(width=width, color=color, fill=color)
    shape.commit()


def draw_symbol(page: pymupdf.Page, symbol: Symbol, where: Placement, width: float) -> tuple:
    """Draw a symbol and return its page-space bounding box in points."""
    prims = transform(symbol, where)
    stroke(page, prims, width)
    x0, y0, x1, y1 = bounds(prims)
    pad = width / 2
    return (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
