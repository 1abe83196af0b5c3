"""A vector PDF page's words and lines, in the page as it is displayed.

A sheet plotted on a portrait page and turned a quarter (``/Rotate 90`` or ``270``) is common in CAD output.
PyMuPDF renders such a page turned, as a viewer shows it, but gives its words and drawings in the page's own
unturned space. Everything here is turned the same way as the render (``Page.rotation_matrix``), so text, lines
and pixels agree.
"""

from __future__ import annotations

from collections import Counter

import pymupdf

MIN_FRAME_PT = 40.0
LEADER_MIN_PT = 4.0
LEADER_MAX_PT = 120.0
Segment = tuple[float, float, float, float]

Word = tuple[float, float, float, float, str, int, int]
"""x0, y0, x1, y1 (points), text, block number, line number."""
BBox = tuple[float, float, float, float]
UPRIGHT_MIN_CHARS = 100
"""Least lettering on a page for its direction to say which way up the sheet is."""
UPRIGHT_SHARE = 0.6
"""Share of the lettering that must run one way for the sheet to be turned to read it."""


def legible(words: list[Word]) -> bool:
    """Whether a text layer says anything: a font without a map to Unicode (some CAD exporters write such)
    yields words of replacement characters, as good as none."""
    text = "".join(word[4] for word in words)
    return any(ch.isalnum() for ch in text) and text.count("\ufffd") < 0.5 * len(text)


def upright_turn(page: pymupdf.Page) -> int:
    """Degrees (clockwise) to turn the page as displayed so that most of its lettering reads left to right.

    0 when it already does, or when the page has too little text to tell. A sheet plotted without its quarter
    turn shows sideways in a viewer: its schedule and legend would read as columns of single letters, and its
    tags as tall slivers."""
    turn = page.rotation_matrix
    chars: Counter[int | None] = Counter()
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", ()):
            x, y = line["dir"]
            dx, dy = x * turn.a + y * turn.c, x * turn.b + y * turn.d
            way = 0 if dx > 0.9 else 270 if dy > 0.9 else 90 if dy < -0.9 else 180 if dx < -0.9 else None
            chars[way] += sum(len(span["text"].strip()) for span in line["spans"])
    total = sum(chars.values())
    ways = [(n, way) for way, n in chars.items() if way is not None]
    if total < UPRIGHT_MIN_CHARS or not ways:
        return 0
    n, way = max(ways)
    return way if n >= UPRIGHT_SHARE * total else 0


def displayed_box(box: BBox, turned: int) -> BBox:
    """A box normalized to a page turned ``turned`` degrees clockwise (see :func:`upright_turn`), normalized to
    the page as displayed."""
    u0, v0, u1, v1 = box
    if turned == 90:
        return (v0, 1 - u1, v1, 1 - u0)
    if turned == 180:
        return (1 - u1, 1 - v1, 1 - u0, 1 - v0)
    if turned == 270:
        return (1 - v1, u0, 1 - v0, u1)
    return box


def page_words(page: pymupdf.Page) -> list[Word]:
    """The page's words with their boxes as displayed."""
    turn = page.rotation_matrix if page.rotation % 360 else None
    out: list[Word] = []
    for x0, y0, x1, y1, text, block, line, *_ in page.get_text("words"):
        if turn is not None:
            x0, y0, x1, y1 = pymupdf.Rect(x0, y0, x1, y1) * turn
        out.append((x0, y0, x1, y1, text, block, line))
    return out


def _closed_rectangle(items: list[tuple], at: int) -> pymupdf.Rect | None:
    """The axis-aligned rectangle drawn by four straight lines from ``items[at]``, if they draw one.

    CAD output often draws a rectangle as a closed polyline, and a rectangle inside a turned form reaches
    PyMuPDF as four lines."""
    four = items[at : at + 4]
    if len(four) < 4 or any(item[0] != "l" for item in four):
        return None
    corners = [item[1] for item in four]
    joined = all(abs(four[k][2] - four[(k + 1) % 4][1]) < 0.01 for k in range(4))
    straight = all(abs(item[1].x - item[2].x) < 0.01 or abs(item[1].y - item[2].y) < 0.01 for item in four)
    if not (joined and straight):
        return None
    rect = pymupdf.Rect(corners[0], corners[0])
    for point in corners[1:]:
        rect |= point
    return rect if rect.width > 0 and rect.height > 0 else None


def vector_items(page: pymupdf.Page) -> tuple[list[Segment], list[Segment]]:
    """Rectangles big enough to frame a legend or schedule, and short straight lines (possible leaders)."""
    turn = page.rotation_matrix if page.rotation % 360 else pymupdf.Identity
    frames: list[Segment] = []
    lines: list[Segment] = []
    for drawing in page.get_drawings():
        items = drawing["items"]
        at = 0
        while at < len(items):
            item = items[at]
            drawn = _closed_rectangle(items, at)
            if drawn is not None or item[0] in ("re", "qu"):
                rect = (drawn if drawn is not None else item[1] if item[0] == "re" else item[1].rect) * turn
                if rect.width >= MIN_FRAME_PT and rect.height >= MIN_FRAME_PT:
                    frames.append((rect.x0, rect.y0, rect.x1, rect.y1))
                at += 4 if drawn is not None else 1
                continue
            if item[0] == "l":
                a, b = item[1] * turn, item[2] * turn
                if LEADER_MIN_PT <= abs(b - a) <= LEADER_MAX_PT:
                    lines.append((a.x, a.y, b.x, b.y))
            at += 1
    return frames, lines
