"""Sheet classification and page regions: sheet number, title, discipline, kind, legend/schedule/title block.

Regions are where reference symbols live (legends, schedules, details, title blocks): detections whose centre
falls inside one are not installed fixtures and are never counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np

from pipelineos.takeoff.inputs import LoadedPage
from pipelineos.takeoff.pdfpage import Word

Box = tuple[float, float, float, float]
SHEET_RE = re.compile(r"^(FP|FA|PL|[PMEASCLGIT])-?(\d{1,3}(?:\.\d{1,2})?[A-Z]?)$")
DISCIPLINES = {
    "P": "plumbing",
    "PL": "plumbing",
    "M": "mechanical",
    "E": "electrical",
    "A": "architectural",
    "S": "structural",
    "C": "civil",
    "L": "landscape",
    "FP": "fire_protection",
    "FA": "fire_alarm",
    "G": "general",
    "I": "interiors",
    "T": "telecom",
}
TITLE_WORDS = (
    "PLAN",
    "SCHEDULE",
    "RISER",
    "ISOMETRIC",
    "DETAIL",
    "DIAGRAM",
    "ELEVATION",
    "SECTION",
    "LEGEND",
    "NOTES",
    "COVER",
)
REGION_KEYWORDS = {
    "legend": ("LEGEND", "SYMBOLS"),
    "details": ("DETAIL", "DETAILS"),
    "schedule": ("SCHEDULE",),
}
SKEW_SLACK = 0.035
EXCLUDED_REGIONS = ("legend", "schedule", "title_block", "details", "info_column")


@dataclass
class Layout:
    """What the sheet is and where its reference areas are (boxes in points)."""

    sheet_number: str | None = None
    sheet_title: str | None = None
    discipline: str | None = None
    kind: str | None = None
    regions: dict[str, list[Box]] = field(default_factory=dict)


def text_lines(words: list[Word]) -> list[tuple[Box, str]]:
    """Words grouped into the text lines PyMuPDF found, each with its box."""
    groups: dict[tuple[int, int], list[Word]] = {}
    for word in words:
        groups.setdefault((word[5], word[6]), []).append(word)
    lines = []
    for members in groups.values():
        members.sort(key=lambda w: w[0])
        box = (
            min(w[0] for w in members),
            min(w[1] for w in members),
            max(w[2] for w in members),
            max(w[3] for w in members),
        )
        lines.append((box, " ".join(w[4] for w in members)))
    return lines


def find_sheet_number(words: list[Word], width: float, height: float) -> str | None:
    """The sheet number: the tallest sheet-number-shaped word, preferring the bottom-right of the sheet."""
    best: tuple[float, str] | None = None
    for x0, y0, _x1, y1, text, *_ in words:
        match = SHEET_RE.match(text.strip().upper())
        if not match:
            continue
        score = (y1 - y0) * (1.5 if x0 > 0.6 * width and y0 > 0.5 * height else 1.0)
        if best is None or score > best[0]:
            best = (score, f"{match.group(1)}-{match.group(2)}")
    return best[1] if best and best[0] >= 9 else None


def find_title(lines: list[tuple[Box, str]], height: float | None = None) -> str | None:
    """The sheet title: the tallest text line that names a drawing type (PLAN, SCHEDULE, RISER …).

    With the page ``height``, lines in the lower half (where title blocks are) count half as tall again, so a
    legend or schedule heading of similar size at the top of the sheet does not pass for its title (OCR'd word
    heights vary by a few points).
    """
    best: tuple[float, str] | None = None
    for (_x0, y0, _x1, y1), text in lines:
        upper = text.upper()
        if any(word in upper for word in TITLE_WORDS) and len(upper) >= 8 and not upper.startswith(("1 ", "NOTE")):
            score = (y1 - y0) * (1.5 if height is not None and y0 > 0.5 * height else 1.0)
            if best is None or score > best[0]:
                best = (score, text.strip())
    return best[1] if best else None


def classify(sheet_number: str | None, title: str | None) -> tuple[str | None, str | None]:
    """Discipline and kind (plan, schedule, riser, detail) from the sheet number and title."""
    upper = (title or "").upper()
    discipline = None
    if sheet_number:
        discipline = DISCIPLINES.get(sheet_number.split("-")[0])
    if "PLUMBING" in upper or "SANITARY" in upper or "DOMESTIC WATER" in upper:
        discipline = "plumbing"
    kind = None
    if "RISER" in upper or "ISOMETRIC" in upper or "DIAGRAM" in upper:
        kind = "riser"
    elif "DETAIL" in upper:
        kind = "detail"
    elif "SCHEDULE" in upper and "PLAN" not in upper:
        kind = "schedule"
    elif "PLAN" in upper:
        kind = "plan"
    return discipline, kind


def _line_positions(mask: np.ndarray, axis: int, fraction: float) -> list[int]:
    length = max(3, int(mask.shape[axis] * fraction))
    kernel = np.ones((length, 1) if axis == 0 else (1, length), np.uint8)
    opened = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    hits = np.flatnonzero(opened.any(axis=axis))
    return [int(v) for v in hits]


def _last_band(values: list[int], slack: int) -> float:
    """Far end of the last run of consecutive positions, less the dilation slack."""
    return float(values[-1] - slack // 2)


def info_column(gray: np.ndarray) -> tuple[str, Box] | None:
    """The sheet-information strip (title block column on the right or strip at the bottom), in pixels.

    Found as a line spanning most of the sheet; lines are searched with ±2° of slack so skewed scans work.
    """
    step = 4
    small = (cv2.erode(gray, np.ones((step, step), np.uint8))[::step, ::step] < 128).astype(np.uint8)
    h, w = small.shape
    slack = 1 + 2 * int(0.6 * max(h, w) * SKEW_SLACK)
    xs = [
        x for x in _line_positions(cv2.dilate(small, np.ones((1, slack), np.uint8)), 0, 0.6) if 0.55 * w < x < 0.95 * w
    ]
    if xs:
        return "right", (_last_band(xs, slack) * step, 0.0, float(w * step), float(h * step))
    ys = [
        y for y in _line_positions(cv2.dilate(small, np.ones((slack, 1), np.uint8)), 1, 0.6) if 0.65 * h < y < 0.95 * h
    ]
    if ys:
        return "bottom", (0.0, _last_band(ys, slack) * step, float(w * step), float(h * step))
    return None


def _enclosing_frame(box: Box, frames: list[Box], limit: float) -> Box | None:
    x0, y0, x1, y1 = box
    inside = [f for f in frames if f[0] <= x0 + 1 and f[1] <= y0 + 1 and f[2] >= x1 - 1 and f[3] >= y1 - 1]
    inside = [f for f in inside if (f[2] - f[0]) * (f[3] - f[1]) < limit]
    return min(inside, key=lambda f: (f[2] - f[0]) * (f[3] - f[1])) if inside else None


def keyword_regions(page: LoadedPage) -> dict[str, list[Box]]:
    """Legend, detail and schedule frames found by their titles on a vector page (points)."""
    regions: dict[str, list[Box]] = {}
    limit = 0.25 * page.width_pt * page.height_pt
    for box, text in text_lines(page.words):
        upper = text.upper()
        for name, keys in REGION_KEYWORDS.items():
            if any(re.search(rf"\b{key}\b", upper) for key in keys) and len(upper) < 60:
                frame = _enclosing_frame(box, page.frames, limit)
                if frame is not None:
                    regions.setdefault(name, []).append(frame)
    return regions


def heading_regions(lines: list[tuple[Box, str]], column: Box) -> dict[str, list[Box]]:
    """Legend, schedule and detail areas of an information strip, each from its heading to the next (points).

    A scan has no frame rectangles to enclose them; its OCR'd headings (PLUMBING LEGEND, FIXTURE SCHEDULE …)
    split the strip instead.
    """
    cx0, cy0, cx1, cy1 = column
    heads: list[tuple[float, str]] = []
    for (x0, y0, _x1, _y1), text in lines:
        upper = text.upper()
        if not cx0 - 2 <= x0 <= cx1 or len(upper) >= 60:
            continue
        name = next(
            (n for n, keys in REGION_KEYWORDS.items() if any(re.search(rf"\b{k}\b", upper) for k in keys)), None
        )
        if name is not None:
            heads.append((y0, name))
    heads.sort()
    regions: dict[str, list[Box]] = {}
    for i, (top, name) in enumerate(heads):
        bottom = heads[i + 1][0] - 1.0 if i + 1 < len(heads) else cy1
        regions.setdefault(name, []).append((cx0, max(cy0, top - 2.0), cx1, bottom))
    return regions


def analyze_layout(page: LoadedPage) -> Layout:
    """Classify the sheet and find its reference regions (points)."""
    layout = Layout()
    lines = text_lines(page.words)
    layout.sheet_number = find_sheet_number(page.words, page.width_pt, page.height_pt)
    layout.sheet_title = find_title(lines, page.height_pt)
    layout.discipline, layout.kind = classify(layout.sheet_number, layout.sheet_title)
    column = info_column(page.gray)
    if column is not None:
        x0, y0, x1, y1 = (v / page.px_per_pt for v in column[1])
        layout.regions["info_column"] = [(x0, y0, x1, y1)]
        if not page.is_vector:
            layout.regions.update(heading_regions(lines, (x0, y0, x1, y1)))
    for name, boxes in keyword_regions(page).items():
        layout.regions.setdefault(name, []).extend(boxes)
    if layout.sheet_number:
        for x0, y0, x1, y1, text, *_ in page.words:
            if text.upper().replace("-", "") == layout.sheet_number.replace("-", ""):
                frame = _enclosing_frame((x0, y0, x1, y1), page.frames, 0.3 * page.width_pt * page.height_pt)
                layout.regions["title_block"] = [frame or (x0 - 20, y0 - 20, x1 + 20, y1 + 20)]
    return layout


def in_regions(
    center: tuple[float, float], regions: dict[str, list[Box]], names: tuple[str, ...] = EXCLUDED_REGIONS
) -> bool:
    """Whether a point lies in any of the named regions."""
    cx, cy = center
    return any(x0 <= cx <= x1 and y0 <= cy <= y1 for name in names for x0, y0, x1, y1 in regions.get(name, []))
