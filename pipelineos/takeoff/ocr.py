"""Words of a scanned page's information strip, read with Tesseract (title block, legend, schedule).

A scan has no text layer, so without OCR it has no sheet number, no title and, above all, no legend labels:
the legend's symbols, drawn in the office's own style, could not be used as exemplars. Only the information
strip is read (about a fifth of the sheet, well under a second on one core): tags in the drawing area are too
small at scan resolution to read reliably, and reading the whole sheet would double its analysis time.

Words come back in the same form as a vector page's (points, block and line numbers), so everything that reads
``LoadedPage.words`` works on scans unchanged. Without the ``tesseract`` program the page is analysed without
words, as before, and a note says what to install.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import cv2
import numpy as np

from pipelineos.takeoff.inputs import LoadedPage
from pipelineos.takeoff.layout import SHEET_RE, info_column
from pipelineos.takeoff.pdfpage import Word
from pipelineos.takeoff.schedule import VOCABULARY

log = logging.getLogger(__name__)

MIN_CONFIDENCE = 30.0
"""Tesseract word confidence (0–100) below which a short word is dropped: mostly symbol strokes read as letters."""
MIN_CONFIDENCE_LONG = 5.0
"""The same for words of LONG_WORD letters or more: strokes are not read as long words, while real words in a
title block (``FLOOR``, ``PLAN``) often come with a low confidence. A fixture word (``DRAIN``, ``LAVATORY``) is
kept at any confidence: strokes are not read as one, and a speck between two words of a legend label had left
Tesseract sure of neither (``FLOOR.`` and ``DRAIN`` at 0), losing the legend's floor drain."""
LONG_WORD = 4
STRAY = "'‘’`\"|[]{}"
"""Characters a scan's specks and frame lines add at the ends of words."""
SYMBOL_HEIGHT_RATIO = 1.6
"""A "word" of at most three letters or digits, this many times taller than the page's typical word and not a
sheet number, is a symbol Tesseract read as letters (a water closet as ``Oo`` or ``io)``): it is dropped, so the
symbol is neither erased nor joined to its label."""
PUNCTUATION = ".,:;-"
"""Marks a speck beside a word is read as; a fixture word is recognised without them."""
TESSERACT_CONFIG = "--psm 11"
"""Sparse text: legends and title blocks are scattered labels, not paragraphs; each label becomes its own line."""
MISSING = (
    "OCR unavailable: install the tesseract-ocr package (make system-deps) to read scanned legends and title blocks"
)


@cache
def tesseract_available() -> bool:
    """Whether the ``tesseract`` program is installed (checked once per process)."""
    found = shutil.which("tesseract") is not None
    if not found:
        log.warning("tesseract not found; scanned pages are read without OCR")
    return found


def read_words(gray: np.ndarray, box_px: tuple[float, float, float, float], px_per_pt: float) -> list[Word]:
    """Words inside ``box_px`` of a grayscale page image, in page points with block and line numbers.

    The crop goes to Tesseract as an uncompressed BMP: pytesseract would PNG-encode it, which takes about as
    long as the recognition itself.
    """
    import pytesseract

    x0, y0, x1, y1 = (round(v) for v in box_px)
    crop = np.ascontiguousarray(gray[max(0, y0) : y1, max(0, x0) : x1])
    if crop.size == 0:
        return []
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with tempfile.TemporaryDirectory(prefix="pipelineos-ocr-") as tmp:
        image = str(Path(tmp) / "strip.bmp")
        cv2.imwrite(image, crop)
        data = pytesseract.image_to_data(image, config=TESSERACT_CONFIG, output_type=pytesseract.Output.DICT)
    words: list[Word] = []
    ox, oy = max(0, x0), max(0, y0)
    for i, raw in enumerate(data["text"]):
        text = raw.strip().strip(STRAY)
        confidence = float(data["conf"][i])
        long_word = sum(c.isalpha() for c in text) >= LONG_WORD
        known = text.upper().strip(PUNCTUATION) in VOCABULARY
        if not text or (confidence < (MIN_CONFIDENCE_LONG if long_word else MIN_CONFIDENCE) and not known):
            continue
        left, top = (ox + data["left"][i]) / px_per_pt, (oy + data["top"][i]) / px_per_pt
        right = left + data["width"][i] / px_per_pt
        bottom = top + data["height"][i] / px_per_pt
        block = data["block_num"][i] * 1000 + data["par_num"][i]
        words.append((left, top, right, bottom, text, block, data["line_num"][i]))
    return _without_symbols(words)


def _without_symbols(words: list[Word]) -> list[Word]:
    """The words, less the symbols read as short tall words (see SYMBOL_HEIGHT_RATIO)."""
    if not words:
        return words
    typical = float(np.median([w[3] - w[1] for w in words]))
    return [
        w
        for w in words
        if (w[3] - w[1]) <= SYMBOL_HEIGHT_RATIO * typical
        or sum(c.isalnum() for c in w[4]) > 3
        or SHEET_RE.match(w[4].upper())
    ]


def scan_words(page: LoadedPage) -> tuple[list[Word], str | None]:
    """OCR words of a raster page's information strip, and a note when they could not be read.

    Vector pages, pages without an information strip and machines without Tesseract get no words.
    """
    if page.is_vector:
        return [], None
    column = info_column(page.gray)
    if column is None:
        return [], None
    if not tesseract_available():
        return [], MISSING
    try:
        return read_words(page.gray, column[1], page.px_per_pt), None
    except Exception as exc:
        log.warning("OCR failed on page %s: %s", page.index + 1, exc)
        return [], f"OCR failed ({exc.__class__.__name__}: {exc})"
