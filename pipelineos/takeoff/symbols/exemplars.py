"""Exemplar symbols given by the user: image crops (PNG/JPEG/TIFF) or vector symbols (SVG/PDF)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pymupdf
from PIL import Image

from pipelineos.takeoff.fusion import iou_matrix
from pipelineos.takeoff.leaders import NARROW_PX, despeckle, extent
from pipelineos.takeoff.models import FIXTURE_CLASSES, TakeoffInputError
from pipelineos.takeoff.raster import (
    SCAN_WALL_MARGIN_PX,
    binarize,
    crop_to_ink,
    extract_candidates,
    flush_reach,
    straightened,
)
from pipelineos.takeoff.templates import TemplateSet

MIN_EXEMPLAR_PX = 8
VECTOR_SUFFIXES = (".svg", ".pdf")
COARSE_EXTRA_PX = 4
"""A scanned exemplar whose stubs run to a wall is also kept as a page read at half its resolution would leave
it: the page erases a wall with its margin in its own, coarser pixels, and a stub (a hose bibb's) comes out this
much shorter there than in the user's crop, cut from the scan's own pixels (see :func:`_one_stub`)."""
INVERTED_FRAME = 0.6
"""A crop whose edges are mostly ink is drawn light on dark and is inverted. The share of ink inside does not
tell: a small water heater on a blurred scan, rectangles in a rectangle, fills most of its crop with grey."""
SPECK_PX = 4
"""Pieces of ink this small in a scanned crop are noise."""
BORDERLINE_SPAN = 0.4
"""An exemplar's side flush with a cut wall whose ink spans this share of it (short of the page's
:data:`~pipelineos.takeoff.flush.OPEN_SPAN`) is also kept closed by the wall face (see :func:`exemplar_drawings`);
a stub to the wall (a hose bibb's) spans far less."""


def _exemplar_gray(path: Path) -> np.ndarray:
    try:
        if path.suffix.lower() in VECTOR_SUFFIXES:
            doc = pymupdf.open(path)
            page = doc[0]
            zoom = 240 / max(page.rect.width, page.rect.height, 1)
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY, alpha=False)
            doc.close()
            return np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, : pix.width].copy()
        with Image.open(path) as image:
            if image.width * image.height > 25_000_000:
                raise TakeoffInputError(f"{path}: exemplar image is too large; crop just the symbol.")
            return np.asarray(image.convert("L"), dtype=np.uint8)
    except TakeoffInputError:
        raise
    except Exception as exc:
        raise TakeoffInputError(f"{path}: exemplar cannot be read ({exc}).") from exc


def _strip_cut_lines(ink: np.ndarray, margin: int) -> np.ndarray:
    """Remove straight lines running across the whole crop (walls cut by the user's box).

    Gaps of a few pixels in a scanned wall are bridged first, and lines are sought a pixel wider than drawn
    (the crop is cut from the scan as it was, and a wall on a skewed scan steps by a pixel or two across it).
    ``margin`` pixels next to the line go too, as on the page itself; a side flush with such a line gets it
    back as its edge, as on the page (see :mod:`pipelineos.takeoff.flush`).
    """
    h, w = ink.shape
    lines = np.zeros_like(ink)
    for bridge, run in (((1, 3), (1, max(3, w - 2))), ((3, 1), (max(3, h - 2), 1))):
        bridged = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones(bridge, np.uint8), borderValue=0)
        widened = cv2.dilate(bridged, np.ones(bridge[::-1], np.uint8))
        lines |= cv2.morphologyEx(widened, cv2.MORPH_OPEN, np.ones(run, np.uint8), borderValue=0) & ink
    if margin:
        lines = cv2.dilate(lines, np.ones((2 * margin + 1, 2 * margin + 1), np.uint8))
    return ink & (1 - lines)


def _trim_cut_tails(crop: np.ndarray, box: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Cut off thin lines the user's box cut through (a tag leader, a pipe): ink that runs out of the box is
    not the symbol. Only sides where the symbol's ink reaches the edge of the crop are trimmed, and only the
    rows (columns) there that hold nothing but a narrow line, no wider than the line where it leaves the box
    (a hose bibb's tip, narrowing to the leader drawn from it, stays). Scan noise does not count: a speck
    beside a leader had kept the whole leader on a dishwasher, which then matched none of its twins."""
    h, w = shape[:2]
    x0, y0, x1, y1 = (int(v) for v in box)
    for axis, first, last in ((1, y0 <= 1, y1 >= h - 1), (0, x0 <= 1, x1 >= w - 1)):
        span = extent(despeckle(crop, SPECK_PX), axis)
        start, end = 0, len(span)
        limit = min(NARROW_PX, int(span[0]) + 1)
        while first and start < end and span[start] <= limit:
            start += 1
        limit = min(NARROW_PX, int(span[-1]) + 1)
        while last and end > start and span[end - 1] <= limit:
            end -= 1
        if end - start < 0.5 * len(span):
            continue
        crop = crop[start:end] if axis == 1 else crop[:, start:end]
    return crop


def exemplar_ink(path: Path) -> np.ndarray:
    """The binary ink of the main symbol in an exemplar file (the largest one near the middle), as the page's
    candidates are cut: a side flush with a wall the user's box cut gets its back edge (see :mod:`flush`)."""
    return exemplar_drawings(path)[0]


def exemplar_drawings(path: Path) -> list[np.ndarray]:
    """:func:`exemplar_ink`, then the other ways the same symbol may stand on the page beside a wall.

    Whether a wall face is put back as a symbol's edge depends on how much of the symbol the wall hid (see
    :data:`pipelineos.takeoff.flush.OPEN_SPAN`); a urinal's bowl cut by the wall may fall either side of that
    line in the user's crop and on the page. So a symbol flush with a cut wall is also kept with that edge
    when its crop nearly earned it (:data:`BORDERLINE_SPAN`), and without it when it did.
    """
    gray = _exemplar_gray(path)
    vector = path.suffix.lower() in VECTOR_SUFFIXES
    ink = binarize(gray, vector)
    if not vector:
        ink, _ = straightened(gray, ink, None)
    if _frame(ink).mean() > INVERTED_FRAME:
        ink = 1 - ink
    stripped = _strip_cut_lines(ink, 0 if vector else SCAN_WALL_MARGIN_PX)
    erased = ink - stripped
    reach = flush_reach(vector)
    readings = [
        extract_candidates(stripped, MIN_EXEMPLAR_PX, max(ink.shape) + 1, gap=2, erased=erased, **flush)
        for flush in ({"flush_px": reach}, {}, {"flush_px": reach, "flush_span": BORDERLINE_SPAN})
    ]
    found = readings[1]
    if len(found) == 0:
        raise TakeoffInputError(
            f"{path}: exemplar is blank or smaller than {MIN_EXEMPLAR_PX} px; crop a visible symbol."
        )
    h, w = ink.shape
    boxes = found.boxes
    cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    central = (np.abs(cx - w / 2) <= 0.25 * w) & (np.abs(cy - h / 2) <= 0.25 * h)
    sizes = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    sizes = np.where(central, sizes, -1.0) if central.any() else sizes
    pick = int(np.argmax(sizes))
    picks = [(reading, pick) for reading in readings]
    if not vector and _one_stub(stripped, erased):
        coarse = ink & (1 - cv2.dilate(erased, np.ones((3, 3), np.uint8), iterations=COARSE_EXTRA_PX))
        reading = extract_candidates(coarse, MIN_EXEMPLAR_PX, max(ink.shape) + 1, gap=2, erased=ink - coarse)
        if len(reading):
            picks.append((reading, int(np.argmax(iou_matrix(np.vstack([boxes[pick], reading.boxes]))[0, 1:]))))
    out: list[np.ndarray] = []
    for reading, index in picks:
        crop = reading.crops[index]
        trimmed = crop_to_ink(_trim_cut_tails(crop, reading.boxes[index], ink.shape))
        drawing = trimmed if trimmed is not None else crop
        if not any(d.shape == drawing.shape and np.array_equal(d, drawing) for d in out):
            out.append(drawing)
    return out


def _frame(ink: np.ndarray) -> np.ndarray:
    """The pixels along the crop's four edges."""
    return np.concatenate([ink[0], ink[-1], ink[1:-1, 0], ink[1:-1, -1]])


def _one_stub(stripped: np.ndarray, erased: np.ndarray) -> bool:
    """Whether the ink left beside a stripped wall touches it in one line's end only (a stub run to the wall),
    not in two or more (the sides of a symbol flush with the wall, whose back edge went with it, see
    :mod:`flush`) nor along a stretch of it."""
    touch = stripped & cv2.dilate(erased, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(touch, connectivity=8)
    return bool(count == 2 and max(stats[1, cv2.CC_STAT_WIDTH], stats[1, cv2.CC_STAT_HEIGHT]) <= NARROW_PX + 2)


def load_exemplars(exemplars: dict[str, list[Path]] | None) -> TemplateSet:
    """Templates for user exemplars, keyed by fixture class."""
    templates = TemplateSet()
    for cls, paths in (exemplars or {}).items():
        if cls not in FIXTURE_CLASSES:
            raise TakeoffInputError(f"unknown fixture class {cls!r}; use one of {', '.join(FIXTURE_CLASSES)}.")
        for path in paths:
            for drawing in exemplar_drawings(Path(path)):
                templates.add_drawing(cls, drawing, "user")
    return templates
