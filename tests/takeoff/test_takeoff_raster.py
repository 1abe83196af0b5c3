"""Scans: the generated sheet rasterized with noise, blur, 1-bit and skew, as TIFF and as a scanned PDF."""

from __future__ import annotations

import json
from pathlib import Path

from takeoff_helpers import f1, score_page

from pipelineos.samples.corpus import crop_exemplars
from pipelineos.samples.scan import ScanOptions, scan_sheet
from pipelineos.takeoff.engine import analyze_page
from pipelineos.takeoff.symbols.library import ZERO_SHOT_CLASSES


def test_scan_with_user_exemplars(scanned_sheet: Path, tmp_path: Path) -> None:
    exemplars = crop_exemplars(scanned_sheet, tmp_path / "crops")
    page = analyze_page(scanned_sheet, 0, exemplars=exemplars)
    assert page.error is None and not page.is_vector
    score = score_page(page, scanned_sheet)
    assert f1(score) >= 0.85, (score.fp, score.fn)


def test_scan_zero_shot(scanned_sheet: Path) -> None:
    page = analyze_page(scanned_sheet, 0)
    score = score_page(page, scanned_sheet, ZERO_SHOT_CLASSES)
    assert f1(score) >= 0.9, (score.fp, score.fn)


def test_scanned_pdf_is_detected_as_raster(untagged_sheet: Path, tmp_path: Path) -> None:
    scan = scan_sheet(
        untagged_sheet,
        tmp_path / "scan",
        ScanOptions(dpi=150, skew_deg=-0.5, noise=6.0, jpeg_quality=60, fmt="pdf"),
    )
    assert json.loads((tmp_path / "scan.truth.json").read_text())["scan"]["fmt"] == "pdf"
    page = analyze_page(scan, 0)
    assert not page.is_vector and page.error is None
    score = score_page(page, scan, ZERO_SHOT_CLASSES)
    assert f1(score) >= 0.9, (score.fp, score.fn)
