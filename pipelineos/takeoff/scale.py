"""Drawing scale and fixture sizes: a chair-sized rectangle is not a shower, whatever it looks like.

Fixtures are built to standard sizes, so once a sheet's scale is known (points of paper per inch of building)
each class has a plausible size on the page. The scale comes from the sheet's scale note
(``1/4" = 1'-0"``, ``1:50``) or, on scans with no readable text, from the fixtures already recognised with
confidence (a water closet is about 28 in long wherever it is drawn).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

import numpy as np

from pipelineos.takeoff.layout import text_lines
from pipelineos.takeoff.pdfpage import Word

LONG_SIDE_IN: dict[str, tuple[float, float]] = {
    "water_closet": (20.0, 36.0),
    "urinal": (12.0, 30.0),
    "lavatory": (14.0, 32.0),
    "kitchen_sink": (18.0, 48.0),
    "service_sink": (16.0, 40.0),
    "bathtub": (48.0, 84.0),
    "shower": (28.0, 72.0),
    "drinking_fountain": (12.0, 48.0),
    "water_heater": (14.0, 40.0),
    "clothes_washer": (20.0, 36.0),
    "dishwasher": (18.0, 30.0),
}
"""Plausible longer side in building inches of each fixture drawn to scale (plan view, generous bounds)."""

SYMBOLIC_PT: dict[str, tuple[float, float]] = {"floor_drain": (4.0, 30.0), "hose_bibb": (3.0, 26.0)}
"""Fixtures usually drawn as a symbol of fixed paper size: plausible longer side in points."""

SYMBOLIC_IN: dict[str, tuple[float, float]] = {"floor_drain": (3.0, 18.0), "hose_bibb": (2.0, 12.0)}
"""The same fixtures drawn to scale instead."""

_IMPERIAL = re.compile(
    r"(?:(\d+)\s+)?(\d+)(?:/(\d+))?\s*(?:[\"\u201d\u2033]|''|IN\b)\s*=\s*(\d+)\s*(?:['\u2019\u2032]|FT\b)"
    r"\s*-?\s*(\d+)?",
    re.IGNORECASE,
)
_METRIC = re.compile(r"\b1\s*:\s*(\d{1,4})\b")
_SCALE_NOTE = re.compile(r"SCALE\s*:?\s*(?:(\d+)\s+)?(\d+)/(\d+)\s*\S{0,2}\s*=")
"""A scale note whose marks OCR lost (``SCALE: 1/2 = 1-0``, ``SCALE: 1/8 =``): a fraction of an inch to the foot,
as architectural scales are written."""
_TYPICAL_IN = {cls: (lo * hi) ** 0.5 for cls, (lo, hi) in LONG_SIDE_IN.items()}


ARCHITECTURAL_IN_PER_FT = (1 / 32, 1 / 16, 3 / 32, 1 / 8, 3 / 16, 1 / 4, 3 / 8, 1 / 2, 3 / 4, 1.0, 1.5, 3.0)
"""The architect's scales (paper inches to the foot). A scanned note reading another (``2/16``, ``5/16``) is an
OCR misreading of one of them, and is not taken as the sheet's scale."""


def _architectural(whole: float, num: float, den: float) -> bool:
    """Whether ``whole num/den`` inches is an architect's scale, written as one (``3/16``, not ``6/32``)."""
    if den and math.gcd(int(num), int(den)) != 1:
        return False
    paper_in = whole + (num / den if den else num)
    return any(abs(paper_in - known) < 1e-6 for known in ARCHITECTURAL_IN_PER_FT)


def _imperial(match: re.Match[str], standard_only: bool = False) -> float | None:
    whole, num, den, feet, inches = match.groups()
    paper_in = float(num) / float(den) if den else float(num)
    paper_in += float(whole) if whole else 0.0
    building_in = float(feet) * 12 + (float(inches) if inches else 0.0)
    if paper_in <= 0 or building_in <= 0:
        return None
    written = (float(whole or 0), float(num), float(den or 0))
    if standard_only and building_in == 12 and not _architectural(*written):
        return None
    return 72.0 * paper_in / building_in


def parse_plot_scale(words: list[Word], read: bool = False) -> float | None:
    """Points of paper per building inch from the sheet's scale notes (the most frequent one), or None.

    A ``SCALE`` note whose inch and foot marks OCR lost still counts, read as a fraction of an inch to the foot.
    Words ``read`` by OCR count only for the architect's scales (:data:`ARCHITECTURAL_IN_PER_FT`) when the note
    is in inches to the foot; a drawing's text layer is taken as written.
    """
    found: Counter[float] = Counter()
    for _box, text in text_lines(words):
        matches = _IMPERIAL.finditer(text)
        values = [v for v in (_imperial(m, read) for m in matches) if v is not None and 0.05 <= v <= 12.0]
        for value in values:
            found[round(value, 4)] += 2 if "SCALE" in text.upper() else 1
        if "SCALE" in text.upper():
            for match in [] if values else _SCALE_NOTE.finditer(text.upper()):
                whole, num, den = (float(g) if g else 0.0 for g in match.groups())
                if den and 0 < num / den + whole <= 3 and (not read or _architectural(whole, num, den)):
                    found[round(6.0 * (num / den + whole), 4)] += 1
            for match in _METRIC.finditer(text):
                ratio = int(match.group(1))
                if 5 <= ratio <= 1000:
                    found[round(72.0 / ratio, 4)] += 1
    return found.most_common(1)[0][0] if found else None


def estimate_scale(sized: Iterable[tuple[str, float]], minimum: int = 3) -> float | None:
    """Points per building inch implied by recognised fixtures ``(class, longer side in points)``, or None.

    Needs ``minimum`` to-scale fixtures whose implied scales mostly agree (within ±35 % of their median).
    """
    implied = np.array([size / _TYPICAL_IN[cls] for cls, size in sized if cls in _TYPICAL_IN], dtype=np.float64)
    if len(implied) < minimum:
        return None
    median = float(np.median(implied))
    agree = np.abs(implied / median - 1.0) <= 0.35
    return median if agree.mean() >= 0.6 else None


def plausible(fixture_class: str, long_pt: np.ndarray, pt_per_in: float | None) -> np.ndarray:
    """Whether symbols of these sizes (points) can be this fixture at this scale (all True when unknown)."""
    sizes = np.asarray(long_pt, dtype=np.float64)
    if pt_per_in is None:
        return np.ones(sizes.shape, dtype=bool)
    if fixture_class in SYMBOLIC_PT:
        lo, hi = SYMBOLIC_PT[fixture_class]
        rlo, rhi = SYMBOLIC_IN[fixture_class]
        return ((sizes >= lo) & (sizes <= hi)) | ((sizes >= rlo * pt_per_in) & (sizes <= rhi * pt_per_in))
    if fixture_class not in LONG_SIDE_IN:
        return np.ones(sizes.shape, dtype=bool)
    lo, hi = LONG_SIDE_IN[fixture_class]
    return (sizes >= lo * pt_per_in) & (sizes <= hi * pt_per_in)
