"""The takeoff engine: every method on every page, fused into one count per fixture class.

Per page: classify the sheet and find its reference regions, parse the fixture schedule, read fixture tags
(vector pages), search symbols with exemplars from the user, the legend, the tagged fixtures and the built-in
library, add CAD blocks (DXF) and an optional vision provider, fuse, drop references, and reconcile.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from pipelineos.takeoff import inputs
from pipelineos.takeoff.fusion import fuse, nms
from pipelineos.takeoff.inputs import DEFAULT_MAX_PIXELS, LoadedPage, load_page
from pipelineos.takeoff.layout import Box, analyze_layout, in_regions
from pipelineos.takeoff.matcher import TemplateSet, match
from pipelineos.takeoff.models import Detection, DocumentTakeoff, PageTakeoff, TakeoffInputError
from pipelineos.takeoff.schedule import parse_schedule, reconcile
from pipelineos.takeoff.symbols.exemplars import load_exemplars
from pipelineos.takeoff.symbols.library import builtin_templates
from pipelineos.takeoff.symbols.search import PreparedPage, legend_templates, prepare
from pipelineos.takeoff.tags import associate, find_tags

log = logging.getLogger(__name__)
MAX_TAGGED_EXEMPLARS = 8
LIBRARY_THRESHOLD_WITH_VOCABULARY = 0.78
"""A drawing whose legend or tags show its own symbols needs stronger evidence for library-only classes."""
THRESHOLDS = {"user": 0.7, "legend": 0.72, "tagged": 0.76, "library": 0.62}


def _norm(box: Box, page: LoadedPage) -> tuple[float, float, float, float]:
    w, h = page.width_pt, page.height_pt
    return (max(0.0, box[0] / w), max(0.0, box[1] / h), min(1.0, box[2] / w), min(1.0, box[3] / h))


def _center(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _symbol_detections(
    page: LoadedPage,
    prepared: PreparedPage,
    templates: TemplateSet,
    thresholds: dict[str, float],
    skip: set[int],
    regions: dict[str, list[Box]],
) -> list[Detection]:
    found: list[Detection] = []
    for hit in match(prepared.candidates, templates, thresholds):
        box = tuple(prepared.boxes_pt[hit.index])
        if hit.index in skip or in_regions(_center(box), regions):
            continue
        confidence = round(min(0.99, 0.55 + hit.score + hit.margin), 3)
        found.append(Detection(hit.fixture_class, _norm(box, page), confidence, f"symbol_{hit.source}", page.index))
    return nms(found, 0.3)


def _legend_columns(dets: list[Detection]) -> list[Detection]:
    """Drop runs of ≥3 different fixture classes stacked tightly in one column: an unlabelled legend."""
    drop: set[int] = set()
    for a in dets:
        height = a.bbox[3] - a.bbox[1]
        cx = (a.bbox[0] + a.bbox[2]) / 2
        column = sorted(
            (d for d in dets if abs((d.bbox[0] + d.bbox[2]) / 2 - cx) < 0.3 * (a.bbox[2] - a.bbox[0])),
            key=lambda d: d.bbox[1],
        )
        run: list[Detection] = []
        for det in column:
            if run and det.bbox[1] - run[-1].bbox[3] > 1.5 * height:
                if len({d.fixture_class for d in run}) >= 3:
                    drop.update(id(d) for d in run)
                run = []
            run.append(det)
        if len({d.fixture_class for d in run}) >= 3:
            drop.update(id(d) for d in run)
    return [d for d in dets if id(d) not in drop]


def _provider_detections(provider: Any, page: LoadedPage) -> list[Detection]:
    ok, png = cv2.imencode(".png", page.gray)
    if not ok:
        return []
    height, width = page.gray.shape
    return list(provider.detect_page(png.tobytes(), width, height, page.index))


def _analyze_loaded(page: LoadedPage, provider: Any, user: TemplateSet, result: PageTakeoff) -> None:
    layout = analyze_layout(page)
    schedule, schedule_boxes = parse_schedule(page.words)
    if schedule_boxes:
        layout.regions.setdefault("schedule", []).extend(schedule_boxes)
    regions = layout.regions
    result.sheet_number, result.sheet_title = layout.sheet_number, layout.sheet_title
    result.discipline, result.sheet_kind, result.schedule = layout.discipline, layout.kind, schedule
    result.regions = {k: [_norm(b, page) for b in v] for k, v in regions.items()}
    prepared = prepare(page)
    legend, legend_used = legend_templates(page, regions.get("legend", []) + regions.get("info_column", []), prepared)
    boxes = prepared.boxes_pt
    eligible = np.array([not in_regions(_center(tuple(b)), regions) for b in boxes], dtype=bool)
    hits = associate(find_tags(page.words, schedule, regions), boxes, eligible)
    tagged = TemplateSet()
    dets: list[Detection] = []
    per_class: dict[str, int] = {}
    for hit in hits:
        box = tuple(boxes[hit.candidate]) if hit.candidate is not None else hit.box
        if hit.candidate is not None and per_class.get(hit.fixture_class, 0) < MAX_TAGGED_EXEMPLARS:
            per_class[hit.fixture_class] = per_class.get(hit.fixture_class, 0) + 1
            tagged.add(hit.fixture_class, prepared.candidates.masks[hit.candidate], "tagged", thinned=True)
        dets.append(
            Detection(
                hit.fixture_class,
                _norm(box, page),
                0.9 if hit.candidate is not None else 0.7,
                "text_tag",
                page.index,
                hit.tag,
            )
        )
    templates = TemplateSet()
    for source_set in (user, legend, tagged):
        templates.extend(source_set)
    covered = set(templates.classes)
    templates.extend(builtin_templates(), skip=covered)
    thresholds = dict(THRESHOLDS)
    if len(legend) or len(tagged):
        thresholds["library"] = LIBRARY_THRESHOLD_WITH_VOCABULARY
    symbol_dets = _symbol_detections(page, prepared, templates, thresholds, legend_used, regions)
    if not page.is_vector:
        symbol_dets = _legend_columns(symbol_dets)
    dets += symbol_dets
    for cls, box, name in page.cad_fixtures:
        dets.append(Detection(cls, _norm(box, page), 0.99, "cad_block", page.index, name))
    if provider is not None:
        try:
            extra = _provider_detections(provider, page)
            w, h = page.width_pt, page.height_pt
            dets += [
                d
                for d in extra
                if not in_regions(((d.bbox[0] + d.bbox[2]) / 2 * w, (d.bbox[1] + d.bbox[3]) / 2 * h), regions)
            ]
        except Exception as exc:
            log.warning("vision provider failed on page %s: %s", page.index + 1, exc)
            result.notes.append(f"vision provider failed: {exc}")
    result.fixtures = fuse(dets, page_index=page.index)
    result.mismatches = reconcile(schedule, result.fixtures)


def analyze_page(
    path: Path,
    index: int,
    *,
    provider: Any = None,
    exemplars: dict[str, list[Path]] | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    templates: TemplateSet | None = None,
) -> PageTakeoff:
    """Takeoff of one page; a page that cannot be analysed comes back with ``error`` set."""
    started = time.perf_counter()
    user = templates if templates is not None else load_exemplars(exemplars)
    try:
        page = load_page(Path(path), index, max_pixels=max_pixels)
    except TakeoffInputError as exc:
        return PageTakeoff(index, 0.0, 0.0, False, error=str(exc))
    result = PageTakeoff(index, page.width_pt, page.height_pt, page.is_vector)
    try:
        _analyze_loaded(page, provider, user, result)
    except Exception as exc:
        log.exception("takeoff failed on %s page %s", path, index + 1)
        result.error = f"{path}, page {index + 1}: analysis failed ({exc.__class__.__name__}: {exc})"
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def analyze_document(
    path: Path,
    *,
    provider: Any = None,
    exemplars: dict[str, list[Path]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> DocumentTakeoff:
    """Takeoff of a whole file. Raises TakeoffInputError when the file itself is unusable."""
    path = Path(path)
    total = inputs.page_count(path)
    user = load_exemplars(exemplars)
    doc = DocumentTakeoff(source=str(path))
    for index in range(total):
        doc.pages.append(analyze_page(path, index, provider=provider, max_pixels=max_pixels, templates=user))
        if progress is not None:
            progress(index + 1, total)
    return doc
