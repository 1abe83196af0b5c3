"""Symbol search: unknown scale, 90° rotations, mirrors, distractors, user exemplars and zero-shot."""

from __future__ import annotations

import itertools
from pathlib import Path

import cv2
import numpy as np
import pymupdf
import pytest

from pipelineos.samples.draw import Placement, draw_symbol
from pipelineos.samples.symbols import FIXED_PAPER_PT, FIXTURE_SYMBOLS, FURNITURE_KINDS, bounds, furniture
from pipelineos.takeoff.engine import analyze_page
from pipelineos.takeoff.evaluation import score_sheet
from pipelineos.takeoff.models import TakeoffInputError
from pipelineos.takeoff.symbols.exemplars import exemplar_drawings, load_exemplars
from pipelineos.takeoff.symbols.library import ZERO_SHOT_CLASSES

W, H = 2400.0, 2600.0


POSES = list(itertools.product(range(4), (False, True)))
"""The 8 dihedral poses: 90° rotations, each plain and mirrored."""


def _test_sheet(path: Path, classes: tuple[str, ...], style: str, factor: float) -> dict:
    """A bare sheet at one plot scale (``factor`` × 1.3 pt/in): each class in 4 poses, plus furniture.

    Drains and hose bibbs are drafted at a fixed paper size, as on real sheets (and in the generator).
    """
    doc = pymupdf.open()
    page = doc.new_page(width=W, height=H)
    truth: dict = {"fixtures": []}
    poses = itertools.cycle(POSES)
    pitch = 150 * factor
    for row, cls in enumerate(classes):
        for col in range(4):
            rotation, mirror = next(poses)
            symbol = FIXTURE_SYMBOLS[cls](style)
            x0, y0, x1, y1 = bounds(symbol)
            scale = 1.3 * factor
            if cls in FIXED_PAPER_PT:
                scale = FIXED_PAPER_PT[cls] / max(x1 - x0, y1 - y0)
            where = Placement(80 + col * pitch, 80 + row * pitch - (y0 + y1) / 2 * scale, scale, rotation, mirror)
            box = draw_symbol(page, symbol, where, 0.7)
            truth["fixtures"].append({"class": cls, "bbox": [box[0] / W, box[1] / H, box[2] / W, box[3] / H]})
    for i, kind in enumerate(FURNITURE_KINDS):
        x, y = 80 + 4 * pitch + (i % 3) * 1.4 * pitch, 80 + (i // 3) * 1.3 * pitch
        draw_symbol(page, furniture(kind), Placement(x, y, 1.3 * factor, i % 4), 0.7)
    doc.save(path)
    return truth


def _symbol_page(cls: str, style: str) -> pymupdf.Document:
    doc = pymupdf.open()
    page = doc.new_page(width=100, height=100)
    symbol = FIXTURE_SYMBOLS[cls](style)
    x0, y0, x1, y1 = bounds(symbol)
    scale = 80 / max(x1 - x0, y1 - y0)
    draw_symbol(page, symbol, Placement(50 - (x0 + x1) / 2 * scale, 50 - (y0 + y1) / 2 * scale, scale), 1.0)
    return doc


def _symbol_file(path: Path, cls: str, style: str) -> Path:
    """The symbol alone as a vector exemplar: PDF, SVG, or a PNG crop rendered at 300 DPI."""
    doc = _symbol_page(cls, style)
    if path.suffix == ".svg":
        path.write_text(doc[0].get_svg_image())
    elif path.suffix == ".png":
        doc[0].get_pixmap(dpi=300).save(path)
    else:
        doc.save(path)
    return path


@pytest.mark.parametrize(("factor", "kind"), [(0.5, ".svg"), (1.0, ".pdf"), (2.0, ".png")])
def test_user_exemplars_find_every_pose_at_any_scale(tmp_path: Path, factor: float, kind: str) -> None:
    classes = ("water_closet", "lavatory", "urinal", "bathtub", "floor_drain", "water_heater")
    truth = _test_sheet(tmp_path / "sheet.pdf", classes, "cad", factor)
    exemplars = {c: [_symbol_file(tmp_path / f"{c}{kind}", c, "cad")] for c in classes}
    page = analyze_page(tmp_path / "sheet.pdf", 0, exemplars=exemplars)
    score = score_sheet(page.fixtures, truth)
    assert sum(score.tp.values()) >= 22 and sum(score.fp.values()) <= 1, (score.fn, score.fp)
    assert all(score.tp[c] >= 3 for c in classes), score.tp
    seeded_by_the_user = {"symbol_user", "symbol_page"}
    assert sum(bool(seeded_by_the_user & set(d.methods)) for d in page.fixtures) >= 20
    unaided = score_sheet(analyze_page(tmp_path / "sheet.pdf", 0).fixtures, truth)
    assert sum(unaided.tp.values()) <= 18, "a held-out style should need the user's exemplars"


@pytest.mark.parametrize("style", ["classic", "modern", "architect"])
@pytest.mark.parametrize("factor", [0.5, 1.0, 2.0])
def test_zero_shot_library(tmp_path: Path, style: str, factor: float) -> None:
    truth = _test_sheet(tmp_path / "sheet.pdf", ZERO_SHOT_CLASSES, style, factor)
    page = analyze_page(tmp_path / "sheet.pdf", 0)
    score = score_sheet(page.fixtures, truth)
    tp = sum(score.tp.values())
    assert tp / len(truth["fixtures"]) >= 0.85, score.fn
    assert len(score.fn) <= 1, f"at most one class may be missed: {score.fn}"
    assert sum(score.fp.values()) <= 1, score.fp


def test_blank_exemplar_is_refused(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page(width=50, height=50)
    doc.save(tmp_path / "blank.pdf")
    with pytest.raises(TakeoffInputError, match=r"blank\.pdf"):
        load_exemplars({"water_closet": [tmp_path / "blank.pdf"]})
    with pytest.raises(TakeoffInputError, match="unknown fixture class"):
        load_exemplars({"sofa": [tmp_path / "blank.pdf"]})


def _heater_crop(path: Path, light_on_dark: bool = False) -> Path:
    """A user's crop of a small water heater from a blurred scan: a wall across the top, a box in a box with a
    dot. The blur greys the gap between the boxes, so most of the crop reads as ink."""
    image = np.full((30, 46), 250, np.uint8)
    image[:3] = 100
    image[4:27, 5:41] = 170
    cv2.rectangle(image, (5, 4), (40, 26), 70, 2)
    image[8:21, 11:34] = 225
    cv2.rectangle(image, (11, 8), (33, 20), 90, 2)
    cv2.circle(image, (22, 14), 2, 10, -1)
    image = cv2.GaussianBlur(image, (3, 3), 0.8)
    cv2.imwrite(str(path), 255 - image if light_on_dark else image)
    return path


@pytest.mark.parametrize("light_on_dark", [False, True])
def test_a_crop_is_inverted_only_when_drawn_light_on_dark(tmp_path: Path, light_on_dark: bool) -> None:
    """Whether a crop is light on dark is told by its edges, not by its share of ink: the heater's crop is
    mostly grey ink and had been inverted, leaving two pairs of bars that matched room names on the page."""
    for drawing in exemplar_drawings(_heater_crop(tmp_path / "heater.png", light_on_dark)):
        h, w = drawing.shape
        assert drawing[h // 2 - 2 : h // 2 + 2, w // 2 - 3 : w // 2 + 2].any(), "the heater's dot is ink"
        assert w >= 34, "the whole heater (36 px wide) is the symbol, not the light inside its inner box"
