"""Page-level symbol search: prepare the page's pixels, take exemplars from its legend, match candidates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelineos.takeoff.inputs import LoadedPage, render_clips
from pipelineos.takeoff.layout import Box, text_lines
from pipelineos.takeoff.leaders import cut_bridges
from pipelineos.takeoff.raster import (
    SCAN_WALL_MARGIN_PX,
    Candidates,
    binarize,
    extract_candidates,
    flush_reach,
    remove_long_lines,
    straightened,
)
from pipelineos.takeoff.schedule import class_from_text, normalize_tag
from pipelineos.takeoff.skew import unrotate_box
from pipelineos.takeoff.symbols.annotations import erase_annotations
from pipelineos.takeoff.symbols.sharpen import sharpen, sharpen_scan
from pipelineos.takeoff.templates import TemplateSet

MIN_SYMBOL_PT = 8.0
SMALLEST_FIXTURE_IN = 12.0
"""Longer side of the smallest plan symbol drawn to scale (a wall-hung urinal or a drinking fountain), in building
inches: at 1/16" to the foot (a large building's overall plan, or a half-size print of a 1/8" set) it is
4.5 points, below MIN_SYMBOL_PT, and the smallest candidate kept follows it down."""
MAX_SYMBOL_PT = 200.0
LONG_LINE_PT = 120.0
"""Straight runs longer than this (points) are walls or borders, when the sheet's scale is unknown."""
LEADER_TAIL_PT = 8.0
"""On scans, a run of rows holding only a thin line this long (points) is a tag leader, cut off its symbol."""
LARGEST_FIXTURE_IN = 72.0
"""Longer side of the largest plan symbol worth finding (a 6 ft tub or shower), in building inches. A straight
run well beyond it is a wall: at 3/8" to the foot an 8 ft run of wall between two doors had been kept, and the
shower standing against it was cut out with it."""
LEGEND_COLUMN_MIN = 3
"""Labelled symbols in one column that make a legend anywhere on the sheet."""
LABEL_GAP_PT = 72.0
"""Outside legend regions, a label at most this far (or two symbol widths) right of its symbol (points)."""
LABEL_ALIGN_PT = 3.0
"""How far apart the left edges of one legend column's labels may be."""


@dataclass
class PreparedPage:
    """Symbol candidates of one page with their boxes in page points."""

    candidates: Candidates
    boxes_pt: np.ndarray
    skew: float


def symbol_limits(pt_per_in: float | None) -> tuple[float, float, float]:
    """(longest straight run kept, largest candidate, smallest candidate) in points: from the sheet's scale
    when known.

    Anything straight and longer than the largest fixture is a wall; without a scale a middle value is used,
    and the largest candidate is left generous. The smallest candidate is MIN_SYMBOL_PT, or the smallest
    fixture at a scale that draws it smaller (see SMALLEST_FIXTURE_IN).
    """
    if pt_per_in is None:
        return LONG_LINE_PT, MAX_SYMBOL_PT, MIN_SYMBOL_PT
    largest = min(400.0, max(40.0, 1.25 * LARGEST_FIXTURE_IN * pt_per_in))
    return largest, largest, min(MIN_SYMBOL_PT, SMALLEST_FIXTURE_IN * pt_per_in)


@dataclass
class PageInk:
    """A page's ink without its annotations, deskewed (scans), and the skew removed (degrees)."""

    ink: np.ndarray
    skew: float


def page_ink(page: LoadedPage) -> PageInk:
    """Binarize, erase words and tag leaders (vector pages), and deskew (scans): what any scale starts from.

    A scan is deskewed in gray and binarized again (see :func:`pipelineos.takeoff.raster.straightened`).
    """
    ink = erase_annotations(binarize(page.gray, page.is_vector), page)
    skew = 0.0
    if not page.is_vector:
        ink, skew = straightened(page.gray, ink, 255)
    return PageInk(ink, skew)


def prepare(page: LoadedPage, pt_per_in: float | None = None, cleaned: PageInk | None = None) -> PreparedPage:
    """Strip walls and long lines from the page's ink and cut it into candidates.

    ``pt_per_in`` (the sheet's scale, when known) sets what counts as a wall (see :func:`symbol_limits`);
    ``cleaned`` is the page's :func:`page_ink`, when already computed (a page read at a second scale).
    """
    cleaned = cleaned if cleaned is not None else page_ink(page)
    ink, skew = cleaned.ink, cleaned.skew
    p = page.px_per_pt
    long_line, largest, smallest = symbol_limits(pt_per_in)
    kept = remove_long_lines(ink, max(20, int(long_line * p)), 0 if page.is_vector else SCAN_WALL_MARGIN_PX)
    tail = 0 if page.is_vector else round(LEADER_TAIL_PT * p)
    flush = flush_reach(page.is_vector)
    erased = ink - kept
    if tail:
        kept = cut_bridges(kept, tail)
    candidates = extract_candidates(
        kept, smallest * p, largest * p, gap=1, erased=erased, tail_px=tail, flush_px=flush, both_readings=True
    )
    if page.is_vector:
        sharpen(page, candidates)
    else:
        sharpen_scan(page, candidates, skew)
    boxes = candidates.boxes
    if skew and len(boxes):
        boxes = np.array([unrotate_box(tuple(b), skew, kept.shape) for b in boxes])
    return PreparedPage(candidates, boxes / p if len(boxes) else boxes, skew)


def _sharp_ink(gray: np.ndarray) -> np.ndarray | None:
    """The largest symbol of a high-resolution render of a legend entry, as binary ink."""
    found = extract_candidates(binarize(gray, True), 8, max(gray.shape) + 1, gap=1)
    if len(found) == 0:
        return None
    sizes = (found.boxes[:, 2] - found.boxes[:, 0]) * (found.boxes[:, 3] - found.boxes[:, 1])
    return found.crops[int(np.argmax(sizes))]


def _labelled(page: LoadedPage, boxes: np.ndarray, area: Box | None) -> list[tuple[int, str, float, float]]:
    """(candidate, class, label left, label top) for each label naming a fixture with a symbol just left of it.

    Only labels starting inside ``area`` count (anywhere on the sheet when it is None).
    """
    centers_y = (boxes[:, 1] + boxes[:, 3]) / 2
    half = np.maximum((boxes[:, 3] - boxes[:, 1]) / 2, 8.0)
    inside = np.ones(len(boxes), dtype=bool)
    if area is not None:
        cx = (boxes[:, 0] + boxes[:, 2]) / 2
        inside = (cx >= area[0]) & (cx <= area[2]) & (centers_y >= area[1]) & (centers_y <= area[3])
    pairs = []
    for (lx0, ly0, _lx1, ly1), text in text_lines(page.words):
        cls = None if normalize_tag(text) is not None else class_from_text(text)
        if cls is None or (area is not None and not (area[0] <= lx0 <= area[2] and area[1] <= ly0 <= area[3])):
            continue
        ok = inside & (boxes[:, 2] <= lx0 + 2) & (np.abs(centers_y - (ly0 + ly1) / 2) <= half)
        if area is None:
            ok &= boxes[:, 2] >= lx0 - np.maximum(2 * (boxes[:, 2] - boxes[:, 0]), LABEL_GAP_PT)
        if ok.any():
            pairs.append((int(np.flatnonzero(ok)[np.argmax(boxes[ok, 2])]), cls, float(lx0), float(ly0)))
    return pairs


def _legend_entries(page: LoadedPage, regions: list[Box], boxes: np.ndarray, others: list[Box]) -> dict[int, str]:
    """Candidate index → fixture class for each symbol drawn left of a legend label that names a fixture.

    Inside the legend regions one such pair is enough. Elsewhere on the sheet (a legend without a frame or
    heading the layout found) it takes a column of them: at least LEGEND_COLUMN_MIN labels starting at one
    left edge, naming at least two different fixtures. A plan does not label its fixtures that way; a schedule
    does (tag, then description), so labels inside ``others`` (the page's other reference regions) are left out.
    """
    entries: dict[int, str] = {}
    for region in regions:
        entries.update((pick, cls) for pick, cls, _, _ in _labelled(page, boxes, region))
    outside = [
        p
        for p in _labelled(page, boxes, None)
        if p[0] not in entries and not any(b[0] <= p[2] <= b[2] and b[1] <= p[3] <= b[3] for b in others)
    ]
    loose = sorted(((pick, cls, x) for pick, cls, x, _ in outside), key=lambda p: p[2])
    column: list[tuple[int, str, float]] = []
    for pair in [*loose, None]:
        if pair is None or (column and pair[2] - column[0][2] > LABEL_ALIGN_PT):
            if len(column) >= LEGEND_COLUMN_MIN and len({cls for _, cls, _ in column}) >= 2:
                entries.update((pick, cls) for pick, cls, _ in column)
            column = []
        if pair is not None:
            column.append(pair)
    return entries


def legend_templates(
    page: LoadedPage, regions: list[Box], prepared: PreparedPage, others: list[Box] | None = None
) -> tuple[TemplateSet, set[int]]:
    """Exemplars read from the legend (``regions``, or a labelled column outside ``others``), and the
    candidates they came from.

    On vector pages each legend symbol is re-rendered sharp; on scans (a scanned PDF included: rendering its
    image larger adds no detail) its ink as the page's candidates are cut is used. The candidates returned
    include every reading of a legend symbol (see :meth:`Candidates.readings`).
    """
    templates = TemplateSet()
    boxes = prepared.boxes_pt
    if not len(boxes):
        return templates, set()
    entries = _legend_entries(page, regions, boxes, others or [])
    pad = 1.0
    clips = [(b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad) for b in (boxes[i] for i in entries)]
    renders = render_clips(page, clips)
    for k, (pick, cls) in enumerate(entries.items()):
        sharp = _sharp_ink(renders[k]) if renders else None
        templates.add_drawing(cls, sharp if sharp is not None else prepared.candidates.crops[pick], "legend")
    return templates, prepared.candidates.readings(set(entries))
