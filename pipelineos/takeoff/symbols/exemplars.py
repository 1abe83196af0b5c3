"""Exemplar symbols given by the user: image crops (PNG/JPEG/TIFF) or vector symbols (SVG/PDF)."""

from __future__ import annotations

from pathlib import Path

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


def exemplar_mask(path: Path) -> np.ndarray:
    """The normalized mask of the largest symbol in an exemplar file."""
    gray = _exemplar_gray(path)
    vector = path.suffix.lower() in VECTOR_SUFFIXES
    ink = binarize(gray, vector)
    if ink.mean() > 0.6:
        ink = 1 - ink
    found = extract_candidates(ink, MIN_EXEMPLAR_PX, max(ink.shape) + 1, gap=2)
    if len(found) == 0:
        raise TakeoffInputError(
            f"{path}: exemplar is blank or smaller than {MIN_EXEMPLAR_PX} px; crop a visible symbol."
        )
    sizes = (found.boxes[:, 2] - found.boxes[:, 0]) * (found.boxes[:, 3] - found.boxes[:, 1])
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
