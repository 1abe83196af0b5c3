"""Leader lines on scans: a thin tail joining a symbol to its tag is cut off before the symbol is matched.

On a vector page leaders are known drawing lines and are erased (:mod:`pipelineos.takeoff.symbols.annotations`).
On a scan the leader, its tag text and the symbol it touches are one blob of ink; the leader shows as a run
of rows (or columns) holding nothing but a narrow line, between the symbol and the text (:func:`cut_tail`).
Where several leaders join their symbols to one blob of text, no row holds a single narrow line; each leader is
then a bridge, cut on the page before symbols are grouped (:func:`cut_bridges`).
"""

from __future__ import annotations

import cv2
import numpy as np

NARROW_PX = 4
"""A row (column) whose ink spans at most this many pixels holds only a line running across it."""
JOIN_PX = 2
"""Symbols are grouped across gaps this small (see :func:`pipelineos.takeoff.raster.extract_candidates`): a
leader stopping this short of its symbol still joins it."""
CLEARANCE_PX = 3
"""A bridge's rows hold no other ink this close beside it."""
SPECK_PX = 6
"""Scan noise: a blob of at most this many pixels is a speck, and does not widen a row beside a leader."""
EDGE_SPUR = 0.25
"""Share of a symbol's side (see :func:`_is_edge`) that may be wider than a line, where a short stroke leaves it."""
GAPPED_RUN_PX = 4
"""A run of narrow rows crossing an empty one (a short leader whose tag stops within :data:`JOIN_PX` of its end)
is a tail from this many rows on, however short the tails sought."""


def _runs(flags: np.ndarray, min_run: int = 1) -> list[tuple[int, int]]:
    """[start, end) of the runs of at least ``min_run`` consecutive True."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, flag in enumerate([*flags.tolist(), False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= min_run:
                runs.append((start, i))
            start = None
    return runs


def extent(crop: np.ndarray, axis: int) -> np.ndarray:
    """Per row (axis=1) or column (axis=0): the span of its ink in pixels (0 when empty)."""
    has = crop.any(axis=axis)
    idx = np.arange(crop.shape[axis])
    shaped = idx[None, :] if axis == 1 else idx[:, None]
    first = np.where(crop, shaped, crop.shape[axis]).min(axis=axis)
    last = np.where(crop, shaped, -1).max(axis=axis)
    return np.where(has, last - first + 1, 0)


def _on_border(crop: np.ndarray, axis: int, run: tuple[int, int]) -> bool:
    """Whether the ink of a run of narrow rows (axis=1) or columns (axis=0) lies along the crop's own border."""
    part = crop[run[0] : run[1]] if axis == 1 else crop[:, run[0] : run[1]]
    where = np.flatnonzero(part.any(axis=1 - axis))
    whole = np.flatnonzero(crop.any(axis=1 - axis))
    if not len(where):
        return False
    return bool(where.max() <= whole.min() + NARROW_PX or where.min() >= whole.max() - NARROW_PX)


def _sides(crop: np.ndarray, axis: int, min_run: int) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """The [start, end) of rows (axis=1) or columns (axis=0) to keep: the inkier side of the longest tail; and
    the other side, beyond the tail (None when nothing is cut).

    A leader leaves a symbol from within its outline and joins two blobs (symbol and tag). A run crossing an empty
    row joins them only across the grouping gap, so a short one is enough (:data:`GAPPED_RUN_PX`). A narrow run whose
    line lies along the crop's border, or that ends at a side no wider than a line, is a symbol's own edge
    instead: a box open towards the wall it was drawn against (its wall side erased with the wall) leaves two
    sides and the edge joining them. It is not cut.
    """
    span = extent(crop, axis)
    whole = (0, len(span))
    shortest = min(min_run, GAPPED_RUN_PX)
    narrow = [r for r in _runs(span <= NARROW_PX, shortest) if r[1] - r[0] >= min_run or not span[r[0] : r[1]].all()]
    runs = [r for r in narrow if (r[0] > 0 or r[1] < len(span)) and not _on_border(crop, axis, r)]
    if not runs:
        return whole, None
    start, end = max(runs, key=lambda r: r[1] - r[0])
    if 0 < start <= NARROW_PX or 0 < len(span) - end <= NARROW_PX:
        return whole, None
    ink = crop.sum(axis=axis)
    before, after = ink[:start].sum(), ink[end:].sum()
    keep, drop = ((0, start), (end, len(span))) if before >= after else ((end, len(span)), (0, start))
    if _is_edge(crop[drop[0] : drop[1]] if axis == 1 else crop[:, drop[0] : drop[1]], axis, min_run):
        return whole, None
    return keep, (drop if drop[1] > drop[0] else None)


def _is_edge(part: np.ndarray, axis: int, min_run: int) -> bool:
    """Whether the ink a cut would drop is one stroke across the cut, not a tag: a U's side beyond its rounded
    corner (as thin as a line across the cut direction), or an arch's side curving down to its wall (one piece
    of ink, no wider than a line wherever it is crossed along the cut direction but for EDGE_SPUR of its length,
    where a fountain's spout leaves it; a tag's letters are several pieces). Either way at least ``min_run`` long
    the other way."""
    rows, cols = np.flatnonzero(part.any(axis=1)), np.flatnonzero(part.any(axis=0))
    if not len(rows):
        return False
    across, along = (rows, cols) if axis == 1 else (cols, rows)
    if along[-1] - along[0] + 1 < min_run:
        return False
    if across[-1] - across[0] + 1 <= NARROW_PX + 2:
        return True
    spans = extent(part, 1 - axis)
    thin = np.mean(spans[spans > 0] <= NARROW_PX + 2) >= 1 - EDGE_SPUR
    return bool(thin and cv2.connectedComponents(part.astype(np.uint8), connectivity=8)[0] == 2)


def despeckle(crop: np.ndarray, speck_px: int = SPECK_PX) -> np.ndarray:
    """The crop without specks (blobs of at most ``speck_px`` pixels): noise that lands beside a leader would
    otherwise break its run of narrow rows in pieces too short to read as a tail."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(crop.astype(np.uint8), connectivity=8)
    if count <= 2:
        return crop
    keep = stats[:, cv2.CC_STAT_AREA] > speck_px
    keep[0] = False
    return (keep[labels] & (crop > 0)).astype(crop.dtype)


def cut_tail(crop: np.ndarray, min_run: int) -> tuple[slice, slice]:
    """Rows and columns of a candidate's crop to keep once a leader tail of ``min_run`` px or more is cut off.

    Specks are left out when the rows are measured (see :func:`despeckle`), and a speck beyond the rest of
    the ink is left out of the rows kept: scan noise beside a symbol would stretch its box and shift it in
    the matching canvas. Specks within the symbol's box (a drain's dot) stay.
    """
    return tail_pieces(crop, min_run)[0]


def tail_pieces(crop: np.ndarray, min_run: int) -> list[tuple[slice, slice]]:
    """Rows and columns of the pieces a leader tail parts a candidate's crop into: first the inkier side (see
    :func:`cut_tail`), then what lies beyond each cut. A small symbol whose leader runs into a room name has
    less ink than its tag; it is the far side of the cut, and a candidate of its own."""
    clean = despeckle(crop)
    ys, xs = np.nonzero(clean)
    if not len(ys):
        ys, xs = np.nonzero(crop)
    top, left = int(ys.min()), int(xs.min())
    clean = clean[top : int(ys.max()) + 1, left : int(xs.max()) + 1]
    (r0, r1), rows_beyond = _sides(clean, 1, min_run)
    (c0, c1), cols_beyond = _sides(clean[r0:r1], 0, min_run)
    pieces = [(slice(top + r0, top + r1), slice(left + c0, left + c1))]
    if rows_beyond is not None:
        b0, b1 = rows_beyond
        (d0, d1), _ = _sides(clean[b0:b1], 0, min_run)
        pieces.append((slice(top + b0, top + b1), slice(left + d0, left + d1)))
    if cols_beyond is not None:
        pieces.append((slice(top + r0, top + r1), slice(left + cols_beyond[0], left + cols_beyond[1])))
    return pieces


def cut_bridges(ink: np.ndarray, min_len: int) -> np.ndarray:
    """The page's ink without its leader bridges: straight, narrow, upright (or level) runs at least
    ``min_len`` px long with nothing beside them, that meet the middle of a line at one end (a leader's foot
    on its symbol's edge) and whose removal parts the ink they join (two lavatories' leaders meeting at one room
    label). A symbol's own sides meet its other lines at corners, and its dividers are no bridges: the rest of
    its outline still holds it together.
    """
    out = ink.copy()
    _cut_upright_bridges(out, min_len)
    level = np.ascontiguousarray(out.T)
    _cut_upright_bridges(level, min_len)
    return np.ascontiguousarray(level.T)


def _cut_upright_bridges(ink: np.ndarray, min_len: int) -> None:
    """Cut the upright bridges of ``ink`` in place (a transposed copy cuts the level ones).

    Lines are found a pixel wider than drawn, so a line stepped by skew is still one line."""
    widened = cv2.dilate(ink, np.ones((1, 3), np.uint8))
    runs = cv2.morphologyEx(widened, cv2.MORPH_OPEN, np.ones((min_len, 1), np.uint8)) & ink
    outlines, _ = cv2.findContours(runs, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    w = ink.shape[1]
    for outline in outlines:
        x, y, width, height = cv2.boundingRect(outline)
        if width > NARROW_PX + 1 or height < min_len:
            continue
        left, right = max(0, x - CLEARANCE_PX), min(w, x + width + CLEARANCE_PX)
        beside = ink[y : y + height, left:right].sum(axis=1) - ink[y : y + height, x : x + width].sum(axis=1)
        clear = max(_runs(beside == 0, min_len), key=lambda r: r[1] - r[0], default=None)
        if clear is None:
            continue
        feet = (clear[0] <= 1, clear[1] >= height - 1)
        if any(feet):
            line = runs[y : y + height, x : x + width] > 0
            _cut_if_bridge(ink, (x, x + width, y + clear[0], y + clear[1]), feet, (y, line), min_len)


def _meets_a_line(ink: np.ndarray, rows: slice, x0: int, x1: int) -> bool:
    """Whether the ink in ``rows`` just beyond a run's end runs on both sides of it (the run's foot stands on
    the middle of a line, not at a corner)."""
    reach = 2 * NARROW_PX
    band = ink[rows]
    return bool(band[:, max(0, x0 - reach) : max(0, x0 - 1)].any() and band[:, x1 + 1 : x1 + reach].any())


def _cut_if_bridge(
    ink: np.ndarray,
    run: tuple[int, int, int, int],
    feet: tuple[bool, bool],
    line: tuple[int, np.ndarray],
    min_len: int,
) -> None:
    """Erase the straight ``line`` (its first row, its mask over the run's columns) when its clear stretch
    ``run`` (x0, x1, top, bottom) is a leader's bridge (see :func:`cut_bridges`): the whole line goes, so no
    stub of it stays on the symbol. Both parts it joined must be at least ``min_len`` px across (a symbol and
    its tag, not a symbol and a stub or a fragment of wall).

    ``feet`` says at which ends the straight line itself stops (a line running on past its clear stretch is
    some longer edge, not a leader): one of them must stand on the middle of another line, within the gap
    symbols are grouped across (a leader drawn into the symbol's edge is left to :func:`cut_tail`). Whether the
    two ends are still joined is judged within twice the run's length and four times ``min_len`` around it (a
    symbol's outline closes nearer than that), from the ink beyond each end of the clear stretch and beside the
    line there: a leader drawn on into its tag's letters has nothing beyond its end, only the letters beside it."""
    x0, x1, top, bottom = run
    h, w = ink.shape
    if top == 0 or bottom >= h:
        return
    before, after = slice(max(0, top - JOIN_PX - 2), top), slice(bottom, bottom + JOIN_PX + 2)
    left, right = max(0, x0 - 1), min(w, x1 + 1)
    above, below = ink[before, left:right], ink[after, left:right]
    if not above.any() or not below.any():
        return
    if not ((feet[0] and _meets_a_line(ink, before, x0, x1)) or (feet[1] and _meets_a_line(ink, after, x0, x1))):
        return
    reach = 2 * (bottom - top) + 4 * min_len
    x_lo, y_lo = max(0, x0 - reach), max(0, min(top, line[0]) - reach)
    x_hi, y_hi = min(w, x1 + reach), min(h, max(bottom, line[0] + len(line[1])) + reach)
    first, mask = line
    rows = slice(first, first + len(mask))
    saved = ink[rows, x0:x1].copy()
    ink[rows, x0:x1] = np.where(mask, 0, saved)
    window = ink[y_lo:y_hi, x_lo:x_hi]
    _, parts = cv2.connectedComponents(cv2.dilate(window, np.ones((3, 3), np.uint8)), connectivity=8)
    beside = slice(max(0, x0 - CLEARANCE_PX - 1) - x_lo, min(w, x1 + CLEARANCE_PX + 1) - x_lo)
    one, other = (
        _parts_in(parts, window, slice(a - y_lo, b - y_lo), beside)
        for a, b in ((max(0, first - JOIN_PX - 2), top), (bottom, min(h, rows.stop + JOIN_PX + 2)))
    )
    if not one or not other or one & other or min(_extent(np.isin(parts, list(p))) for p in (one, other)) < min_len:
        ink[rows, x0:x1] = saved


def _parts_in(parts: np.ndarray, ink: np.ndarray, rows: slice, cols: slice) -> set[int]:
    """Labels of the parts whose ink lies in ``rows`` × ``cols``."""
    return set(np.unique(parts[rows, cols][ink[rows, cols] > 0]).tolist())


def _extent(mask: np.ndarray) -> int:
    """Longer side of the box around a mask's pixels."""
    ys, xs = np.nonzero(mask)
    return int(max(ys.max() - ys.min(), xs.max() - xs.min())) + 1
