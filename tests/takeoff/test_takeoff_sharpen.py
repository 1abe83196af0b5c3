"""Small symbols of a fine scan are cut again from the scan's own pixels, not matched as 150 DPI blobs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from takeoff_helpers import f1, score_page

from pipelineos.samples.generator import SheetOptions, generate_sheet
from pipelineos.samples.plan import Conventions
from pipelineos.samples.scan import ScanOptions, scan_sheet
from pipelineos.takeoff.engine import analyze_page
from pipelineos.takeoff.inputs import load_page
from pipelineos.takeoff.symbols import sharpen
from pipelineos.takeoff.symbols.library import ZERO_SHOT_CLASSES
from pipelineos.takeoff.symbols.search import prepare


@pytest.fixture(scope="module")
def fine_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1/8" per foot sheet (fixtures about 20 px long at 150 DPI) scanned at 300 DPI."""
    out = tmp_path_factory.mktemp("fine")
    pdf = generate_sheet(
        out / "P-301.pdf", sheet="P-301", seed=3, options=SheetOptions(style="modern", scale=0.125, tag_ratio=0.0)
    )
    return scan_sheet(pdf, out / "P-301-scan", ScanOptions(dpi=300, noise=6.0, fmt="png"))


def test_the_scans_own_pixels_are_kept_and_small_candidates_recut(fine_scan: Path) -> None:
    page = load_page(fine_scan, 0)
    assert page.native is not None and page.native.shape[1] == 2 * page.gray.shape[1]
    prepared = prepare(page)
    candidates = prepared.candidates
    assert candidates.drawn_px is not None
    recut = candidates.drawn_px > 1.5 * candidates.long_px
    assert recut.sum() >= 50, "the small symbols were drawn again at twice the resolution"


@pytest.fixture(scope="module")
def jpeg_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1/8" per foot sheet with flush fixtures and leaders, scanned at 200 DPI, blurred, saved as a JPEG.

    Modern style: its round urinals and lavatories are rings within rings, which merge at 150 DPI. (The classic
    style's sheet no longer shows the difference: its fixtures are matched at 150 DPI too since a box in a
    box flush with a wall is also read with its back edge.)"""
    out = tmp_path_factory.mktemp("jpeg")
    options = SheetOptions(style="modern", scale=0.125, tag_ratio=0.0, conventions=Conventions("solid", True, True))
    pdf = generate_sheet(out / "P-302.pdf", sheet="P-302", seed=3, options=options)
    scan = ScanOptions(dpi=200, skew_deg=-0.41, blur=0.6, jpeg_quality=70, fmt="jpeg")
    return scan_sheet(pdf, out / "P-302-scan", scan)


def test_recutting_finds_what_blobs_hide(jpeg_scan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sharp = f1(score_page(analyze_page(jpeg_scan, 0), jpeg_scan, ZERO_SHOT_CLASSES))
    monkeypatch.setattr(sharpen, "MIN_GAIN", np.inf)
    blurred = f1(score_page(analyze_page(jpeg_scan, 0), jpeg_scan, ZERO_SHOT_CLASSES))
    assert sharp >= 0.97, sharp
    assert sharp > blurred + 0.04, (sharp, blurred)


def test_a_150_dpi_scan_keeps_no_second_copy(untagged_sheet: Path, tmp_path: Path) -> None:
    coarse = scan_sheet(untagged_sheet, tmp_path / "coarse", ScanOptions(dpi=150, fmt="png"))
    assert load_page(coarse, 0).native is None
