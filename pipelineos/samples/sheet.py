"""Sheet furniture: border, fixture schedule, legend, detail and title block in the right-hand column."""

from __future__ import annotations

from dataclasses import dataclass

import pymupdf

from pipelineos.samples.draw import Placement, draw_symbol
from pipelineos.samples.symbols import FIXTURE_SYMBOLS, bounds

PAGE_W, PAGE_H = 36 * 72.0, 24 * 72.0
MARGIN = 36.0
COLUMN_X = PAGE_W - MARGIN - 432.0
LABELS: dict[str, str] = {
    "water_closet": "WATER CLOSET",
    "urinal": "URINAL",
    "lavatory": "LAVATORY",
    "kitchen_sink": "KITCHEN SINK",
    "service_sink": "SERVICE SINK",
    "bathtub": "BATHTUB",
    "shower": "SHOWER",
    "floor_drain": "FLOOR DRAIN",
    "drinking_fountain": "DRINKING FOUNTAIN",
    "water_heater": "WATER HEATER",
    "hose_bibb": "HOSE BIBB",
    "clothes_washer": "CLOTHES WASHER BOX",
    "dishwasher": "DISHWASHER",
}


@dataclass(frozen=True)
class TitleBlock:
    """Title block text, including the personal data a redactor must find."""

    sheet: str
    title: str
    project: str
    architect: str
    firm: str
    phone: str
    email: str
    address: str
    scale_text: str
    date: str = "2026-11-02"


def draw_frame(page: pymupdf.Page) -> None:
    """Sheet border and the full-height line separating the drawing area from the info column."""
    shape = page.new_shape()
    shape.draw_rect(pymupdf.Rect(MARGIN, MARGIN, PAGE_W - MARGIN, PAGE_H - MARGIN))
    shape.draw_line((COLUMN_X, MARGIN), (COLUMN_X, PAGE_H - MARGIN))
    shape.finish(width=2.0, color=(0, 0, 0))
    shape.commit()


def draw_schedule(page: pymupdf.Page, top: float, rows: list[tuple[str, str, str, str, int]]) -> float:
    """Draw the plumbing fixture schedule as a ruled table; returns its bottom y."""
    x0 = COLUMN_X + 12
    widths = [44, 132, 96, 106, 30]
    headers = ["TAG", "FIXTURE", "MANUFACTURER", "MODEL", "QTY"]
    row_h = 12.0
    page.insert_text((x0, top + 10), "PLUMBING FIXTURE SCHEDULE", fontsize=9)
    y = top + 16
    shape = page.new_shape()
    table_rows = [headers, *[[r[0], r[1], r[2], r[3], str(r[4])] for r in rows]]
    for cells in table_rows:
        x = x0
        for width, text in zip(widths, cells, strict=True):
            shape.draw_rect(pymupdf.Rect(x, y, x + width, y + row_h))
            page.insert_text((x + 2, y + 8.5), text[:30], fontsize=5.5 if len(text) > 22 else 6.5)
            x += width
        y += row_h
    shape.finish(width=0.5, color=(0, 0, 0))
    shape.commit()
    return y


def draw_legend(page: pymupdf.Page, top: float, classes: list[str], style: str, width: float) -> tuple:
    """Draw the plumbing legend (symbol + label per class); returns (bottom y, reference boxes)."""
    x0 = COLUMN_X + 12
    page.insert_text((x0, top + 10), "PLUMBING LEGEND", fontsize=9)
    y = top + 20
    refs: list[tuple[str, tuple]] = []
    for cls in classes:
        symbol = FIXTURE_SYMBOLS[cls](style)
        sx0, sy0, sx1, sy1 = bounds(symbol)
        k = 20.0 / max(sx1 - sx0, sy1 - sy0)
        where = Placement(x0 + 14 - (sx0 + sx1) / 2 * k, y + 12 - (sy0 + sy1) / 2 * k, k, 0, False)
        refs.append((cls, draw_symbol(page, symbol, where, width)))
        page.insert_text((x0 + 40, y + 15), LABELS[cls], fontsize=7)
        y += 28
    shape = page.new_shape()
    shape.draw_rect(pymupdf.Rect(x0 - 4, top, COLUMN_X + 420, y + 2))
    shape.finish(width=0.5, color=(0, 0, 0))
    shape.commit()
    return y + 2, refs


def draw_detail(page: pymupdf.Page, top: float, cls: str, style: str, width: float) -> tuple:
    """An enlarged fixture detail (a reference that must not be counted); returns (bottom y, box)."""
    x0 = COLUMN_X + 12
    symbol = FIXTURE_SYMBOLS[cls](style)
    sx0, sy0, sx1, sy1 = bounds(symbol)
    k = 90.0 / max(sx1 - sx0, sy1 - sy0)
    where = Placement(x0 + 200 - (sx0 + sx1) / 2 * k, top + 75 - (sy0 + sy1) / 2 * k, k, 0, False)
    box = draw_symbol(page, symbol, where, width * 1.5)
    page.insert_text((x0, top + 150), f"1  TYPICAL {LABELS[cls]} DETAIL", fontsize=8)
    page.insert_text((x0 + 12, top + 160), "NOT TO SCALE", fontsize=6)
    shape = page.new_shape()
    shape.draw_rect(pymupdf.Rect(x0 - 4, top, COLUMN_X + 420, top + 166))
    shape.finish(width=0.5, color=(0, 0, 0))
    shape.commit()
    return top + 166, box


def draw_title_block(page: pymupdf.Page, block: TitleBlock) -> tuple[float, float, float, float]:
    """Title block at the bottom of the info column; returns its box."""
    x0, x1 = COLUMN_X, PAGE_W - MARGIN
    y0, y1 = PAGE_H - MARGIN - 250, PAGE_H - MARGIN
    shape = page.new_shape()
    shape.draw_rect(pymupdf.Rect(x0, y0, x1, y1))
    for y in (y0 + 70, y0 + 130, y0 + 190):
        shape.draw_line((x0, y), (x1, y))
    shape.finish(width=1.0, color=(0, 0, 0))
    shape.commit()
    tx = x0 + 12
    page.insert_text((tx, y0 + 18), block.firm, fontsize=11)
    page.insert_text((tx, y0 + 32), f"ARCHITECT: {block.architect}", fontsize=7)
    page.insert_text((tx, y0 + 44), block.address, fontsize=7)
    page.insert_text((tx, y0 + 56), f"TEL {block.phone}   {block.email}", fontsize=7)
    page.insert_text((tx, y0 + 84), "PROJECT", fontsize=6)
    page.insert_text((tx, y0 + 100), block.project, fontsize=10)
    page.insert_text((tx, y0 + 120), f"DATE: {block.date}", fontsize=7)
    page.insert_text((tx, y0 + 144), "SHEET TITLE", fontsize=6)
    page.insert_text((tx, y0 + 162), block.title, fontsize=10)
    page.insert_text((tx, y0 + 180), f"SCALE: {block.scale_text}", fontsize=7)
    page.insert_text((tx, y0 + 204), "SHEET NUMBER", fontsize=6)
    page.insert_text((tx, y0 + 238), block.sheet, fontsize=26)
    return (x0, y0, x1, y1)
