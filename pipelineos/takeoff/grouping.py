"""Grouping a page's ink into symbol candidates: components merged by containment, rooms let go, leader tails cut.

A symbol is drawn in parts (a tub's outline, rim and drain); parts inside a symbol-sized box join it. A box
holding several solid shapes is a room, not a symbol. On scans a leader's tail is cut off and each side of the
cut is grouped afresh (see :mod:`pipelineos.takeoff.leaders`).
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from pipelineos.takeoff.leaders import tail_pieces

ENCLOSURE_CHILDREN = 5
SLIVER = 0.12
"""A group narrower than this share of its length is a line, not a symbol (also once its leader is cut off)."""
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


def groups(ink: np.ndarray, min_px: float, max_px: float, gap: int) -> Iterator[tuple[np.ndarray, tuple[int, int]]]:
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


def untailed(
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
        for piece, (px, py) in groups(part, *limits):
            where = (at[0] + px, at[1] + py)
            yield from untailed(piece, where, tail_px, limits, depth - 1) if depth > 1 else [(piece, where)]
