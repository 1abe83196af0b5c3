"""Symbol search on one prepared page: match every candidate, learn the sheet's scale, keep plausible sizes.

Matching runs once without size knowledge; the scale then comes from the sheet's scale note, or from the
fixtures recognised with confidence (tagged ones included), and the decision is taken again with each class
limited to candidates of a plausible size. The matches beyond doubt then lend their ink as exemplars of the
page's own drawing style (:func:`page_exemplars`) and the decision is taken a last time. The expensive score
matrix is computed once; the page's own exemplars only add their columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from pipelineos.takeoff.fusion import nms
from pipelineos.takeoff.inputs import LoadedPage
from pipelineos.takeoff.layout import Box, in_regions
from pipelineos.takeoff.matcher import Match, Matcher, agreements
from pipelineos.takeoff.models import Detection
from pipelineos.takeoff.scale import estimate_scale
from pipelineos.takeoff.symbols.search import PreparedPage
from pipelineos.takeoff.templates import TemplateSet

CONFIDENT_MARGIN = 0.08
"""A match this far ahead of every rival is trusted to measure the sheet's scale."""
SCALE_DISAGREEMENT = 1.6
"""A scale note this far from what the fixtures measure is taken to belong to another drawing on the sheet."""
PAGE_EXEMPLAR_MARGIN = 0.1
"""A library (or agreed) match this far ahead of every rival lends its ink as an exemplar of the page's own
drawing style."""
DRAWN_EXEMPLAR_MARGIN = 0.04
"""The same for a match with the drawing's own exemplars (user, legend, tags): already the drawing's symbol, it
need only lead as far as any decision must (the matcher's margin)."""
PAGE_EXEMPLARS_PER_CLASS = 3
PAGE_EXEMPLAR_SPREAD = 0.15
"""A match scoring this much less than the class's best candidate exemplar on the page is not taken: the
page's instances of one fixture are one block, and a far weaker match is another symbol that merely leads."""
SETTLING_LEAD = PAGE_EXEMPLAR_MARGIN
"""The most of a match's lead that counts when two readings of one symbol are settled: a lead beyond doubt."""
AGREEMENT_FLOOR = 0.55
"""Least score in both the drawing's and the library's templates for an agreed candidate to lend its ink."""


@dataclass
class SymbolResult:
    """Detections from symbol search and the scale (points per building inch) they were judged at."""

    detections: list[Detection]
    pt_per_in: float | None


def _long_sides(boxes_pt: np.ndarray) -> np.ndarray:
    if not len(boxes_pt):
        return np.zeros(0)
    return np.maximum(boxes_pt[:, 2] - boxes_pt[:, 0], boxes_pt[:, 3] - boxes_pt[:, 1])


def _center(box: np.ndarray) -> tuple[float, float]:
    return (float(box[0]) + float(box[2])) / 2, (float(box[1]) + float(box[3])) / 2


def page_exemplars(hits: list[Match], prepared: PreparedPage) -> TemplateSet:
    """The page's own drawings of the fixtures it shows beyond doubt, as ``page`` templates.

    Every instance of a fixture on one sheet is the same block, drawn with the same pen and scanned with the
    same noise; an exemplar from the user (cut at another resolution) or the library (another office's
    convention) matches it less well than one of its twins does. So the few matches furthest ahead of every
    rival lend their ink, and the page is matched again against itself.

    Tagged symbols lend their ink too: the few tagged exemplars per class miss poses and pen weights that the
    page's clearest matches show. A match far weaker than its class's best does not (see PAGE_EXEMPLAR_SPREAD).
    """
    own = TemplateSet()
    taken: dict[str, int] = {}
    eligible = [
        hit
        for hit in hits
        if hit.margin >= (PAGE_EXEMPLAR_MARGIN if hit.source in ("library", "agreement") else DRAWN_EXEMPLAR_MARGIN)
    ]
    best: dict[str, float] = {}
    for hit in eligible:
        best[hit.fixture_class] = max(best.get(hit.fixture_class, 0.0), hit.score)
    for hit in sorted(eligible, key=lambda h: -h.margin):
        if hit.score < best[hit.fixture_class] - PAGE_EXEMPLAR_SPREAD:
            continue
        if taken.get(hit.fixture_class, 0) >= PAGE_EXEMPLARS_PER_CLASS:
            continue
        if own.add_drawing(hit.fixture_class, prepared.candidates.crops[hit.index], "page"):
            taken[hit.fixture_class] = taken.get(hit.fixture_class, 0) + 1
    return own


def scale_evidence(
    hits: list[Match], boxes_pt: np.ndarray, skip: set[int], regions: dict[str, list[Box]]
) -> list[tuple[str, float]]:
    """(class, longer side in points) of the plan's fixtures recognised with confidence: what measures the
    sheet's scale. Legend entries (``skip``) and symbols in reference regions are drawn at whatever size the
    legend uses, all alike, and are left out."""
    sizes = _long_sides(boxes_pt)
    return [
        (h.fixture_class, float(sizes[h.index]))
        for h in hits
        if h.margin >= CONFIDENT_MARGIN and h.index not in skip and not in_regions(_center(boxes_pt[h.index]), regions)
    ]


def _choose_scale(noted: float | None, measured: float | None) -> float | None:
    if noted is None or measured is None:
        return noted if measured is None else measured
    ratio = max(noted, measured) / min(noted, measured)
    return measured if ratio > SCALE_DISAGREEMENT else noted


def _confidence(hit: Match, thresholds: dict[str, float]) -> float:
    return round(min(0.99, 0.55 + (hit.score - thresholds[hit.source]) + hit.margin), 3)


def settle_readings(hits: list[Match], symbols: np.ndarray | None, thresholds: dict[str, float]) -> list[Match]:
    """One match per symbol where two readings of it both matched (see :attr:`Candidates.symbols`): the one
    that scores further above its source's threshold, plus its lead up to SETTLING_LEAD. A lead beyond that
    says no more: a reading that drew the wall's face lends the symbol the look of another class, and may lead
    that class by far more than the true reading leads its own."""
    if symbols is None:
        return hits
    best: dict[int, Match] = {}
    for hit in hits:
        key = int(symbols[hit.index])
        held = best.get(key)
        if held is None or _settling(hit, thresholds) > _settling(held, thresholds):
            best[key] = hit
    kept = {id(hit) for hit in best.values()}
    return [hit for hit in hits if id(hit) in kept]


def _settling(hit: Match, thresholds: dict[str, float]) -> tuple[float, float]:
    return (round(hit.score - thresholds[hit.source] + min(hit.margin, SETTLING_LEAD), 3), hit.margin)


def detect_symbols(
    page: LoadedPage,
    prepared: PreparedPage,
    templates: TemplateSet,
    thresholds: dict[str, float],
    regions: dict[str, list[Box]],
    *,
    skip: set[int],
    noted_scale: float | None = None,
    tagged_sizes: Iterable[tuple[str, float]] = (),
) -> SymbolResult:
    """Fixtures found by their symbols, outside reference regions and the ``skip`` candidates (legend entries)."""
    candidates = prepared.candidates
    sizes = _long_sides(prepared.boxes_pt)
    matcher = Matcher(candidates, templates, thresholds)
    hits = matcher.decide()
    measured = estimate_scale([*scale_evidence(hits, prepared.boxes_pt, skip, regions), *tagged_sizes])
    scale = _choose_scale(noted_scale, measured)
    if scale is not None:
        hits = matcher.decide(sizes, scale)
    matched = {h.index for h in hits}
    counted = [
        h
        for h in [*hits, *agreements(matcher, matched, PAGE_EXEMPLAR_MARGIN, AGREEMENT_FLOOR)]
        if h.index not in skip and not in_regions(_center(prepared.boxes_pt[h.index]), regions)
    ]
    own = page_exemplars(counted, prepared)
    if len(own):
        matcher.extend(own)
        hits = matcher.decide(sizes if scale is not None else None, scale)
    found: list[Detection] = []
    for hit in settle_readings(hits, candidates.symbols, thresholds):
        x0, y0, x1, y1 = (float(v) for v in prepared.boxes_pt[hit.index])
        if hit.index in skip or in_regions(_center(prepared.boxes_pt[hit.index]), regions):
            continue
        box = (x0 / page.width_pt, y0 / page.height_pt, x1 / page.width_pt, y1 / page.height_pt)
        found.append(
            Detection(hit.fixture_class, box, _confidence(hit, thresholds), f"symbol_{hit.source}", page.index)
        )
    found = nms(found, 0.3)
    if not page.is_vector:
        found = legend_columns(found)
    return SymbolResult(found, scale)


def legend_columns(dets: list[Detection]) -> list[Detection]:
    """Drop an unlabelled legend on a scan: ≥3 fixture classes drawn at one size, stacked tightly in a column.

    Plan fixtures of different classes differ in size (a tub is three lavatories long); legend symbols are all
    drawn at the same size, so both conditions must hold.
    """
    drop: set[int] = set()
    for a in dets:
        width = a.bbox[2] - a.bbox[0]
        size = max(width, a.bbox[3] - a.bbox[1])
        cx = (a.bbox[0] + a.bbox[2]) / 2
        column = sorted(
            (
                d
                for d in dets
                if abs((d.bbox[0] + d.bbox[2]) / 2 - cx) < 0.3 * width
                and 0.75 <= max(d.bbox[2] - d.bbox[0], d.bbox[3] - d.bbox[1]) / size <= 1.33
            ),
            key=lambda d: d.bbox[1],
        )
        run: list[Detection] = []
        for det in [*column, None]:
            if det is None or (run and det.bbox[1] - run[-1].bbox[3] > size):
                if len({d.fixture_class for d in run}) >= 3:
                    drop.update(id(d) for d in run)
                run = []
            if det is not None:
                run.append(det)
    return [d for d in dets if id(d) not in drop]
