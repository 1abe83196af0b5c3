"""Text and tag leaders erased from a vector page's ink, so they neither hide nor join symbols."""

from __future__ import annotations

import cv2
import numpy as np

from pipelineos.takeoff.inputs import LoadedPage
from pipelineos.takeoff.schedule import normalize_tag
from pipelineos.takeoff.tags import leaders_of


def _erase_words(ink: np.ndarray, page: LoadedPage) -> None:
    """Remove the glyphs of the page's words (in place).

    Only ink components lying wholly inside a word's box are glyphs; a symbol line crossing the box runs out
    of it and stays, so a sofa under a room name keeps its arm.
    """
    p = page.px_per_pt
    h, w = ink.shape
    for x0, y0, x1, y1, *_ in page.words:
        ix0, iy0 = max(0, int(x0 * p) - 2), max(0, int(y0 * p) - 2)
        ix1, iy1 = min(w, int(x1 * p) + 3), min(h, int(y1 * p) + 3)
        window = ink[iy0:iy1, ix0:ix1]
        if window.size == 0 or not window.any():
            continue
        _, labels, stats, _ = cv2.connectedComponentsWithStats(window, connectivity=8)
        bx, by, bw, bh = stats[1:, 0], stats[1:, 1], stats[1:, 2], stats[1:, 3]
        inside = (bx > 0) & (by > 0) & (bx + bw < window.shape[1]) & (by + bh < window.shape[0])
        if inside.any():
            window[np.isin(labels, np.flatnonzero(inside) + 1)] = 0


def _erase_leaders(ink: np.ndarray, page: LoadedPage) -> None:
    """Remove the leader lines drawn from fixture tags (in place), stopping short of the symbol they touch."""
    p = page.px_per_pt
    width = max(2, round(1.2 * p))
    for x0, y0, x1, y1, text, *_ in page.words:
        if normalize_tag(text) is None:
            continue
        for ax, ay, bx, by in leaders_of((x0, y0, x1, y1), page.lines):
            length = float(np.hypot(bx - ax, by - ay))
            keep = min(1.0, 0.5 * length) / length
            ex, ey = bx - (bx - ax) * keep, by - (by - ay) * keep
            cv2.line(ink, (round(ax * p), round(ay * p)), (round(ex * p), round(ey * p)), 0, width)


def erase_annotations(ink: np.ndarray, page: LoadedPage) -> np.ndarray:
    """A copy of a page's ink without its words' glyphs and its tag leaders (vector pages; scans unchanged: their
    few words, read by OCR from the information strip, may come after the ink is prepared)."""
    if not page.words or not page.is_vector:
        return ink
    out = ink.copy()
    _erase_words(out, page)
    if page.lines:
        _erase_leaders(out, page)
    return out
