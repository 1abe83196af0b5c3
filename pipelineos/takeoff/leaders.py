"""Leader lines on scans: a thin tail joining a symbol to its tag is cut off before the symbol is matched.

On a vector page leaders are known drawing lines and are erased (:mod:`pipelineos.takeoff.symbols.annotations`).
On a scan the leader, its tag text and the symbol it touches are one blob of ink; the leader shows as a run
of rows (or columns) holding nothing but a narrow line, between the symbol and the text.
"""

from __future__ import annotations

import cv2
import numpy as np

NARROW_PX = 4
"""A row (column) whose ink spans at most this many pixels holds only a line running across it."""
SPECK_PX = 6
"""Scan noise: a blob of at most this many pixels is a speck, and does not widen a row beside a leader."""


def _narrow_runs(extent: np.ndarray, min_run: int) -> list[tuple[int, int]]:
    """[start, end) of the runs of at least ``min_run`` consecutive narrow (or empty) rows."""
    narrow = extent <= NARROW_PX
    runs: list[tuple[int, int]] = []
    start = None
    for i, flag in enumerate([*narrow, False]):
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


def _cut(crop: np.ndarray, axis: int, min_run: int) -> tuple[int, int]:
    """The [start, end) of rows (axis=1) or columns (axis=0) to keep: the inkier side of the longest tail.

    A leader leaves a symbol from within its outline and joins two blobs (symbol and tag). A narrow run whose
    line lies along the crop's border, or that ends at a side no wider than a line, is a symbol's own edge
    instead: a box open towards the wall it was drawn against (its wall side erased with the wall) leaves two
    sides and the edge joining them. It is not cut.
    """
    span = extent(crop, axis)
    runs = [r for r in _narrow_runs(span, min_run) if (r[0] > 0 or r[1] < len(span)) and not _on_border(crop, axis, r)]
    if not runs:
        return 0, len(span)
    start, end = max(runs, key=lambda r: r[1] - r[0])
    if 0 < start <= NARROW_PX or 0 < len(span) - end <= NARROW_PX:
        return 0, len(span)
    ink = crop.sum(axis=axis)
    before, after = ink[:start].sum(), ink[end:].sum()
    keep, drop = ((0, start), (end, len(span))) if before >= after else ((end, len(span)), (0, start))
    if _is_edge(crop[drop[0] : drop[1]] if axis == 1 else crop[:, drop[0] : drop[1]], axis, min_run):
        return 0, len(span)
    return keep


def _is_edge(part: np.ndarray, axis: int, min_run: int) -> bool:
    """Whether the ink a cut would drop is one straight stroke across the cut (a U's side beyond its rounded
    corner), not a tag: as thin as a line across the cut direction and at least ``min_run`` long the other way."""
    rows, cols = np.flatnonzero(part.any(axis=1)), np.flatnonzero(part.any(axis=0))
    if not len(rows):
        return False
    across, along = (rows, cols) if axis == 1 else (cols, rows)
    return bool(across[-1] - across[0] + 1 <= NARROW_PX + 2 and along[-1] - along[0] + 1 >= min_run)


def despeckle(crop: np.ndarray) -> np.ndarray:
    """The crop without specks (blobs of at most SPECK_PX pixels): noise that lands beside a leader would
    otherwise break its run of narrow rows in pieces too short to read as a tail."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(crop.astype(np.uint8), connectivity=8)
    if count <= 2:
        return crop
    keep = stats[:, cv2.CC_STAT_AREA] > SPECK_PX
    keep[0] = False
    return (keep[labels] & (crop > 0)).astype(crop.dtype)


def cut_tail(crop: np.ndarray, min_run: int) -> tuple[slice, slice]:
    """Rows and columns of a candidate's crop to keep once a leader tail of ``min_run`` px or more is cut off.

    Specks are left out when the rows are measured (see :func:`despeckle`), and a speck beyond the rest of
    the ink is left out of the rows kept: scan noise beside a symbol would stretch its box and shift it in
    the matching canvas. Specks within the symbol's box (a drain's dot) stay.
    """
    clean = despeckle(crop)
    ys, xs = np.nonzero(clean)
    if not len(ys):
        ys, xs = np.nonzero(crop)
    top, left = int(ys.min()), int(xs.min())
    clean = clean[top : int(ys.max()) + 1, left : int(xs.max()) + 1]
    r0, r1 = _cut(clean, 1, min_run)
    c0, c1 = _cut(clean[r0:r1], 0, min_run)
    return slice(top + r0, top + r1), slice(left + c0, left + c1)
