"""A scan whose thin lines fell apart into dots is flagged on its page; other scans, however degraded, are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelineos.samples.generator import SheetOptions, generate_sheet
from pipelineos.samples.plan import Conventions
from pipelineos.samples.scan import ScanOptions, scan_sheet
from pipelineos.takeoff.engine import analyze_page
from pipelineos.takeoff.inputs import load_page
from pipelineos.takeoff.quality import BROKEN_SHARE, broken_lines_note, broken_share
from pipelineos.takeoff.raster import binarize

FAINT_1BIT = ScanOptions(dpi=150, skew_deg=1.38, blur=1.0, noise=6.0, one_bit=True, fmt="tiff")
"""A 1-bit scan at 150 DPI of a blurred, faintly drawn sheet: its thin lines survive only as dots."""


@pytest.fixture(scope="module")
def hospital_sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sheet drawn with thin lines at 1/8" to the foot (the benchmark's seed 29 scan-015)."""
    options = SheetOptions(style="hospital", scale=0.125, conventions=Conventions(walls="double", flush=True))
    return generate_sheet(tmp_path_factory.mktemp("quality") / "P-215.pdf", sheet="P-215", seed=913, options=options)


def _share(path: Path) -> float:
    return broken_share(binarize(load_page(path, 0).gray, False))


def test_broken_lines_are_flagged(hospital_sheet: Path, tmp_path: Path) -> None:
    faint = scan_sheet(hospital_sheet, tmp_path / "faint", FAINT_1BIT)
    assert _share(faint) > 2 * BROKEN_SHARE
    note = broken_lines_note(load_page(faint, 0).gray)
    assert note is not None and "rescan" in note


@pytest.mark.parametrize(
    "options",
    [
        ScanOptions(dpi=150, skew_deg=1.38, blur=1.0, noise=6.0, fmt="png"),
        ScanOptions(dpi=200, skew_deg=-0.7, blur=0.6, noise=12.0, one_bit=True, fmt="tiff"),
        ScanOptions(dpi=150, noise=12.0, jpeg_quality=35, fmt="jpeg"),
    ],
    ids=["gray-blurred", "1bit-200dpi-noisy", "jpeg-35"],
)
def test_degraded_scans_that_keep_their_lines_are_not_flagged(
    hospital_sheet: Path, tmp_path: Path, options: ScanOptions
) -> None:
    scan = scan_sheet(hospital_sheet, tmp_path / "scan", options)
    assert _share(scan) < BROKEN_SHARE / 2
    assert broken_lines_note(load_page(scan, 0).gray) is None


def test_the_warning_reaches_the_page(hospital_sheet: Path, tmp_path: Path, scanned_sheet: Path) -> None:
    faint = scan_sheet(hospital_sheet, tmp_path / "faint", FAINT_1BIT)
    flagged = analyze_page(faint, 0)
    assert flagged.error is None
    assert any(n.startswith("scan quality:") for n in flagged.notes)
    assert not any(n.startswith("scan quality:") for n in analyze_page(scanned_sheet, 0).notes)
