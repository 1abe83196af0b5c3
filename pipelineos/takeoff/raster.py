"""Pixel preparation: binarize, strip walls and long lines, cut the page into symbol candidates."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from pipelineos.takeoff.flush import OPEN_SPAN, restore_back_edges
from pipelineos.takeoff.grouping import groups, untailed
from pipelineos.takeoff.skew import MIN_SKEW_DEG, estimate_skew, rotate
from pipelineos.takeoff.thinning import thin

CANVAS = 40
FINE_CANVAS = 80
"""Canvas of the second, finer comparison of symbols that the matching canvas shrinks more than twofold."""
SCAN_WALL_MARGIN_PX = 2
"""Pixels next to an erased wall that go with it on scans (its ragged edge), on the page and in exemplars."""


def flush_reach(vector: bool) -> int:
    """How far (px) a wall face may lie from a candidate and still be its lost back edge (see :mod:`flush`)."""
    return 2 if vector else SCAN_WALL_MARGIN_PX + 2


@dataclass
class Candidates:
    """Symbol-sized groups of ink: pixel boxes, their ink crops, and normalized masks for matching."""

    boxes: np.ndarray
    masks: np.ndarray
    crops: list[np.ndarray] = field(default_factory=list)
    """Binary ink of each candidate at page resolution (its own components only)."""
    erased: np.ndarray | None = None
    """Per candidate, canvas pixels where erased long-line ink touched it (see :func:`erased_canvas`)."""
    drawn_px: np.ndarray | None = None
    """Longer side in pixels of the drawing each mask was made from, when it was re-rendered sharper."""
    symbols: np.ndarray | None = None
    """Per candidate, the symbol it is a reading of: two readings of one symbol share it (see the
    ``both_readings`` of :func:`extract_candidates`); None when every candidate is a symbol of its own."""

    def __len__(self) -> int:
        return len(self.boxes)

    def readings(self, indices: set[int]) -> set[int]:
        """``indices`` and every other reading of the same symbols."""
        if self.symbols is None or not indices:
            return set(indices)
        return {int(i) for i in np.flatnonzero(np.isin(self.symbols, [self.symbols[i] for i in indices]))}

    @property
    def band_px(self) -> np.ndarray:
        """The size that picks each candidate's template band: as drawn for its mask."""
        return self.drawn_px if self.drawn_px is not None else self.long_px

    @property
    def long_px(self) -> np.ndarray:
        """Longer side of each candidate in pixels."""
        if not len(self.boxes):
            return np.zeros(0)
        return np.maximum(self.boxes[:, 2] - self.boxes[:, 0], self.boxes[:, 3] - self.boxes[:, 1])


def _no_candidates() -> Candidates:
    return Candidates(np.zeros((0, 4)), np.zeros((0, CANVAS, CANVAS), np.uint8), [], None)


def binarize(gray: np.ndarray, vector: bool) -> np.ndarray:
    """Ink mask (uint8 0/1): a fixed threshold for clean renders, relative to the paper tone for scans.

    The paper tone is a high percentile, not the median, so a small crop that is mostly ink still works.

    No median filter: it erases the one-pixel lines thin symbols are made of; specks are dropped later
    because they are smaller than any symbol.
    """
    if vector:
        return (gray < 190).astype(np.uint8)
    step = 7 if min(gray.shape) > 200 else 1
    paper = float(np.percentile(gray[::step, ::step], 90))
    return (gray < min(200.0, paper - 45.0)).astype(np.uint8)


def straightened(gray: np.ndarray, ink: np.ndarray, border: int | None) -> tuple[np.ndarray, float]:
    """A scan's ``ink`` turned straight, and the skew it was turned by (0.0, the ink as it was, below
    MIN_SKEW_DEG).

    The ``gray`` image is turned and binarized again: a thin line of a 1-bit page turned pixel by pixel becomes
    a staircase that no longer reads as one straight wall. ``border`` is what corners turned in from outside
    take (see :func:`pipelineos.takeoff.skew.rotate`).
    """
    skew = estimate_skew(ink)
    if abs(skew) < MIN_SKEW_DEG:
        return ink, 0.0
    return binarize(rotate(gray, skew, border, smooth=True), False), skew


def remove_long_lines(ink: np.ndarray, length: int, margin: int = 0) -> np.ndarray:
    """Ink without straight horizontal/vertical runs longer than ``length`` px (walls, borders, grid).

    Runs are found at half resolution (max-pooled, so thin lines survive) for speed, then mapped back and
    limited to real ink; ``margin`` px around the lines go too (ragged edges of scanned walls).
    """
    h, w = ink.shape
    half = (cv2.resize(ink, (w // 2, h // 2), interpolation=cv2.INTER_AREA) > 0).astype(np.uint8)
    run = max(3, length // 2)
    lines = cv2.bitwise_or(
        cv2.morphologyEx(half, cv2.MORPH_OPEN, np.ones((1, run), np.uint8)),
        cv2.morphologyEx(half, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8)),
    )
    full = np.zeros_like(ink)
    full[: (h // 2) * 2, : (w // 2) * 2] = cv2.resize(
        lines, ((w // 2) * 2, (h // 2) * 2), interpolation=cv2.INTER_NEAREST
    )
    if margin:
        full = cv2.dilate(full, np.ones((2 * margin + 1, 2 * margin + 1), np.uint8))
    return ink & (1 - full)


def _fit(h: int, w: int, size: int) -> tuple[float, float, int, int, int, int]:
    """Scale factors, size and offset that centre an h×w crop in a size×size canvas (longer side fitted)."""
    scale = (size - 4) / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    return nw / w, nh / h, nw, nh, (size - nw) // 2, (size - nh) // 2


def normalize_mask(crop: np.ndarray, size: int = CANVAS) -> np.ndarray:
    """Centre a binary crop in a size×size canvas at a scale that fits its longer side (aspect kept).

    A crop more than twice the canvas is thinned to its skeleton first, so that parallel lines a few canvas
    pixels apart (a tub's rim inside its outline) stay apart instead of blurring into one thick line.
    """
    h, w = crop.shape
    _, _, nw, nh, x0, y0 = _fit(h, w, size)
    shrink = max(h, w) > 2 * size
    source = thin(crop[None])[0] if shrink else crop
    small = cv2.resize(source.astype(np.float32), (nw, nh), interpolation=cv2.INTER_AREA)
    out = np.zeros((size, size), np.uint8)
    out[y0 : y0 + nh, x0 : x0 + nw] = small > (0.0 if shrink else 0.12)
    return out


def erased_canvas(erased: np.ndarray, box: tuple[int, int, int, int], size: int = CANVAS) -> np.ndarray:
    """Where long-line ink was erased around a candidate, in the candidate's canvas (dilated by two pixels).

    A fixture drawn against a wall loses the edge it shares with the wall when walls are erased; the matcher
    does not hold missing template ink there against the candidate.
    """
    x0, y0, x1, y1 = box
    pad = max(4, round(0.15 * max(x1 - x0, y1 - y0)))
    H, W = erased.shape
    wx0, wy0, wx1, wy1 = max(0, x0 - pad), max(0, y0 - pad), min(W, x1 + pad), min(H, y1 + pad)
    window = erased[wy0:wy1, wx0:wx1]
    if not window.any():
        return np.zeros((size, size), np.uint8)
    sx, sy, _, _, ox, oy = _fit(y1 - y0, x1 - x0, size)
    matrix = np.array([[sx, 0, ox + (wx0 - x0) * sx], [0, sy, oy + (wy0 - y0) * sy]], dtype=np.float64)
    mapped = cv2.warpAffine(window.astype(np.float32), matrix, (size, size), flags=cv2.INTER_LINEAR)
    return cv2.dilate((mapped > 0.1).astype(np.uint8), np.ones((5, 5), np.uint8))


def crop_to_ink(mask: np.ndarray) -> np.ndarray | None:
    """The tight crop around the ink of a binary image, or None when there is none."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def extract_candidates(
    ink: np.ndarray,
    min_px: float,
    max_px: float,
    gap: int = 1,
    erased: np.ndarray | None = None,
    tail_px: int = 0,
    flush_px: int = 0,
    flush_span: float = OPEN_SPAN,
    both_readings: bool = False,
) -> Candidates:
    """Group ink into symbol candidates: components (bridging gaps of ``gap`` px) merged by containment.

    ``erased`` is the long-line ink removed from ``ink`` beforehand; each candidate then records where that
    ink touched it. With ``tail_px``, leader tails that long are cut off (scans, see :mod:`leaders`); with
    ``flush_px``, a wall face that close along a whole side is put back as the candidate's edge where its ink spans
    ``flush_span`` of that side (see :mod:`flush`). With ``both_readings``, a candidate given an edge so is also
    kept as it was, just before it: whether the face is its back edge or a wall it only stands near is left
    to the matcher (the two overlap, and the better match of the two is kept).
    """
    out_boxes: list[tuple[int, int, int, int]] = []
    crops: list[np.ndarray] = []
    symbols: list[int] = []
    limits = (min_px, max_px, gap)
    for crop, origin in groups(ink, *limits):
        for piece, at in untailed(crop, origin, tail_px, limits) if tail_px else [(crop, origin)]:
            readings = [(piece, at)]
            if flush_px and erased is not None:
                edged = restore_back_edges(piece, at, erased, flush_px, flush_span, both_readings)
                readings = [*readings, edged] if both_readings and edged[0].shape != piece.shape else [edged]
            first = len(out_boxes)
            for drawn, (x0, y0) in readings:
                out_boxes.append((x0, y0, x0 + drawn.shape[1], y0 + drawn.shape[0]))
                crops.append(drawn)
                symbols.append(first)
    if not out_boxes:
        return _no_candidates()
    erased_masks = None
    if erased is not None:
        erased_masks = np.stack([erased_canvas(erased, box) for box in out_boxes])
    masks = thin(np.stack([normalize_mask(crop) for crop in crops]))
    return Candidates(
        np.array(out_boxes, dtype=np.float64), masks, crops, erased_masks, symbols=np.array(symbols, dtype=np.int64)
    )
