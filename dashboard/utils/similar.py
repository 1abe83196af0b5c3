""" "Find more like this": symbols on the same sheet that resemble a selected detection.

With the original drawing at hand, the selected box is cropped from the rendered sheet and handed to the
takeoff engine as a user exemplar (``analyze_page(..., exemplars=...)``), so the search uses the same symbol
matcher as the pipeline. Without it (or if the engine fails) it falls back to normalized cross-correlation
(OpenCV ``matchTemplate``) over the sheet image. Boxes that overlap existing detections are dropped.
"""

from __future__ import annotations

import io
import logging
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from PIL import Image

BBox = tuple[float, float, float, float]
log = logging.getLogger(__name__)


def iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two (x0, y0, x1, y1) boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def crop_png(png: bytes, box: BBox, pad: float = 0.1) -> bytes:
    """The normalized ``box`` (padded by ``pad`` of its size) cut out of ``png``."""
    image = Image.open(io.BytesIO(png)).convert("L")
    w, h = image.size
    dx, dy = (box[2] - box[0]) * pad, (box[3] - box[1]) * pad
    area = (
        max(0, round((box[0] - dx) * w)),
        max(0, round((box[1] - dy) * h)),
        min(w, round((box[2] + dx) * w)),
        min(h, round((box[3] + dy) * h)),
    )
    buffer = io.BytesIO()
    image.crop(area).save(buffer, format="PNG")
    return buffer.getvalue()


def engine_matches(
    source: Path,
    page_index: int,
    png: bytes,
    exemplar: BBox,
    fixture_class: str,
) -> list[tuple[BBox, float]]:
    """Detections of ``fixture_class`` on the page when the selected symbol is given as a user exemplar."""
    from pipelineos.takeoff.engine import analyze_page

    with tempfile.TemporaryDirectory() as tmp:
        crop = Path(tmp) / "exemplar.png"
        crop.write_bytes(crop_png(png, exemplar))
        page = analyze_page(source, page_index, exemplars={fixture_class: [crop]})
    if page.error:
        raise RuntimeError(page.error)
    found = [(tuple(d.bbox), float(d.confidence)) for d in page.fixtures if d.fixture_class == fixture_class]
    return sorted(found, key=lambda f: -f[1])  # type: ignore[arg-type, return-value]


def find_similar(
    png: bytes,
    exemplar: BBox,
    existing: Iterable[Sequence[float]] = (),
    threshold: float = 0.75,
    limit: int = 50,
    source: tuple[Path, int, str] | None = None,
) -> list[tuple[BBox, float]]:
    """Boxes (normalized) on the page that look like ``exemplar``, best first, excluding ``existing`` ones.

    ``source`` = (original file, page index, fixture class) enables the engine's exemplar search.
    """
    found: list[tuple[BBox, float]] | None = None
    if source is not None and source[0].is_file():
        try:
            found = engine_matches(source[0], source[1], png, exemplar, source[2])
        except Exception as exc:  # the template fallback still answers the user
            log.warning("engine exemplar search failed, using template matching: %s", exc)
    if found is None:
        found = _template_matches(png, exemplar, threshold, limit * 4)
    others = list(existing)
    out: list[tuple[BBox, float]] = []
    for box, score in found:
        if iou(box, exemplar) > 0.3 or any(iou(box, o) > 0.3 for o in others):
            continue
        out.append((box, score))
        if len(out) >= limit:
            break
    return out


def _template_matches(png: bytes, exemplar: BBox, threshold: float, limit: int) -> list[tuple[BBox, float]]:
    import cv2  # OpenCV loads in about a second; only a search needs it
    import numpy as np

    page = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    if page is None:
        raise ValueError("the page image could not be decoded; re-run the takeoff to render it again")
    h, w = page.shape
    x0, y0 = round(exemplar[0] * w), round(exemplar[1] * h)
    x1, y1 = round(exemplar[2] * w), round(exemplar[3] * h)
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
