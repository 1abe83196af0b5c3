"""Small candidates redrawn from a sharper source than the page image, so their details survive matching.

At 150 DPI a fixture drawn at 1/8" per foot is twenty pixels long: a urinal's rim, a lavatory's bowl and a
floor drain's grate merge into blobs. A vector page is rendered again around each small candidate; a scan
scanned finer than 150 DPI is cropped again from its own pixels (:attr:`LoadedPage.native`). Only ink near
the candidate's own page-resolution ink is kept, so walls and text in the clip stay out; the candidate's box
and size in points do not change, only the drawing it is matched by (and so its template band).
"""

from __future__ import annotations

import cv2
import numpy as np

from pipelineos.takeoff.inputs import LoadedPage, render_clips
from pipelineos.takeoff.raster import Candidates, binarize, crop_to_ink, normalize_mask
from pipelineos.takeoff.skew import rotate, unrotate_box
from pipelineos.takeoff.thinning import thin

SHARPEN_BELOW_PX = 72
"""Candidates smaller than this on the page image are redrawn sharper for matching."""
SHARP_PX = 72
"""Longer side a vector candidate is re-rendered at."""
MIN_GAIN = 1.25
"""A scan is re-cropped only when its own pixels are at least this much finer than the page image."""


def _guided(
    gray: np.ndarray, crop: np.ndarray, zoom: float, offset: tuple[int, int], vector: bool
) -> np.ndarray | None:
    """Ink of ``gray`` near the candidate's page-resolution ``crop`` enlarged by ``zoom`` and put at ``offset``."""
    guide = cv2.resize(
        crop,
        (max(1, round(crop.shape[1] * zoom)), max(1, round(crop.shape[0] * zoom))),
        interpolation=cv2.INTER_NEAREST,
    )
    reach = max(3, round(1.5 * zoom))
    guide = cv2.dilate(guide, np.ones((reach, reach), np.uint8))
    frame = np.zeros_like(gray, dtype=np.uint8)
    ox, oy = max(0, offset[0]), max(0, offset[1])
    h, w = min(guide.shape[0], frame.shape[0] - oy), min(guide.shape[1], frame.shape[1] - ox)
    if h <= 0 or w <= 0:
        return None
    frame[oy : oy + h, ox : ox + w] = guide[:h, :w]
    sharp = crop_to_ink(binarize(gray, vector) & frame)
    return None if sharp is None or sharp.sum() < 8 else sharp


def _replace(candidates: Candidates, sharp: dict[int, np.ndarray]) -> None:
    """Put the sharper drawings in place of the candidates' crops, masks and drawn sizes (in place)."""
    if not sharp:
        return
    drawn = candidates.long_px.astype(np.float64).copy()
    for i, ink in sharp.items():
        candidates.crops[i] = ink
        drawn[i] = max(ink.shape)
    changed = list(sharp)
    candidates.masks[changed] = thin(np.stack([normalize_mask(sharp[i]) for i in changed]))
    candidates.drawn_px = drawn


def sharpen(page: LoadedPage, candidates: Candidates) -> None:
    """Re-render small candidates of a vector page at SHARP_PX (in place)."""
    p = page.px_per_pt
    small = np.flatnonzero(candidates.long_px < SHARPEN_BELOW_PX)
    clips = [
        (float(b[0]) / p - 1, float(b[1]) / p - 1, float(b[2]) / p + 1, float(b[3]) / p + 1)
        for b in candidates.boxes[small]
    ]
    renders = render_clips(page, clips, SHARP_PX)
    if not renders:
        return
    sharp: dict[int, np.ndarray] = {}
    for i, gray in zip(small, renders, strict=True):
        crop = candidates.crops[i]
        zoom = gray.shape[1] / (crop.shape[1] + 2 * p)
        found = _guided(gray, crop, zoom, (round(p * zoom), round(p * zoom)), vector=True)
        if found is not None:
            sharp[int(i)] = found
    _replace(candidates, sharp)


def sharpen_scan(page: LoadedPage, candidates: Candidates, skew: float) -> None:
    """Crop small candidates of a scan again from its finer native pixels (in place; deskewed like the page).

    Candidate boxes are on the deskewed page image; each is mapped back to the scan as it was, cut from the
    native pixels with a margin, turned by the same skew about its centre, and its ink taken near the
    candidate's own.
    """
    if page.native is None or not len(candidates):
        return
    zoom = page.native.shape[1] / page.gray.shape[1]
    if zoom < MIN_GAIN:
        return
    small = np.flatnonzero(candidates.long_px < SHARPEN_BELOW_PX)
    shape = page.gray.shape
    nh, nw = page.native.shape
    sharp: dict[int, np.ndarray] = {}
    for i in small:
        bx0, by0, bx1, by1 = (float(v) for v in candidates.boxes[i])
        box = (bx0, by0, bx1, by1)
        x0, y0, x1, y1 = unrotate_box(box, skew, shape) if skew else box
        pad = 3.0 + 0.25 * max(x1 - x0, y1 - y0)
        cx0, cy0 = max(0, int((x0 - pad) * zoom)), max(0, int((y0 - pad) * zoom))
        cx1, cy1 = min(nw, int((x1 + pad) * zoom) + 1), min(nh, int((y1 + pad) * zoom) + 1)
        if cx1 - cx0 < 8 or cy1 - cy0 < 8:
            continue
        gray = page.native[cy0:cy1, cx0:cx1]
        if skew:
            gray = rotate(gray, skew, 255, smooth=True)
        crop = candidates.crops[int(i)]
        center_x = ((x0 + x1) / 2) * zoom - cx0
        center_y = ((y0 + y1) / 2) * zoom - cy0
        offset = (round(center_x - crop.shape[1] * zoom / 2), round(center_y - crop.shape[0] * zoom / 2))
        found = _guided(gray, crop, zoom, offset, vector=False)
        if found is not None:
            sharp[int(i)] = found
    _replace(candidates, sharp)
