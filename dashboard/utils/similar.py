""""Find more like this": look for symbols that resemble a selected detection on the same sheet.

Uses the takeoff engine's exemplar search when it provides one (``pipelineos.takeoff.symbols.find_similar``);
otherwise normalized cross-correlation (OpenCV ``matchTemplate``) of the selected box over the page image,
with non-maximum suppression and existing detections removed.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence

import cv2
import numpy as np

BBox = tuple[float, float, float, float]


def iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two (x0, y0, x1, y1) boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _engine_search():  # type: ignore[no-untyped-def]
    try:
        module = importlib.import_module("pipelineos.takeoff.symbols")
    except ImportError:
        return None
    return getattr(module, "find_similar", None)


def find_similar(png: bytes, exemplar: BBox, existing: Iterable[Sequence[float]] = (), threshold: float = 0.75,
                 limit: int = 50) -> list[tuple[BBox, float]]:
    """Boxes (normalized) on the page that look like ``exemplar``, best first, excluding ``existing`` ones."""
    engine = _engine_search()
    if engine is not None:
        found = [(tuple(b), float(s)) for b, s in engine(png, exemplar, threshold=threshold, limit=limit)]
    else:
        found = _template_matches(png, exemplar, threshold, limit * 4)
    others = list(existing)
    out: list[tuple[BBox, float]] = []
    for box, score in found:
        if iou(box, exemplar) > 0.3 or any(iou(box, o) > 0.3 for o in others):
            continue
        out.append((box, score))  # type: ignore[arg-type]
        if len(out) >= limit:
            break
    return out


def _template_matches(png: bytes, exemplar: BBox, threshold: float, limit: int) -> list[tuple[BBox, float]]:
    page = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    if page is None:
        raise ValueError("the page image could not be decoded; re-run the takeoff to render it again")
    h, w = page.shape
    x0, y0, x1, y1 = (int(round(exemplar[0] * w)), int(round(exemplar[1] * h)),
                      int(round(exemplar[2] * w)), int(round(exemplar[3] * h)))
    template = page[y0:y1, x0:x1]
    if template.shape[0] < 4 or template.shape[1] < 4 or template.std() < 1e-6:
        return []
    scores = cv2.matchTemplate(page, template, cv2.TM_CCOEFF_NORMED)
    ys, xs = np.where(scores >= threshold)
    order = np.argsort(-scores[ys, xs])
    th, tw = template.shape
    picked: list[tuple[BBox, float]] = []
    for i in order:
        box = (xs[i] / w, ys[i] / h, (xs[i] + tw) / w, (ys[i] + th) / h)
        if all(iou(box, p[0]) <= 0.3 for p in picked):
            picked.append((box, float(scores[ys[i], xs[i]])))
            if len(picked) >= limit:
                break
    return picked
