"""Close calls between a fixture and a look-alike are settled where the two drawings differ."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from takeoff_helpers import score_page

from pipelineos.samples.generator import SheetOptions, generate_sheet
from pipelineos.samples.plan import Conventions
from pipelineos.samples.scan import ScanOptions, scan_sheet
from pipelineos.samples.symbols import FIXTURE_SYMBOLS, furniture
from pipelineos.takeoff import duel as duel_module
from pipelineos.takeoff import matcher
from pipelineos.takeoff.duel import duel, settled
from pipelineos.takeoff.engine import analyze_page
from pipelineos.takeoff.symbols.library import render_symbol
from pipelineos.takeoff.templates import fine_masks


def _fine(drawing: np.ndarray) -> np.ndarray:
    return fine_masks([drawing])[0]


def test_a_tub_and_a_sofa_are_told_apart_by_the_lines_only_one_of_them_has() -> None:
    """Tub: rim and drain; sofa: arms. A drawing of either wins its own duel, whichever is named first."""
    tub, sofa = _fine(render_symbol(FIXTURE_SYMBOLS["bathtub"]("cad"))), _fine(render_symbol(furniture("sofa")))
    assert settled(duel(tub, tub, sofa, 2.0)) == 1
    assert settled(duel(sofa, tub, sofa, 2.0)) == -1
    assert settled(duel(sofa, sofa, tub, 2.0)) == 1


def test_a_duel_between_drawings_with_no_lines_of_their_own_says_nothing() -> None:
    tub = _fine(render_symbol(FIXTURE_SYMBOLS["bathtub"]("cad")))
    assert duel(tub, tub, tub.copy(), 2.0) is None
    assert settled(None) == 0 and settled(0.1) == 0


@pytest.fixture(scope="module")
def cad_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CAD-style plan (a style the library has never seen), scanned at 300 DPI as a noisy, skewed 1-bit TIFF."""
    out = tmp_path_factory.mktemp("duel")
    options = SheetOptions(style="cad", scale=0.25, conventions=Conventions("double", True, True))
    pdf = generate_sheet(out / "cad.pdf", sheet="P-207", seed=877, options=options)
    scan = ScanOptions(dpi=300, skew_deg=1.66, blur=1.0, noise=6.0, one_bit=True, fmt="tiff")
    return scan_sheet(pdf, out / "cad-scan", scan, seed=6)


def test_scanned_cad_tubs_are_not_taken_for_sofas(cad_scan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its legend's tub and the library's sofa score within a hair of each other on the plan's tubs: the duel
    finds every tub, and so does the tubs' drain mark alone; without either, some are vetoed as sofas."""
    score = score_page(analyze_page(cad_scan, 0), cad_scan)
    assert score.tp["bathtub"] >= 3
    assert score.fn.get("bathtub", 0) == 0 and score.fp.get("bathtub", 0) == 0

    monkeypatch.setattr(duel_module, "DECISIVE", 2.0)
    drained = score_page(analyze_page(cad_scan, 0), cad_scan)
    assert drained.fn.get("bathtub", 0) == 0 and drained.fp.get("bathtub", 0) == 0

    monkeypatch.setattr(matcher, "DRAINED_CLASSES", frozenset())
    undecided = score_page(analyze_page(cad_scan, 0), cad_scan)
    assert undecided.fn.get("bathtub", 0) > 0
