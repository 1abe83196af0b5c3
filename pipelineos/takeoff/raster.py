"""Pixel preparation: binarize, deskew, strip walls and long lines, cut the page into symbol candidates."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

Box = tuple[float, float, float, float]
CANVAS = 40


@dataclass
class Candidates:
    """Symbol-sized groups of ink: pixel boxes plus normalized masks for matching."""

    boxes: np.ndarray
    masks: np.ndarray

    def __len__(self) -> int:
        return len(self.boxes)


def binarize(gray: np.ndarray, vector: bool) -> np.ndarray:
    """Ink mask (uint8 0/1): a fixed threshold for clean renders, relative to the paper tone for scans.

    No median filter: it erases the one-pixel lines thin symbols are made of; specks are dropped later
    because they are smaller than any symbol.
    """
    if vector:
        return (gray < 190).astype(np.uint8)
    paper = float(np.median(gray[::7, ::7]))
    return (gray < min(200.0, paper - 45.0)).astype(np.uint8)


def estimate_skew(ink: np.ndarray, limit: float = 3.0) -> float:
    """Skew angle in degrees (projection-profile search), positive = counter-clockwise."""
    step = max(1, ink.shape[1] // 900)
    small = cv2.resize(ink * 255, (ink.shape[1] // step, ink.shape[0] // step), interpolation=cv2.INTER_AREA)
    h, w = small.shape
    center = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        rot = cv2.getRotationMatrix2D(center, angle, 1.0)
        turned = cv2.warpAffine(small, rot, (w, h), flags=cv2.INTER_LINEAR).astype(np.float32)
        return float(np.var(turned.sum(axis=1)) + np.var(turned.sum(axis=0)))

    best = max(np.arange(-limit, limit + 1e-6, 0.25), key=sharpness)
    fine = np.arange(best - 0.25, best + 0.25 + 1e-6, 0.05)
    return float(max(fine, key=sharpness))


def rotate(image: np.ndarray, angle: float, border: int) -> np.ndarray:
    """Rotate about the centre by ``angle`` degrees (counter-clockwise), keeping the size."""
    h, w = image.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, rot, (w, h), flags=cv2.INTER_NEAREST, borderValue=border)


def unrotate_box(box: Box, angle: float, shape: tuple[int, int]) -> Box:
    """Map a box found on the deskewed image back to the original image (centre rotated, size kept)."""
    h, w = shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    nx = rot[0, 0] * cx + rot[0, 1] * cy + rot[0, 2]
    ny = rot[1, 0] * cx + rot[1, 1] * cy + rot[1, 2]
    hw, hh = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    return (nx - hw, ny - hh, nx + hw, ny + hh)


def remove_long_lines(ink: np.ndarray, length: int, margin: int = 0) -> np.ndarray:
    """Ink without straight horizontal/vertical runs longer than ``length`` px (walls, borders, grid).

    Runs are found at half resolution (max-pooled, so thin lines survive) for speed, then mapped back and
    limited to real ink; ``margin`` px around the lines go too (ragged edges of scanned walls).
    """
    h, w = ink.shape
    half = (cv2.resize(ink, (w // 2, h // 2), interpolation=cv2.INTER_AREA) > 0).astype(np.uint8)
    run = max(3, length // 2)
    lines = cv2.morphologyEx(half, cv2.MORPH_OPEN, np.ones((1, run), np.uint8))
    lines |= cv2.morphologyEx(half, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8))
    full = np.zeros_like(ink)
    full[: (h // 2) * 2, : (w // 2) * 2] = cv2.resize(
        lines, ((w // 2) * 2, (h // 2) * 2), interpolation=cv2.INTER_NEAREST
    )
    if margin:
        full = cv2.dilate(full, np.ones((2 * margin + 1, 2 * margin + 1), np.uint8))
    return ink & (1 - full)


def normalize_mask(crop: np.ndarray, size: int = CANVAS) -> np.ndarray:
    """Centre a binary crop in a size×size canvas at a scale that fits its longer side (aspect kept)."""
    h, w = crop.shape
    scale = (size - 4) / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    small = cv2.resize(crop.astype(np.float32), (nw, nh), interpolation=cv2.INTER_AREA)
    out = np.zeros((size, size), np.uint8)
    y0, x0 = (size - nh) // 2, (size - nw) // 2
    out[y0 : y0 + nh, x0 : x0 + nw] = small > 0.12
    return out


def _merge_contained(boxes: np.ndarray, max_px: float) -> np.ndarray:
    """Parent index per box: a box inside a larger symbol-sized box joins it (drain inside a tub …)."""
    n = len(boxes)
    parent = np.arange(n)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    sizes = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    containers = np.flatnonzero(sizes <= max_px)
    if len(containers) == 0:
        return parent
    cb = boxes[containers]
    for i in np.argsort(area):
        inside = (
            (cb[:, 0] <= boxes[i, 0] + 2)
            & (cb[:, 1] <= boxes[i, 1] + 2)
            & (cb[:, 2] >= boxes[i, 2] - 2)
            & (cb[:, 3] >= boxes[i, 3] - 2)
            & (containers != i)
            & (area[containers] > area[i])
        )
        if inside.any():
            hits = containers[inside]
            parent[i] = hits[np.argmin(area[hits])]
    for i in range(n):
        root = i
        while parent[root] != root:
            root = parent[root]
        parent[i] = root
    return parent


def extract_candidates(ink: np.ndarray, min_px: float, max_px: float, gap: int = 1) -> Candidates:
    """Group ink into symbol candidates: components (bridging gaps of ``gap`` px) merged by containment."""
    joined = cv2.dilate(ink, np.ones((2 * gap + 1, 2 * gap + 1), np.uint8)) if gap else ink
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    if count <= 1:
        return Candidates(np.zeros((0, 4)), np.zeros((0, CANVAS, CANVAS), np.uint8))
    x, y, w, h = stats[1:, 0], stats[1:, 1], stats[1:, 2], stats[1:, 3]
    keep = np.flatnonzero(np.maximum(w, h) >= max(4.0, min_px / 6))
    boxes = np.stack([x, y, x + w, y + h], axis=1).astype(np.float64)[keep]
    parent = _merge_contained(boxes, max_px)
    out_boxes, masks = [], []
    for root in np.unique(parent):
        members = keep[np.flatnonzero(parent == root)]
        group = boxes[parent == root]
        bx0, by0, bx1, by1 = group[:, 0].min(), group[:, 1].min(), group[:, 2].max(), group[:, 3].max()
        size = max(bx1 - bx0, by1 - by0)
        if size < min_px or size > max_px or min(bx1 - bx0, by1 - by0) < 0.12 * size:
            continue
        ix0, iy0, ix1, iy1 = int(bx0), int(by0), int(bx1), int(by1)
        window = labels[iy0:iy1, ix0:ix1]
        crop = np.isin(window, members + 1) & (ink[iy0:iy1, ix0:ix1] > 0)
        ys, xs = np.nonzero(crop)
        if len(xs) < 8:
            continue
        crop = crop[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        out_boxes.append((ix0 + xs.min(), iy0 + ys.min(), ix0 + xs.max() + 1, iy0 + ys.max() + 1))
        masks.append(normalize_mask(crop))
    if not out_boxes:
        return Candidates(np.zeros((0, 4)), np.zeros((0, CANVAS, CANVAS), np.uint8))
    return Candidates(np.array(out_boxes, dtype=np.float64), thin(np.stack(masks)))


def thin(masks: np.ndarray, max_iter: int = 20) -> np.ndarray:
    """Zhang-Suen thinning of binary masks (N×H×W) to one-pixel skeletons: evens out line weight."""
    img = np.pad(masks.astype(np.uint8), ((0, 0), (1, 1), (1, 1)))
    for _ in range(max_iter):
        changed = False
        for step in (0, 1):
            p2, p3, p4 = img[:, :-2, 1:-1], img[:, :-2, 2:], img[:, 1:-1, 2:]
            p5, p6, p7 = img[:, 2:, 2:], img[:, 2:, 1:-1], img[:, 2:, :-2]
            p8, p9 = img[:, 1:-1, :-2], img[:, :-2, :-2]
            ring = [p2, p3, p4, p5, p6, p7, p8, p9, p2]
            neighbours = sum(ring[:8])
            transitions = sum(((ring[i] == 0) & (ring[i + 1] == 1)).astype(np.uint8) for i in range(8))
            cond = (p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0) if step == 0 else (p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0)
            core = img[:, 1:-1, 1:-1]
            remove = (core == 1) & (neighbours >= 2) & (neighbours <= 6) & (transitions == 1) & cond
            if remove.any():
                core[remove] = 0
                changed = True
        if not changed:
            break
    return img[:, 1:-1, 1:-1]
