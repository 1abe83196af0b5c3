"""Built-in zero-shot symbol library: common US plan-view fixture symbols, plus non-fixture negatives.

The drawings come from :mod:`pipelineos.samples.symbols`, in its ``LIBRARY_STYLES`` only; the
``HELD_OUT_STYLES`` are never shown to the library, so the benchmark can measure zero-shot detection on
conventions it has not seen. Doors, furniture and equipment are kept as negatives: a candidate that looks most
like a bed is not reported as a bathtub.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pymupdf

from pipelineos.samples.draw import Placement, transform
from pipelineos.samples.draw import stroke as stroke_prims
from pipelineos.samples.symbols import FIXTURE_SYMBOLS, FURNITURE_KINDS, LIBRARY_STYLES, Symbol, bounds, furniture
from pipelineos.takeoff.templates import NEGATIVE, TemplateSet

ZERO_SHOT_CLASSES = (
    "water_closet",
    "urinal",
    "lavatory",
    "kitchen_sink",
    "bathtub",
    "shower",
    "floor_drain",
    "water_heater",
)


def render_symbol(symbol: Symbol, size_px: int = 120, line_px: float = 3.5) -> np.ndarray:
    """Binary mask of a symbol drawn with its longer side ``size_px`` pixels."""
    x0, y0, x1, y1 = bounds(symbol)
    scale = size_px / max(x1 - x0, y1 - y0)
    doc = pymupdf.open()
    page = doc.new_page(width=size_px + 8, height=size_px + 8)
    where = Placement(4 - x0 * scale, 4 - y0 * scale, scale)
    stroke_prims(page, transform(symbol, where), line_px)
    pix = page.get_pixmap(colorspace=pymupdf.csGRAY, alpha=False)
    gray = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, : pix.width]
    doc.close()
    return (gray < 190).astype(np.uint8)


@lru_cache(maxsize=4)
def builtin_templates(classes: tuple[str, ...] = tuple(FIXTURE_SYMBOLS), negatives: bool = True) -> TemplateSet:
    """Templates for the library's classes (and its negatives), built once per process."""
    templates = TemplateSet()
    for cls in classes:
        for style in LIBRARY_STYLES:
            templates.add_drawing(cls, render_symbol(FIXTURE_SYMBOLS[cls](style)), "library")
    if negatives:
        for kind in FURNITURE_KINDS:
            templates.add_drawing(f"{NEGATIVE}_{kind}", render_symbol(furniture(kind)), "library")
    templates.fine_stack(np.flatnonzero([drawing is not None for drawing in templates.drawings]))
    return templates
