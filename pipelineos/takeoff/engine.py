"""The takeoff engine: every method on every page, fused into one count per fixture class.

Per page: read a scan's information strip (OCR, while its ink is prepared), classify the sheet and find its
reference regions, parse the fixture schedule, read fixture tags (vector pages), search symbols with exemplars
from the user, the legend, the tagged fixtures and the built-in library, add CAD blocks (DXF) and an optional
vision provider, fuse, drop references, and reconcile.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Any

import cv2

from pipelineos.blueprints.processing.parallel import map_pages, worker_count
from pipelineos.settings import get_settings
from pipelineos.takeoff import inputs
from pipelineos.takeoff.fusion import fuse
from pipelineos.takeoff.inputs import LoadedPage, load_page
from pipelineos.takeoff.layout import Box, analyze_layout, in_regions
from pipelineos.takeoff.models import Detection, DocumentTakeoff, PageTakeoff, TakeoffInputError
from pipelineos.takeoff.ocr import scan_words
from pipelineos.takeoff.orientation import stand_upright, upside_down
from pipelineos.takeoff.pdfpage import Word, displayed_box
from pipelineos.takeoff.quality import broken_lines_note
from pipelineos.takeoff.recognize import recognize
from pipelineos.takeoff.scale import parse_plot_scale
from pipelineos.takeoff.schedule import parse_schedule, reconcile
from pipelineos.takeoff.set_legend import lend_legend
from pipelineos.takeoff.symbols.exemplars import load_exemplars
from pipelineos.takeoff.symbols.search import PageInk, PreparedPage, page_ink, prepare
from pipelineos.takeoff.templates import TemplateSet, combined
from pipelineos.takeoff.threads import single_threaded_blas

log = logging.getLogger(__name__)

REDACT_PAD_PT = 6.0
"""Margin added around a detected title block before blanking it, so its frame stroke cannot bleed into the
downscaled image either."""


OUTLINED_NOTE = (
    "no text layer (its lettering is drawn as lines, as SHX fonts plot): read as a scan, its title block, "
    "legend and schedule by OCR; written tags in the plan are not read"
)


def _vision_pass(
    provider: Any, page: LoadedPage, regions: dict[str, list[Box]], result: PageTakeoff
) -> list[Detection]:
    """The vision provider's fixtures outside reference regions; its failure is a note, not a page error."""
    ok, png = cv2.imencode(".png", page.gray)
    if not ok:
        return []
    height, width = page.gray.shape
    kwargs: dict[str, Any] = {}
    if getattr(getattr(provider, "config", None), "redact_title_block", False):
        pad = REDACT_PAD_PT
        kwargs["redact_regions"] = [
            page.normalized((b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad)) for b in regions.get("title_block", [])
        ]
    try:
        found = list(provider.detect_page(png.tobytes(), width, height, page.index, **kwargs))
    except Exception as exc:
        log.warning("vision provider failed on page %s: %s", page.index + 1, exc)
        result.notes.append(f"vision provider failed: {exc}")
        return []
    finally:
        usage = getattr(provider, "usage", None)
        if usage:
            last = usage[-1]
            cost = "unknown cost" if last.cost_usd is None else f"${last.cost_usd:.4f}"
            result.notes.append(
                f"vision: {last.tiles} tile(s), {last.input_tokens}+{last.output_tokens} tokens, {cost}"
            )
    w, h = page.width_pt, page.height_pt
    return [
        d for d in found if not in_regions(((d.bbox[0] + d.bbox[2]) / 2 * w, (d.bbox[1] + d.bbox[3]) / 2 * h), regions)
    ]


def _read_while_preparing(page: LoadedPage) -> tuple[list[Word], str | None, tuple[PageInk, PreparedPage]]:
    """OCR of a scan's information strip, run while its ink and candidates are prepared at no scale (which need
    no words): Tesseract is a process of its own, so a lone sheet keeps both cores busy."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ocr") as pool:
        reading = pool.submit(scan_words, page)
        cleaned = page_ink(page)
        prepared = prepare(page, None, cleaned)
        words, note = reading.result()
    return words, note, (cleaned, prepared)


def _analyze_loaded(page: LoadedPage, provider: Any, user: TemplateSet, result: PageTakeoff) -> None:
    unscaled = None
    reading = not page.is_vector and not page.words and get_settings().takeoff_ocr
    if reading and stand_upright(page):
        result.width_pt, result.height_pt = page.width_pt, page.height_pt
    if not page.is_vector and (warning := broken_lines_note(page.gray)):
        result.notes.append(warning)
    if page.outlined:
        result.notes.append(OUTLINED_NOTE)
    if reading:
        page.words, note, unscaled = _read_while_preparing(page)
        if note is None and not page.turned and upside_down(page.gray, page.words):
            stand_upright(page, 180)
            page.words, note, unscaled = _read_while_preparing(page)
        if note:
            result.notes.append(note)
    layout = analyze_layout(page)
    schedule, schedule_boxes = parse_schedule(page.words)
    if schedule_boxes:
        layout.regions.setdefault("schedule", []).extend(schedule_boxes)
    regions = layout.regions
    result.sheet_number, result.sheet_title = layout.sheet_number, layout.sheet_title
    result.discipline, result.sheet_kind, result.schedule = layout.discipline, layout.kind, schedule
    result.regions = {k: [page.normalized(b) for b in v] for k, v in regions.items()}
    found = recognize(page, user, schedule, regions, parse_plot_scale(page.words, read=not page.is_vector), unscaled)
    result.plot_scale = found.pt_per_in
    result.legend = found.legend if len(found.legend) else None
    dets = list(found.detections)
    dets += [
        Detection(cls, page.normalized(box), 0.99, "cad_block", page.index, name)
        for cls, box, name in page.cad_fixtures
    ]
    if provider is not None:
        dets += _vision_pass(provider, page, regions, result)
    result.fixtures = fuse(dets, page_index=page.index)
    result.mismatches = reconcile(schedule, result.fixtures)


def _as_displayed(result: PageTakeoff, turned: int) -> None:
    """Boxes and size of a page read turned (see :attr:`LoadedPage.turned`) given back as the page is displayed."""
    if turned % 180:
        result.width_pt, result.height_pt = result.height_pt, result.width_pt
    result.fixtures = [replace(det, bbox=displayed_box(det.bbox, turned)) for det in result.fixtures]
    result.regions = {name: [displayed_box(b, turned) for b in boxes] for name, boxes in result.regions.items()}
    result.notes.append(f"the sheet is displayed turned; it was read turned {turned}° clockwise to stand upright")


def analyze_page(
    path: Path,
    index: int,
    *,
    provider: Any = None,
    exemplars: dict[str, list[Path]] | None = None,
    max_pixels: int | None = None,
    templates: TemplateSet | None = None,
) -> PageTakeoff:
    """Takeoff of one page; a page that cannot be analysed comes back with ``error`` set.

    ``max_pixels`` (default: the ``takeoff_max_pixels`` setting) bounds the decoded page image.
    """
    started = time.perf_counter()
    single_threaded_blas()
    max_pixels = max_pixels or get_settings().takeoff_max_pixels
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
    if page.turned:
        _as_displayed(result, page.turned)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _pooled_page(path: str, index: int, max_pixels: int, templates: TemplateSet) -> PageTakeoff:
    """One page in a worker process (module level, so the pool can pickle it)."""
    return analyze_page(Path(path), index, max_pixels=max_pixels, templates=templates)


def analyze_document(
    path: Path,
    *,
    provider: Any = None,
    exemplars: dict[str, list[Path]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_pixels: int | None = None,
    workers: int | None = None,
) -> DocumentTakeoff:
    """Takeoff of a whole file, pages spread over ``workers`` processes (default: every core).

    Raises TakeoffInputError when the file itself is unusable; a bad page only gets its own ``error``. With a
    vision provider the pages run in this process (the provider already works on tiles concurrently), and
    sheets without a legend are not read again with the set's legend (that would pay for vision twice).
    """
    path = Path(path)
    max_pixels = max_pixels or get_settings().takeoff_max_pixels
    total = inputs.page_count(path)
    user = load_exemplars(exemplars)
    done = 0

    def tick(_: int) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    def read(indexes: list[int], templates: TemplateSet, on_done: Callable[[int], None] | None) -> list[PageTakeoff]:
        nonlocal done
        if provider is None and len(indexes) > 1 and worker_count(workers) > 1:
            calls = [(str(path), index, max_pixels, templates) for index in indexes]
            try:
                return map_pages(_pooled_page, calls, workers=workers, on_done=on_done)
            except (BrokenProcessPool, OSError) as exc:
                log.warning("page pool failed on %s (%s); analysing pages one by one", path, exc)
                done = 0
        pages = []
        for k, index in enumerate(indexes):
            pages.append(analyze_page(path, index, provider=provider, max_pixels=max_pixels, templates=templates))
            if on_done is not None:
                on_done(k)
        return pages

    pages = read(list(range(total)), user, tick)
    if provider is None:
        pages = lend_legend(
            pages, lambda todo, legend: read([pages[i].index for i in todo], combined(user, legend), None)
        )
    return DocumentTakeoff(source=str(path), pages=pages)
