"""Lay out rooms, walls, plumbing fixtures, tags and furniture on the drawing area of a sheet."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Protocol

import pymupdf

from pipelineos.samples.draw import Placement, draw_symbol, page_bounds
from pipelineos.samples.symbols import FIXED_PAPER_PT, FIXTURE_SYMBOLS, bounds, furniture

ROOM_W_IN = 240.0
ROOM_D_IN = 192.0
CORNER_IN = 40.0

ROOM_PROGRAMS: dict[str, list[tuple[str, str, int]]] = {
    "MEN": [
        ("top", "water_closet", 3),
        ("right", "urinal", 3),
        ("bottom", "lavatory", 3),
        ("center", "floor_drain", 1),
    ],
    "WOMEN": [("top", "water_closet", 4), ("bottom", "lavatory", 3), ("center", "floor_drain", 1)],
    "JANITOR": [("top", "service_sink", 1), ("right", "water_heater", 1), ("center", "floor_drain", 1)],
    "BREAK ROOM": [
        ("top@0.35", "kitchen_sink", 1),
        ("top@0.68", "dishwasher", 1),
        ("bottom", "drinking_fountain", 1),
    ],
    "UNIT BATH": [
        ("top", "bathtub", 1),
        ("right", "water_closet", 1),
        ("bottom", "lavatory", 2),
        ("left", "clothes_washer", 1),
    ],
    "LOCKER ROOM": [("top", "shower", 3), ("bottom", "lavatory", 2), ("center", "floor_drain", 1)],
    "MECH": [("top", "water_heater", 2), ("center", "floor_drain", 1), ("left", "hose_bibb", 1)],
}
OFFICE_PROGRAMS: dict[str, list[str]] = {
    "OFFICE": ["desk", "chair", "cabinet", "sofa"],
    "CONFERENCE": ["table", "round_table", "cabinet"],
    "BEDROOM": ["bed", "cabinet", "chair"],
    "KITCHENETTE": ["range", "refrigerator", "table"],
    "STORAGE": ["equipment", "cabinet", "equipment"],
}
SIDE_ROTATION = {"top": 0, "right": 1, "bottom": 2, "left": 3}


@dataclass(frozen=True)
class Conventions:
    """How the office draws: wall style, fixtures flush with the wall face, tags on leader lines."""

    walls: str = "solid"
    """``solid`` (one heavy stroke) or ``double`` (two thin lines at the wall faces)."""
    flush: bool = False
    leaders: bool = False


class Tagger(Protocol):
    """What the plan drawer needs from the tag bookkeeping (see :class:`pipelineos.samples.generator.Tagger`)."""

    ratio: float

    def tag_for(self, cls: str) -> str:
        """The type tag of a new fixture of this class."""
        ...


@dataclass
class PlacedFixture:
    """A fixture drawn on the page: box in points, type tag, and whether the tag is written."""

    fixture_class: str
    bbox: tuple[float, float, float, float]
    tag: str | None
    rotation: int
    mirror: bool
    tagged: bool = True


@dataclass
class PlanResult:
    """What the plan drawer put on the page."""

    fixtures: list[PlacedFixture] = field(default_factory=list)
    distractors: list[tuple[float, float, float, float]] = field(default_factory=list)


def symbol_scale(fixture_class: str, style: str, scale: float) -> float:
    """Points per symbol inch: true scale, or a fixed paper size for not-to-scale symbols."""
    if fixture_class in FIXED_PAPER_PT:
        x0, y0, x1, y1 = bounds(FIXTURE_SYMBOLS[fixture_class](style))
        return FIXED_PAPER_PT[fixture_class] / max(x1 - x0, y1 - y0)
    return scale


def _row_positions(length: float, item: float, count: int, spacing: float) -> list[float]:
    usable = length - 2 * CORNER_IN - item
    count = max(1, min(count, int(usable // spacing) + 1))
    start = CORNER_IN + item / 2 + (usable - (count - 1) * spacing) / 2
    return [start + i * spacing for i in range(count)]


class PlanDrawer:
    """Draws one floor plan; all randomness comes from the given generator."""

    def __init__(
        self,
        page: pymupdf.Page,
        rng: random.Random,
        style: str,
        scale: float,
        tagger: Tagger,
        conventions: Conventions | None = None,
    ) -> None:
        self.page, self.rng, self.style, self.scale, self.tagger = page, rng, style, scale, tagger
        self.conventions = conventions or Conventions()
        self.result = PlanResult()
        self.line_width = rng.choice([0.5, 0.7, 0.9])

    def draw(self, area: tuple[float, float, float, float], dense: bool) -> PlanResult:
        """Fill the area with a building of rooms, at least one of them with plumbing (at 1/2" to the foot a
        sheet holds only a few rooms, and all of them could have been offices)."""
        ax0, ay0, ax1, ay1 = area
        rw, rd = ROOM_W_IN * self.scale, ROOM_D_IN * self.scale
        cols = max(1, min(int((ax1 - ax0) // rw), 9))
        rows = max(1, min(int((ay1 - ay0) // rd), 7))
        bx0 = ax0 + ((ax1 - ax0) - cols * rw) / 2
        by0 = ay0 + ((ay1 - ay0) - rows * rd) / 2
        names = list(ROOM_PROGRAMS) if dense else [*ROOM_PROGRAMS, *OFFICE_PROGRAMS]
        wall = max(1.2, 6 * self.scale)
        rooms = []
        for r in range(rows):
            for c in range(cols):
                rooms.append((bx0 + c * rw, by0 + r * rd, self.rng.choice(names)))
        if not any(name in ROOM_PROGRAMS for *_, name in rooms):
            rooms[0] = (*rooms[0][:2], self.rng.choice(list(ROOM_PROGRAMS)))
        self._walls(rooms, (bx0, by0, bx0 + cols * rw, by0 + rows * rd), wall)
        self.inset = wall / 2 + (0.0 if self.conventions.flush else max(1.0, 1.5 * self.scale))
        for index, (x0, y0, name) in enumerate(rooms):
            if name in ROOM_PROGRAMS:
                self._plumbing_room(x0, y0, name)
            else:
                self._furnished_room(x0, y0, name)
            self.page.insert_text((x0 + rw / 2 - 20, y0 + rd - 50 * self.scale), f"{name} {101 + index}", fontsize=6)
            self._door(x0, y0)
        return self.result

    def _walls(self, rooms: list[tuple[float, float, str]], outline: tuple, wall: float) -> None:
        """Walls as one heavy stroke on the room lines, or as two thin lines at the wall faces."""
        rw, rd = ROOM_W_IN * self.scale, ROOM_D_IN * self.scale
        shape = self.page.new_shape()
        if self.conventions.walls == "double":
            half = wall / 2
            for x0, y0, _ in rooms:
                shape.draw_rect(pymupdf.Rect(x0 + half, y0 + half, x0 + rw - half, y0 + rd - half))
            ox0, oy0, ox1, oy1 = outline
            shape.draw_rect(pymupdf.Rect(ox0 - half, oy0 - half, ox1 + half, oy1 + half))
            shape.finish(width=self.line_width, color=(0, 0, 0))
        else:
            for x0, y0, _ in rooms:
                shape.draw_rect(pymupdf.Rect(x0, y0, x0 + rw, y0 + rd))
            shape.finish(width=wall, color=(0, 0, 0))
        shape.commit()

    def _door(self, x0: float, y0: float) -> None:
        where = Placement(x0 + 2 * self.scale, y0 + ROOM_D_IN * self.scale - self.inset, self.scale, 2, True)
        self.result.distractors.append(draw_symbol(self.page, furniture("door"), where, self.line_width))

    def _plumbing_room(self, x0: float, y0: float, name: str) -> None:
        for side, cls, count in ROOM_PROGRAMS[name]:
            self._fixture_row(x0, y0, side, cls, count)

    def _fixture_row(self, x0: float, y0: float, side: str, cls: str, count: int) -> None:
        symbol = FIXTURE_SYMBOLS[cls](self.style)
        sx0, sy0, sx1, sy1 = bounds(symbol)
        k = symbol_scale(cls, self.style, self.scale)
        width_in, depth_in = (sx1 - sx0) * k / self.scale, (sy1 - sy0) * k / self.scale
        spacing = max(width_in + 10, {"water_closet": 36, "urinal": 30, "lavatory": 30}.get(cls, 0))
        count = self.rng.randint(max(1, count - 1), count + 1) if count > 1 else 1
        rw, rd, s = ROOM_W_IN, ROOM_D_IN, self.scale
        if side == "center":
            cx, cy = x0 + rw * s / 2 + self.rng.uniform(-20, 20) * s, y0 + rd * s / 2
            self._place(cls, symbol, Placement(cx, cy - depth_in * s / 2, k, 0, False))
            return
        side, _, at = side.partition("@")
        length = rw if side in ("top", "bottom") else rd
        positions = [float(at) * length] if at else _row_positions(length, width_in, count, spacing)
        for pos in positions:
            mirror = self.rng.random() < 0.5
            rot = SIDE_ROTATION[side]
            if side == "top":
                where = Placement(x0 + pos * s, y0 + self.inset, k, rot, mirror)
            elif side == "bottom":
                where = Placement(x0 + pos * s, y0 + rd * s - self.inset, k, rot, mirror)
            elif side == "left":
                where = Placement(x0 + self.inset, y0 + pos * s, k, rot, mirror)
            else:
                where = Placement(x0 + rw * s - self.inset, y0 + pos * s, k, rot, mirror)
            self._place(cls, symbol, where)

    def _place(self, cls: str, symbol: list, where: Placement) -> None:
        box = draw_symbol(self.page, symbol, where, self.line_width)
        tag = self.tagger.tag_for(cls)
        written = self.rng.random() < self.tagger.ratio
        if written:
            self._write_tag(tag, box, where.rotation)
        self.result.fixtures.append(PlacedFixture(cls, box, tag, where.rotation, where.mirror, written))

    def _write_tag(self, tag: str, box: tuple, rotation: int) -> None:
        """The tag beside the symbol, or (leader convention) further out with a leader line pointing at it."""
        fontsize = 6.0
        width = pymupdf.get_text_length(tag, fontsize=fontsize)
        gap = 3.0 + (self.rng.uniform(10.0, 18.0) if self.conventions.leaders else 0.0)
        x0, y0, x1, y1 = box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if rotation == 0:
            pos, near, end = (cx - width / 2, y1 + gap + fontsize), (cx, y1 + gap), (cx, y1 + 1.5)
        elif rotation == 2:
            pos, near, end = (cx - width / 2, y0 - gap), (cx, y0 - gap - 1), (cx, y0 - 1.5)
        elif rotation == 1:
            pos, near, end = (x0 - gap - width, cy + fontsize / 3), (x0 - gap + 1, cy), (x0 - 1.5, cy)
        else:
            pos, near, end = (x1 + gap, cy + fontsize / 3), (x1 + gap - 1, cy), (x1 + 1.5, cy)
        self.page.insert_text(pos, tag, fontsize=fontsize)
        if self.conventions.leaders:
            shape = self.page.new_shape()
            shape.draw_line(near, end)
            shape.finish(width=0.4, color=(0, 0, 0))
            shape.commit()

    def _furnished_room(self, x0: float, y0: float, name: str) -> None:
        s = self.scale
        cells = [(0.3, 0.35), (0.7, 0.35), (0.3, 0.72), (0.7, 0.72)]
        kinds = OFFICE_PROGRAMS[name]
        for i, (fx, fy) in enumerate(cells[: self.rng.randint(2, 4)]):
            item = furniture(kinds[i % len(kinds)])
            where = Placement(
                x0 + fx * ROOM_W_IN * s,
                y0 + fy * ROOM_D_IN * s,
                s,
                self.rng.randint(0, 3),
                self.rng.random() < 0.5,
            )
            bx0, by0, bx1, by1 = page_bounds(item, where)
            if bx1 - bx0 > 0.38 * ROOM_W_IN * s or by1 - by0 > 0.36 * ROOM_D_IN * s:
                where = Placement(where.x, where.y, where.scale, 0, where.mirror)
            bx0, by0, bx1, by1 = page_bounds(item, where)
            dx, dy = where.x - (bx0 + bx1) / 2, where.y - (by0 + by1) / 2
            where = Placement(where.x + dx, where.y + dy, where.scale, where.rotation, where.mirror)
            self.result.distractors.append(draw_symbol(self.page, item, where, self.line_width))
