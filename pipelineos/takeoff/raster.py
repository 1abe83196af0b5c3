"""Pixel preparation: binarize, strip walls and long lines, cut the page into symbol candidates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

from pipelineos.takeoff.flush import OPEN_SPAN, restore_back_edges
from pipelineos.takeoff.leaders import tail_pieces
from pipelineos.takeoff.thinning import thin

CANVAS = 40
FINE_CANVAS = 80
"""Canvas of the second, finer comparison of symbols that the matching canvas shrinks more than twofold."""
ENCLOSURE_CHILDREN = 5
SLIVER = 0.12
"""A group narrower than this share of its length is a line, not a symbol (also once its leader is cut off)."""
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

    def __len__(self) -> int:
        return len(self.boxes)

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


MERGE_BLOCK = 256


def _release_enclosures(boxes: np.ndarray, parent: np.ndarray, sizes: np.ndarray, least: float) -> np.ndarray:
    """Undo the merge into boxes holding ENCLOSURE_CHILDREN or more solid shapes: rooms, not symbols.

    A fixture holds a few parts (two bowls, a drain, a seat); a room drawn with thin walls holds fixtures. Thin
    parts (drainboard lines, leaders) are not counted, nor shapes under ``least`` px (a scan's specks: a shower
    with its drain and three specks had been taken for a room, and lost its drain).
    """
    widths, heights = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    solid = (np.minimum(widths, heights) >= 0.3 * sizes) & (parent != np.arange(len(parent)))
    solid &= sizes >= np.maximum(0.04 * sizes[parent], least)
    counts = np.bincount(parent[solid], minlength=len(parent))
    enclosures = np.flatnonzero(counts >= ENCLOSURE_CHILDREN)
    if len(enclosures):
        freed = np.isin(parent, enclosures)
        parent = parent.copy()
        parent[freed] = np.flatnonzero(freed)
    return parent


def _merge_contained(boxes: np.ndarray, max_px: float, least: float = 0.0) -> np.ndarray:
    """Parent index per box: a box inside a larger symbol-sized box joins the smallest one (drain inside a tub
    …); boxes are compared with every container in blocks of MERGE_BLOCK rows. ``least`` is the smallest part
    that counts towards taking a box for a room (see :func:`_release_enclosures`)."""
    n = len(boxes)
    parent = np.arange(n)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    sizes = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    containers = np.flatnonzero(sizes <= max_px)
    if len(containers) == 0:
        return parent
    cb, c_area = boxes[containers], area[containers]
    for start in range(0, n, MERGE_BLOCK):
        rows = np.arange(start, min(n, start + MERGE_BLOCK))
        b = boxes[rows]
        inside = (
            (cb[None, :, 0] <= b[:, None, 0] + 2)
            & (cb[None, :, 1] <= b[:, None, 1] + 2)
            & (cb[None, :, 2] >= b[:, None, 2] - 2)
            & (cb[None, :, 3] >= b[:, None, 3] - 2)
            & (containers[None, :] != rows[:, None])
            & (c_area[None, :] > area[rows, None])
        )
        has = inside.any(axis=1)
        if has.any():
            smallest = np.where(inside[has], c_area[None, :], np.inf).argmin(axis=1)
            parent[rows[has]] = containers[smallest]
    parent = _release_enclosures(boxes, parent, sizes, least)
    for i in range(n):
        root = i
        while parent[root] != root:
            root = parent[root]
        parent[i] = root
    return parent


def _components(ink: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """8-connected components with 16-bit labels (much faster on a full sheet), 32-bit when there are more."""
    try:
        count, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(ink, 8, cv2.CV_16U, cv2.CCL_SPAGHETTI)
    except cv2.error:
        count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return count, labels, stats


def _groups(ink: np.ndarray, min_px: float, max_px: float, gap: int) -> Iterator[tuple[np.ndarray, tuple[int, int]]]:
    """Each symbol-sized group of ``ink``: components (bridging gaps of ``gap`` px) merged by containment, as
    its crop and the crop's origin (x, y)."""
    joined = cv2.dilate(ink, np.ones((2 * gap + 1, 2 * gap + 1), np.uint8)) if gap else ink
    count, labels, stats = _components(joined)
    if count <= 1:
        return
    x, y, w, h = stats[1:, 0], stats[1:, 1], stats[1:, 2], stats[1:, 3]
    keep = np.flatnonzero(np.maximum(w, h) >= max(4.0, min_px / 6))
    boxes = np.stack([x, y, x + w, y + h], axis=1).astype(np.float64)[keep]
    parent = _merge_contained(boxes, max_px, min_px / 3)
    is_member = np.zeros(count, dtype=bool)
    order = np.argsort(parent, kind="stable")
    roots, starts = np.unique(parent[order], return_index=True)
    for group_rows in np.split(order, starts[1:]) if len(roots) else []:
        members = keep[group_rows]
        group = boxes[group_rows]
        bx0, by0, bx1, by1 = group[:, 0].min(), group[:, 1].min(), group[:, 2].max(), group[:, 3].max()
        size = max(bx1 - bx0, by1 - by0)
        if size < min_px or size > max_px or min(bx1 - bx0, by1 - by0) < SLIVER * size:
            continue
        ix0, iy0, ix1, iy1 = int(bx0), int(by0), int(bx1), int(by1)
        is_member[members + 1] = True
        crop = is_member[labels[iy0:iy1, ix0:ix1]] & (ink[iy0:iy1, ix0:ix1] > 0)
        is_member[members + 1] = False
        ys, xs = np.nonzero(crop)
        if len(xs) < 8:
            continue
        origin = (ix0 + int(xs.min()), iy0 + int(ys.min()))
        yield crop[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.uint8), origin


def _untailed(
    crop: np.ndarray, origin: tuple[int, int], tail_px: int, limits: tuple[float, float, int], depth: int = 2
) -> Iterator[tuple[np.ndarray, tuple[int, int]]]:
    """The pieces of a group's crop (at ``origin``) once its leader tails are cut (see
    :func:`pipelineos.takeoff.leaders.tail_pieces`), each with its own origin. Each side of a cut is grouped
    afresh, down to ``depth`` cuts: the group had held whatever lay in its box, and two lavatories whose
    leaders meet at one room label are two symbols. ``limits`` are the smallest and largest symbol and the
    grouping gap, in px."""
    pieces = tail_pieces(crop, tail_px)
    for rows, cols in pieces:
        part = crop[rows, cols]
        ys, xs = np.nonzero(part)
        if not len(ys):
            continue
        at = (origin[0] + cols.start + int(xs.min()), origin[1] + rows.start + int(ys.min()))
        part = part[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        if len(pieces) == 1:
            if min(part.shape) >= SLIVER * max(part.shape) and max(part.shape) >= limits[0]:
                yield part, at
            continue
        for piece, (px, py) in _groups(part, *limits):
            where = (at[0] + px, at[1] + py)
            yield from _untailed(piece, where, tail_px, limits, depth - 1) if depth > 1 else [(piece, where)]


def extract_candidates(
    ink: np.ndarray,
    min_px: float,
    max_px: float,
    gap: int = 1,
    erased: np.ndarray | None = None,
    tail_px: int = 0,
    flush_px: int = 0,
    flush_span: float = OPEN_SPAN,
) -> Candidates:
    """Group ink into symbol candidates: components (bridging gaps of ``gap`` px) merged by containment.

    ``erased`` is the long-line ink removed from ``ink`` beforehand; each candidate then records where that
    ink touched it. With ``tail_px``, leader tails that long are cut off (scans, see :mod:`leaders`); with
    ``flush_px``, a wall face that close along a whole side is put back as the candidate's edge where its ink spans
    ``flush_span`` of that side (see :mod:`flush`).
    """
    out_boxes: list[tuple[int, int, int, int]] = []
    crops: list[np.ndarray] = []
    masks: list[np.ndarray] = []
    limits = (min_px, max_px, gap)
    for crop, origin in _groups(ink, *limits):
        for piece, (x0, y0) in _untailed(crop, origin, tail_px, limits) if tail_px else [(crop, origin)]:
            if flush_px and erased is not None:
                piece, (x0, y0) = restore_back_edges(piece, (x0, y0), erased, flush_px, flush_span)
            out_boxes.append((x0, y0, x0 + piece.shape[1], y0 + piece.shape[0]))
            crops.append(piece)
            masks.append(normalize_mask(piece))
    if not out_boxes:
        return _no_candidates()
    erased_masks = None
    if erased is not None:
        erased_masks = np.stack([erased_canvas(erased, box) for box in out_boxes])
    return Candidates(np.array(out_boxes, dtype=np.float64), thin(np.stack(masks)), crops, erased_masks)
