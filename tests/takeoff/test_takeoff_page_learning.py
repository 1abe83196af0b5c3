"""What the engine learns from the page itself (its own symbols as exemplars), straight walls on skewed 1-bit
scans, user crops cut through a leader, and the BLAS thread limit that keeps small products fast."""

from __future__ import annotations

import ctypes
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from takeoff_helpers import f1, score_page

from pipelineos.samples.corpus import crop_exemplars
from pipelineos.samples.generator import SheetOptions, generate_sheet
from pipelineos.samples.plan import Conventions
from pipelineos.samples.scan import ScanOptions, scan_sheet
from pipelineos.takeoff.engine import analyze_page
from pipelineos.takeoff.matcher import Match
from pipelineos.takeoff.raster import Candidates
from pipelineos.takeoff.symbols.detect import page_exemplars
from pipelineos.takeoff.symbols.exemplars import exemplar_ink
from pipelineos.takeoff.symbols.search import PreparedPage
from pipelineos.takeoff.threads import _loaded_blas_libraries, single_threaded_blas


def _prepared(crops: list[np.ndarray]) -> PreparedPage:
    boxes = np.array([[0.0, 0.0, c.shape[1], c.shape[0]] for c in crops])
    masks = np.zeros((len(crops), 40, 40), np.uint8)
    return PreparedPage(Candidates(boxes, masks, crops), boxes, 0.0)


def _ring(size: int) -> np.ndarray:
    canvas = np.zeros((size, size), np.uint8)
    cv2.circle(canvas, (size // 2, size // 2), size // 2 - 2, 1, 1)
    return canvas


def test_page_exemplars_come_only_from_clear_matches() -> None:
    prepared = _prepared([_ring(30) for _ in range(7)])
    hits = [Match(i, "floor_drain", 0.9, margin, "library") for i, margin in enumerate((0.3, 0.2, 0.15, 0.12, 0.05))]
    hits.append(Match(5, "water_heater", 0.9, 0.03, "user"))
    hits.append(Match(6, "urinal", 0.9, 0.09, "agreement"))
    own = page_exemplars(hits, prepared)
    assert own.fixture_classes == {"floor_drain"}
    assert set(own.sources) == {"page"}
    unique_drawings = {m.tobytes() for m, c in zip(own.masks, own.classes, strict=True) if c == "floor_drain"}
    assert len(unique_drawings) >= 1


def test_the_drawings_own_exemplars_lend_at_the_decision_margin() -> None:
    """A match with the legend's or the user's symbol is the drawing's symbol already: a lead as large as any
    decision needs (not the library's wide one) lets it teach the page its pen and noise."""
    prepared = _prepared([_ring(30) for _ in range(2)])
    own = page_exemplars(
        [Match(0, "water_heater", 0.8, 0.05, "legend"), Match(1, "urinal", 0.8, 0.05, "library")], prepared
    )
    assert own.fixture_classes == {"water_heater"}


def _square(size: int, inner: int | None = None) -> np.ndarray:
    """A square outline; with ``inner``, a line across it that far from its top (a cabinet, not a fixture)."""
    canvas = np.zeros((size, size), np.uint8)
    cv2.rectangle(canvas, (1, 1), (size - 2, size - 2), 1, 1)
    if inner is not None:
        canvas[inner, 1 : size - 1] = 1
    return canvas


def test_a_match_far_weaker_than_its_class_best_lends_no_ink() -> None:
    """Two dishwashers match the user's crop all but exactly; a cabinet leads the class by the decision margin
    with a far lower score. The page's dishwashers are one block: the cabinet does not teach the page (it had
    then matched every cabinet on the sheet at 0.99)."""
    prepared = _prepared([_square(30), _square(31), _square(30, inner=8)])
    own = page_exemplars(
        [
            Match(0, "dishwasher", 0.99, 0.35, "user"),
            Match(1, "dishwasher", 0.995, 0.34, "user"),
            Match(2, "dishwasher", 0.78, 0.05, "legend"),
        ],
        prepared,
    )
    taught = {m.tobytes() for m in own.masks}
    cabinet = page_exemplars([Match(2, "dishwasher", 0.78, 0.05, "legend")], prepared)
    assert cabinet.masks, "alone, the same match does lend its ink"
    assert not taught & {m.tobytes() for m in cabinet.masks}


def test_skewed_one_bit_scan_keeps_walls_straight(tmp_path: Path) -> None:
    """Thin double walls on a 1-bit scan skewed 1.8°: deskewed pixel by pixel they turn into staircases that no
    longer read as walls, and every fixture against them is lost (F1 0.44 before the scan was deskewed in gray).
    """
    pdf = generate_sheet(
        tmp_path / "P-401.pdf",
        sheet="P-401",
        seed=11,
        options=SheetOptions(style="classic", scale=0.1875, conventions=Conventions(walls="double")),
    )
    scan = scan_sheet(pdf, tmp_path / "scan", ScanOptions(dpi=150, skew_deg=1.8, blur=1.0, one_bit=True, fmt="tiff"))
    page = analyze_page(scan, 0, exemplars=crop_exemplars(scan, tmp_path / "crops"))
    score = score_page(page, scan)
    assert f1(score) >= 0.95, (score.fp, score.fn)


def _exemplar(path: Path, stub_to_border: bool) -> Path:
    ink = np.zeros((80, 100), np.uint8)
    cv2.rectangle(ink, (30, 20), (70, 60), 1, 1)
    cv2.circle(ink, (50, 40), 12, 1, 1)
    cv2.line(ink, (0 if stub_to_border else 18, 40), (29, 40), 1, 1)
    Image.fromarray(np.where(ink > 0, 0, 255).astype(np.uint8)).save(path)
    return path


def test_exemplar_loses_a_leader_cut_by_the_users_box(tmp_path: Path) -> None:
    cut = exemplar_ink(_exemplar(tmp_path / "cut.png", stub_to_border=True))
    inside = exemplar_ink(_exemplar(tmp_path / "inside.png", stub_to_border=False))
    assert abs(cut.shape[1] - 41) <= 2, "the leader running out of the box is not the symbol"
    assert inside.shape[1] >= 50, "a stem wholly inside the box is part of the symbol"


def test_noise_beside_a_leader_does_not_keep_it(tmp_path: Path) -> None:
    """Scan noise: specks in the rows the leader crosses, which had made them wider than a line."""
    path = _exemplar(tmp_path / "cut.png", stub_to_border=True)
    ink = np.asarray(Image.open(path)).copy()
    ink[50:52, 8:10] = ink[28:30, 5:7] = 0
    Image.fromarray(ink).save(path)
    assert abs(exemplar_ink(path).shape[1] - 41) <= 2, "the leader running out of the box is not the symbol"


def test_exemplar_keeps_the_tip_its_leader_leaves_from(tmp_path: Path) -> None:
    """A hose bibb's triangle narrows to the tip its leader is drawn from: the leader goes, the tip stays."""
    ink = np.zeros((60, 66), np.uint8)
    cv2.fillPoly(ink, [np.array([[20, 15], [20, 45], [50, 30]], np.int32)], 1)
    cv2.fillPoly(ink, [np.array([[24, 21], [24, 39], [42, 30]], np.int32)], 0)
    cv2.line(ink, (50, 30), (65, 30), 1, 1)
    path = tmp_path / "hose_bibb.png"
    Image.fromarray(np.where(ink > 0, 0, 255).astype(np.uint8)).save(path)
    drawn = exemplar_ink(path)
    assert abs(drawn.shape[1] - 31) <= 1, "the whole triangle, tip included, and none of the leader"


def test_blas_runs_on_one_thread() -> None:
    assert single_threaded_blas() >= 1
    for path in _loaded_blas_libraries():
        library = ctypes.CDLL(path)
        getter = next(
            (
                getattr(library, n)
                for n in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads")
                if hasattr(library, n)
            ),
            None,
        )
        if getter is not None:
            assert getter() == 1
