"""Which way up a scanned sheet stands, and standing it upright.

A sheet scanned and saved as a portrait image lies on its side; one fed into the scanner the other way round
stands on its head. Symbol search does not care (every template is
tried in all eight turns and mirrors), but the information strip does: it is found as a column of lines down
the sheet's right side (or a strip along its bottom), and Tesseract reads only upright lettering. Such a scan is
therefore turned upright, read so, and its boxes given back as the image shows them (see
:func:`pipelineos.takeoff.pdfpage.displayed_box`).
"""

from __future__ import annotations

import cv2
import numpy as np

from pipelineos.takeoff.inputs import LoadedPage
from pipelineos.takeoff.layout import SHEET_RE, info_column
from pipelineos.takeoff.ocr import read_words, tesseract_available
from pipelineos.takeoff.pdfpage import Word
from pipelineos.takeoff.schedule import VOCABULARY

MIN_KNOWN_WORDS = 3
"""Known words OCR must read in a turned sheet's strip for the turn to be taken."""
LETTER_PX = (6, 24)
"""Height of a letter at the analysis resolution (150 DPI): 3/32 in lettering is about 14 px."""
SMEAR_PX = 5
"""How far letter marks are smeared to join their neighbours in a word, not the next line."""
SIDEWAYS_RATIO = 2.0
MIN_JOINS = 50
"""Lettering is on its side when its marks join down at least twice as often as across, and at least this often."""


def turned(gray: np.ndarray, degrees: int) -> np.ndarray:
    """The image turned ``degrees`` clockwise."""
    return np.ascontiguousarray(np.rot90(gray, -(degrees // 90)))


def known_words(words: list[Word]) -> int:
    """How many of the words are known words (fixture names, legend and schedule headings) or a sheet number."""
    return sum(w[4].upper() in VOCABULARY or bool(SHEET_RE.match(w[4].upper())) for w in words)


def _known_words(gray: np.ndarray) -> int:
    """:func:`known_words` of the image's information strip as OCR reads it."""
    column = info_column(gray)
    return 0 if column is None else known_words(read_words(gray, column[1], 1.0))


def text_joins(gray: np.ndarray) -> tuple[int, int]:
    """How many letter-sized marks of a page join a neighbour when smeared across, and when smeared down.

    Letters in a word stand a pixel or two apart along the line and further apart between lines, so upright
    lettering joins across and lettering on its side joins down."""
    ink = (gray < 128).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    lo, hi = LETTER_PX
    letter = (h >= lo) & (h <= hi) & (w >= 2) & (w <= hi) & (area >= 8)
    keep = np.zeros(count, np.uint8)
    keep[1:][letter] = 1
    marks = keep[labels]
    alone = int(letter.sum())

    def joined(kernel: tuple[int, int]) -> int:
        return alone - (cv2.connectedComponents(cv2.dilate(marks, np.ones(kernel, np.uint8)), connectivity=8)[0] - 1)

    return joined((1, SMEAR_PX)), joined((SMEAR_PX, 1))


def scan_turn(gray: np.ndarray) -> int:
    """Degrees clockwise that stand a scanned portrait image of a sheet upright; 0 for a landscape image.

    Drawing sheets are landscape, so a portrait image may be one on its side. Its lettering says so (see
    :func:`text_joins`) but not which side is up: the information strip is then read by OCR a quarter turn
    either way, and the turn under which it reads more known words (fixture names, legend and schedule
    headings, a sheet number), at least MIN_KNOWN_WORDS, is taken. A portrait sheet drawn so stays so.
    """
    h, w = gray.shape
    if w >= h or not tesseract_available():
        return 0
    across, down = text_joins(gray)
    if down < SIDEWAYS_RATIO * max(across, MIN_JOINS):
        return 0
    known, _, degrees = max((_known_words(turned(gray, d)), -i, d) for i, d in enumerate((90, 270)))
    return degrees if known >= MIN_KNOWN_WORDS else 0


def upside_down(gray: np.ndarray, words: list[Word]) -> bool:
    """Whether a landscape scan whose strip OCR read few known words (``words``) reads at least MIN_KNOWN_WORDS,
    and more, turned over: a sheet fed into the scanner the other way round."""
    read = known_words(words)
    return read < MIN_KNOWN_WORDS and _known_words(turned(gray, 180)) >= max(MIN_KNOWN_WORDS, read + 1)


def stand_upright(page: LoadedPage, degrees: int | None = None) -> int:
    """Turn a scanned page in place by ``degrees`` (clockwise; by default, :func:`scan_turn`'s) and note it
    (pixels and size; see :attr:`LoadedPage.turned`); the degrees."""
    degrees = scan_turn(page.gray) if degrees is None else degrees
    if degrees:
        page.gray = turned(page.gray, degrees)
        if page.native is not None:
            page.native = turned(page.native, degrees)
        if degrees % 180:
            page.width_pt, page.height_pt = page.height_pt, page.width_pt
        page.turned = (page.turned + degrees) % 360
    return degrees
