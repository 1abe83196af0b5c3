"""Page-level symbol search: prepare the page's pixels, take exemplars from its legend, match candidates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelineos.takeoff.inputs import LoadedPage, render_clip
from pipelineos.takeoff.layout import Box, text_lines
from pipelineos.takeoff.matcher import TemplateSet
from pipelineos.takeoff.raster import (
    Candidates,
    binarize,
    estimate_skew,
    extract_candidates,
    remove_long_lines,
    rotate,
    unrotate_box,
)
from pipelineos.takeoff.schedule import class_from_text

MIN_SYMBOL_PT = 8.0
MAX_SYMBOL_PT = 200.0
LONG_LINE_PT = 200.0


@dataclass
class PreparedPage:
    """Symbol candidates of one page with their boxes in page points."""

    candidates: Candidates
    boxes_pt: np.ndarray
    skew: float


def _whiteout_words(page: LoadedPage) -> np.ndarray:
    gray = page.gray.copy()
    p = page.px_per_pt
    for x0, y0, x1, y1, *_ in page.words:
        gray[max(0, int(y0 * p) - 1) : int(y1 * p) + 2, max(0, int(x0 * p) - 1) : int(x1 * p) + 2] = 255
    return gray


def prepare(page: LoadedPage) -> PreparedPage:
    """Binarize (and deskew scans), strip long lines, and cut the page into candidates."""
    gray = _whiteout_words(page) if page.words else page.gray
    ink = binarize(gray, page.is_vector)
    skew = 0.0
    if not page.is_vector:
        skew = estimate_skew(ink)
        if abs(skew) >= 0.1:
            ink = rotate(ink, skew, 0)
        else:
            skew = 0.0
    p = page.px_per_pt
    ink = remove_long_lines(ink, max(20, int(LONG_LINE_PT * p)), 0 if page.is_vector else 2)
    candidates = extract_candidates(ink, MIN_SYMBOL_PT * p, MAX_SYMBOL_PT * p, gap=1)
    boxes = candidates.boxes
    if skew and len(boxes):
        boxes = np.array([unrotate_box(tuple(b), skew, ink.shape) for b in boxes])
    return PreparedPage(candidates, boxes / p if len(boxes) else boxes, skew)


def _sharp_mask(page: LoadedPage, box: tuple) -> np.ndarray | None:
    """The legend symbol re-rendered at high resolution (vector pages), as a normalized mask."""
    pad = 1.0
    gray = render_clip(page, (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad))
    if gray is None:
        return None
    found = extract_candidates(binarize(gray, True), 8, max(gray.shape) + 1, gap=1)
    if len(found) == 0:
        return None
    sizes = (found.boxes[:, 2] - found.boxes[:, 0]) * (found.boxes[:, 3] - found.boxes[:, 1])
    return found.masks[int(np.argmax(sizes))]


def legend_templates(page: LoadedPage, regions: list[Box], prepared: PreparedPage) -> tuple[TemplateSet, set[int]]:
    """Exemplars read from the legend: the symbol left of each label that names a fixture."""
    templates = TemplateSet()
    used: set[int] = set()
    boxes = prepared.boxes_pt
    if not len(boxes):
        return templates, used
    centers = np.stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2], axis=1)
    for rx0, ry0, rx1, ry1 in regions:
        inside = (centers[:, 0] >= rx0) & (centers[:, 0] <= rx1) & (centers[:, 1] >= ry0) & (centers[:, 1] <= ry1)
        for (lx0, ly0, _lx1, ly1), text in text_lines(page.words):
            cls = class_from_text(text)
            if cls is None or not (rx0 <= lx0 <= rx1 and ry0 <= ly0 <= ry1):
                continue
            cy = (ly0 + ly1) / 2
            half = np.maximum((boxes[:, 3] - boxes[:, 1]) / 2, 8.0)
            ok = inside & (boxes[:, 2] <= lx0 + 2) & (np.abs(centers[:, 1] - cy) <= half)
            if ok.any():
                pick = int(np.flatnonzero(ok)[np.argmax(boxes[ok, 2])])
                sharp = _sharp_mask(page, tuple(boxes[pick]))
                if sharp is not None:
                    templates.add(cls, sharp, "legend")
                else:
                    templates.add(cls, prepared.candidates.masks[pick], "legend", thinned=True)
                used.add(pick)
    return templates, used
