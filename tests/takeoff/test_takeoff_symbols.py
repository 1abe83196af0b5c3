"""Symbol search: unknown scale, 90° rotations, mirrors, distractors, user exemplars and zero-shot."""

from __future__ import annotations

import itertools
from pathlib import Path

import pymupdf
import pytest

from pipelineos.samples.draw import Placement, draw_symbol
from pipelineos.samples.symbols import FIXTURE_SYMBOLS, FURNITURE_KINDS, bounds, furniture
from pipelineos.takeoff.engine import analyze_page
from pipelineos.takeoff.evaluation import score_sheet
from pipelineos.takeoff.models import TakeoffInputError
from pipelineos.takeoff.symbols.exemplars import load_exemplars
from pipelineos.takeoff.symbols.library import ZERO_SHOT_CLASSES

W, H = 1400.0, 1600.0


def _test_sheet(path: Path, classes: tuple[str, ...], style: str) -> dict:
    """A bare sheet: each class at scales 0.5×, 1× and 2× in varied rotation/mirror, plus furniture."""
    doc = pymupdf.open()
    page = doc.new_page(width=W, height=H)
    truth: dict = {"fixtures": []}
    poses = itertools.cycle(itertools.product(range(4), (False, True)))
    for row, cls in enumerate(classes):
        for col, factor in enumerate((0.5, 1.0, 2.0, 1.0)):
            rotation, mirror = next(poses)
            symbol = FIXTURE_SYMBOLS[cls](style)
            _x0, y0, _x1, y1 = bounds(symbol)
            scale = 1.3 * factor * (1.0 if cls not in ("floor_drain", "hose_bibb") else 2.5)
            where = Placement(120 + col * 170, 90 + row * 180 - (y0 + y1) / 2 * scale, scale, rotation, mirror)
            box = draw_symbol(page, symbol, where, 0.7)
            truth["fixtures"].append({"class": cls, "bbox": [box[0] / W, box[1] / H, box[2] / W, box[3] / H]})
    for i, kind in enumerate(FURNITURE_KINDS):
        draw_symbol(page, furniture(kind), Placement(900 + (i % 3) * 160, 120 + (i // 3) * 260, 1.3, i % 4), 0.7)
    doc.save(path)
    return truth


def _symbol_pdf(path: Path, cls: str, style: str) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=100, height=100)
    symbol = FIXTURE_SYMBOLS[cls](style)
    x0, y0, x1, y1 = bounds(symbol)
    scale = 80 / max(x1 - x0, y1 - y0)
    draw_symbol(page, symbol, Placement(50 - (x0 + x1) / 2 * scale, 50 - (y0 + y1) / 2 * scale, scale), 1.0)
    doc.save(path)
    return path


def test_user_vector_exemplars_find_every_pose(tmp_path: Path) -> None:
    classes = ("water_closet", "lavatory", "urinal", "bathtub", "floor_drain", "water_heater")
    truth = _test_sheet(tmp_path / "sheet.pdf", classes, "cad")
    exemplars = {c: [_symbol_pdf(tmp_path / f"{c}.pdf", c, "cad")] for c in classes}
    page = analyze_page(tmp_path / "sheet.pdf", 0, exemplars=exemplars)
    score = score_sheet(page.fixtures, truth)
    assert sum(score.tp.values()) >= 22 and sum(score.fp.values()) <= 1, (score.fn, score.fp)
    assert all(score.tp[c] >= 2 for c in classes), score.tp
    assert sum(d.method == "symbol_user" for d in page.fixtures) >= 20
    unaided = score_sheet(analyze_page(tmp_path / "sheet.pdf", 0).fixtures, truth)
    assert sum(unaided.tp.values()) <= 16, "a held-out style should need the user's exemplars"


@pytest.mark.parametrize("style", ["classic", "modern"])
def test_zero_shot_library(tmp_path: Path, style: str) -> None:
    truth = _test_sheet(tmp_path / "sheet.pdf", ZERO_SHOT_CLASSES, style)
    page = analyze_page(tmp_path / "sheet.pdf", 0)
    score = score_sheet(page.fixtures, truth)
    tp = sum(score.tp.values())
    assert tp / len(truth["fixtures"]) >= 0.9, score.fn
    assert sum(score.fp.values()) <= 1, score.fp


def test_blank_exemplar_is_refused(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page(width=50, height=50)
    doc.save(tmp_path / "blank.pdf")
    with pytest.raises(TakeoffInputError, match=r"blank\.pdf"):
        load_exemplars({"water_closet": [tmp_path / "blank.pdf"]})
    with pytest.raises(TakeoffInputError, match="unknown fixture class"):
        load_exemplars({"sofa": [tmp_path / "blank.pdf"]})
