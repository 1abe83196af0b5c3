"""A candidate is the drawing's own symbol only if it draws the symbol's inner lines, not just its outline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from takeoff_helpers import score_page

from pipelineos.samples.corpus import crop_exemplars
from pipelineos.samples.generator import SheetOptions, generate_sheet
from pipelineos.samples.plan import Conventions
from pipelineos.samples.scan import ScanOptions, scan_sheet
from pipelineos.samples.symbols import FIXTURE_SYMBOLS, furniture
from pipelineos.takeoff import matcher
from pipelineos.takeoff.engine import analyze_page
from pipelineos.takeoff.matcher import INNER_FLOOR, MARGIN, _decide
from pipelineos.takeoff.raster import normalize_mask
from pipelineos.takeoff.similarity import inner_recall, similarity
from pipelineos.takeoff.symbols.library import render_symbol
from pipelineos.takeoff.templates import TemplateSet
from pipelineos.takeoff.thinning import thin


def _canvas(drawing: np.ndarray) -> np.ndarray:
    return thin(normalize_mask(drawing)[None])[0]


def test_a_chair_does_not_draw_a_dishwashers_diagonal() -> None:
    """Hospital dishwasher: a square and its diagonal. A chair (a square with a back rail) scores well on the
    outline, yet draws almost none of the diagonal; a dishwasher draws all of it; a plain box has no inner lines."""
    dishwasher = _canvas(render_symbol(FIXTURE_SYMBOLS["dishwasher"]("hospital")))
    chair = _canvas(render_symbol(furniture("chair")))
    counter = _canvas(render_symbol(furniture("counter")))
    assert similarity(chair[None], dishwasher[None])[0, 0] > 0.7, "the outlines alone score as a match"
    assert inner_recall(chair, dishwasher) < INNER_FLOOR
    assert inner_recall(dishwasher, dishwasher) == 1.0
    assert inner_recall(chair, counter) == 1.0


def test_the_inner_lines_bind_only_the_drawings_own_exemplars() -> None:
    templates = TemplateSet(classes=["dishwasher", "_negative_sofa"], sources=["user", "library"])
    scores = np.array([[0.82, 0.40]], np.float32)
    floors = np.full(2, 0.7, np.float32)

    def allowed(_: str) -> np.ndarray:
        return np.ones(1, dtype=bool)

    def decide(drawing_tier: bool, drawn: float) -> bool:
        found = _decide(scores, templates, np.arange(2), floors, MARGIN, allowed, drawing_tier, inner=lambda *_: drawn)
        return bool(found)

    assert decide(True, 0.9) and not decide(True, 0.1)
    assert decide(False, 0.1)


@pytest.fixture(scope="module")
def hospital_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[Path]]]:
    """A hospital-style plan at 1/8" per foot (an unseen style, small symbols), scanned noisy at 200 DPI, with a
    user's crop of one of each fixture cut from the scan."""
    out = tmp_path_factory.mktemp("inner")
    options = SheetOptions(style="hospital", scale=0.125, conventions=Conventions("solid", True, True))
    pdf = generate_sheet(out / "src" / "S-010.pdf", sheet="P-210", seed=350, options=options)
    scan = scan_sheet(pdf, out / "scan-010", ScanOptions(dpi=200, skew_deg=-0.45, noise=12.0, fmt="png"), seed=9)
    return scan, crop_exemplars(scan, out / "exemplars")


def test_chairs_are_not_counted_as_the_users_dishwashers(
    hospital_scan: tuple[Path, dict[str, list[Path]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    scan, exemplars = hospital_scan
    score = score_page(analyze_page(scan, 0, exemplars=exemplars), scan)
    assert score.tp["dishwasher"] >= 3
    assert score.fp.get("dishwasher", 0) == 0

    monkeypatch.setattr(matcher, "INNER_FLOOR", 0.0)
    outlines = score_page(analyze_page(scan, 0, exemplars=exemplars), scan)
    assert outlines.fp.get("dishwasher", 0) > 0, "without the rule, chairs pass on their outline"
