"""Tags and symbols of one page, recognised at one assumed drawing scale.

Written tags name fixtures directly and lend their symbols as exemplars; the legend lends its symbols; symbol
search then matches every candidate against the user's, the legend's, the tagged and the built-in templates.
The scale decides what counts as a wall, so a scan whose scale was only learnt from its fixtures is read again
at that scale (see :func:`recognize`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipelineos.takeoff.inputs import LoadedPage
from pipelineos.takeoff.layout import Box, in_regions
from pipelineos.takeoff.models import Detection, ScheduleRow
from pipelineos.takeoff.symbols.detect import detect_symbols
from pipelineos.takeoff.symbols.library import builtin_templates
from pipelineos.takeoff.symbols.search import PageInk, PreparedPage, legend_templates, page_ink, prepare, symbol_limits
from pipelineos.takeoff.tags import associate, find_tags
from pipelineos.takeoff.templates import BANDS, TemplateSet, combined

MAX_TAGGED_EXEMPLARS = 6
EXEMPLARS_PER_TAG = 2
"""Tagged symbols kept as exemplars: a couple per tag (one tag, one symbol), a few per class."""
LIBRARY_THRESHOLD_WITH_VOCABULARY = 0.78
"""A drawing whose exemplars, legend or tags show its own symbols needs stronger evidence for library-only
classes."""
LIBRARY_THRESHOLD_FOR_SHOWN = 0.86
"""The classes the drawing shows its own symbol for are found in the library only when nearly identical: one
office draws one block per fixture, and the drawing's own exemplar already covers it."""
THRESHOLDS = {"user": 0.7, "legend": 0.72, "tagged": 0.76, "page": 0.76, "library": 0.62}
RESCAN_RATIO = 1.3
"""Read a page again when the scale its fixtures show moves the wall threshold by more than this factor."""


def _beyond_detail(vocabulary: set[str], shown: tuple[TemplateSet, ...]) -> dict[str, float]:
    """Library thresholds for the sizes at which none of the drawing's own symbols of a class shows its detail.

    A scanned legend draws its symbols smaller than the plan may: at larger sizes its symbol has lost the inner
    lines the plan's fixtures show, so it neither matches them nor vouches against the library there. At those
    sizes the class the drawing does show is found in the library at its usual threshold.
    """
    out: dict[str, float] = {}
    for cls in vocabulary:
        detailed = 0
        for templates in shown:
            detailed |= templates.detail.get(cls, 0)
        for band in range(len(BANDS)):
            if not detailed >> band & 1:
                out[f"library:{cls}:{band}"] = THRESHOLDS["library"]
    return out


def _center(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


@dataclass
class _Tagged:
    """What the written tags gave: detections, exemplars of the tagged symbols, and their sizes (points)."""

    detections: list[Detection] = field(default_factory=list)
    templates: TemplateSet = field(default_factory=TemplateSet)
    sizes: list[tuple[str, float]] = field(default_factory=list)


def _tag_pass(
    page: LoadedPage, prepared: PreparedPage, schedule: list[ScheduleRow], regions: dict[str, list[Box]]
) -> _Tagged:
    """Each written tag paired with its symbol. A tagged symbol lends its ink as an exemplar, in every reading
    of it (with and without a wall face as its back edge: see
    :attr:`pipelineos.takeoff.raster.Candidates.symbols`)."""
    boxes = prepared.boxes_pt
    eligible = np.array([not in_regions(_center(tuple(b)), regions) for b in boxes], dtype=bool)
    out = _Tagged()
    per_class: dict[str, int] = {}
    per_tag: dict[str, int] = {}
    tags = find_tags(page.words, schedule, regions)
    for hit in associate(tags, boxes, eligible, page.lines, prepared.candidates.symbols):
        box = tuple(boxes[hit.candidate]) if hit.candidate is not None else hit.box
        if hit.candidate is not None:
            out.sizes.append((hit.fixture_class, max(box[2] - box[0], box[3] - box[1])))
            if (
                per_tag.get(hit.tag, 0) < EXEMPLARS_PER_TAG
                and per_class.get(hit.fixture_class, 0) < MAX_TAGGED_EXEMPLARS
            ):
                per_tag[hit.tag] = per_tag.get(hit.tag, 0) + 1
                per_class[hit.fixture_class] = per_class.get(hit.fixture_class, 0) + 1
                for reading in sorted(prepared.candidates.readings({hit.candidate})):
                    out.templates.add_drawing(hit.fixture_class, prepared.candidates.crops[reading], "tagged")
        confidence = 0.9 if hit.candidate is not None else 0.7
        out.detections.append(
            Detection(hit.fixture_class, page.normalized(box), confidence, "text_tag", page.index, hit.tag)
        )
    return out


@dataclass
class Recognition:
    """Fixtures found by tags and symbols, and the scale (points per building inch) they were judged at."""

    detections: list[Detection]
    pt_per_in: float | None
    legend: TemplateSet = field(default_factory=TemplateSet)
    """The exemplars the page's own legend gave (empty when it has none)."""


def _recognize_at(
    page: LoadedPage,
    user: TemplateSet,
    schedule: list[ScheduleRow],
    regions: dict[str, list[Box]],
    scale: float | None,
    cleaned: PageInk,
    noted: float | None = None,
    prepared: PreparedPage | None = None,
) -> Recognition:
    prepared = prepared if prepared is not None else prepare(page, scale, cleaned)
    others = [box for boxes in regions.values() for box in boxes]
    legend, legend_used = legend_templates(
        page, regions.get("legend") or regions.get("info_column", []), prepared, others
    )
    tagged = _tag_pass(page, prepared, schedule, regions)
    templates = combined(user, legend, tagged.templates, builtin_templates())
    thresholds = dict(THRESHOLDS)
    vocabulary = {*user.fixture_classes, *legend.fixture_classes, *tagged.templates.fixture_classes}
    if vocabulary:
        thresholds["library"] = LIBRARY_THRESHOLD_WITH_VOCABULARY
        thresholds.update({f"library:{cls}": LIBRARY_THRESHOLD_FOR_SHOWN for cls in vocabulary})
        thresholds.update(_beyond_detail(vocabulary, (user, legend, tagged.templates)))
    symbols = detect_symbols(
        page,
        prepared,
        templates,
        thresholds,
        regions,
        skip=legend_used,
        noted_scale=scale if noted is None else noted,
        tagged_sizes=tagged.sizes,
    )
    return Recognition(tagged.detections + symbols.detections, symbols.pt_per_in, legend)


def recognize(
    page: LoadedPage,
    user: TemplateSet,
    schedule: list[ScheduleRow],
    regions: dict[str, list[Box]],
    noted_scale: float | None,
    unscaled: tuple[PageInk, PreparedPage] | None = None,
) -> Recognition:
    """Tag and symbol detections of a page, read at its noted scale, or again at the scale its fixtures show.

    On a scan the note was read by OCR, which may misread a digit (``9/16`` for ``3/16``): the page is first read
    without it, the note only competing with what the fixtures measure (see
    :func:`pipelineos.takeoff.symbols.detect.detect_symbols`), and read again at the scale that wins.
    ``unscaled`` is a scan's ink and its candidates cut at no scale, when already prepared (while OCR ran).
    """
    cleaned = unscaled[0] if unscaled is not None else page_ink(page)
    trusted = noted_scale if page.is_vector else None
    early = unscaled[1] if unscaled is not None and trusted is None else None
    first = _recognize_at(page, user, schedule, regions, trusted, cleaned, noted_scale, early)
    if trusted is not None or first.pt_per_in is None:
        return first
    wall_now, wall_then = symbol_limits(None)[0], symbol_limits(first.pt_per_in)[0]
    if max(wall_now, wall_then) / min(wall_now, wall_then) <= RESCAN_RATIO:
        return first
    return _recognize_at(page, user, schedule, regions, first.pt_per_in, cleaned)
