"""Exemplar symbols given by the user: image crops (PNG/JPEG/TIFF) or vector symbols (SVG/PDF)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pymupdf
from PIL import Image

from pipelineos.takeoff.matcher import TemplateSet, as_canvas
from pipelineos.takeoff.models import FIXTURE_CLASSES, TakeoffInputError
from pipelineos.takeoff.raster import binarize, extract_candidates

MIN_EXEMPLAR_PX = 8
VECTOR_SUFFIXES = (".svg", ".pdf")


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


def _strip_cut_lines(ink: np.ndarray) -> np.ndarray:
    """Remove straight lines running across (almost) the whole crop: walls cut by the user's box."""
    h, w = ink.shape
    across = cv2.dilate(ink, np.ones((3, 1), np.uint8))
    lines = cv2.morphologyEx(across, cv2.MORPH_OPEN, np.ones((1, max(3, int(0.92 * w))), np.uint8))
    down = cv2.dilate(ink, np.ones((1, 3), np.uint8))
    lines |= cv2.morphologyEx(down, cv2.MORPH_OPEN, np.ones((max(3, int(0.92 * h)), 1), np.uint8))
    return ink & (1 - lines)


def exemplar_mask(path: Path) -> np.ndarray:
    """The normalized mask of the largest symbol in an exemplar file."""
    gray = _exemplar_gray(path)
    vector = path.suffix.lower() in VECTOR_SUFFIXES
    ink = binarize(gray, vector)
    if ink.mean() > 0.6:
        ink = 1 - ink
    ink = _strip_cut_lines(ink)
    found = extract_candidates(ink, MIN_EXEMPLAR_PX, max(ink.shape) + 1, gap=2)
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
    return found.masks[int(np.argmax(sizes))]


def load_exemplars(exemplars: dict[str, list[Path]] | None) -> TemplateSet:
    """Templates for user exemplars, keyed by fixture class."""
    templates = TemplateSet()
    for cls, paths in (exemplars or {}).items():
        if cls not in FIXTURE_CLASSES:
            raise TakeoffInputError(f"unknown fixture class {cls!r}; use one of {', '.join(FIXTURE_CLASSES)}.")
        for path in paths:
            templates.add(cls, exemplar_mask(Path(path)), "user")
    return templates


def mask_to_template(mask: np.ndarray) -> np.ndarray:
    """Normalize an already-cropped binary mask into a template canvas."""
    return as_canvas(mask)
