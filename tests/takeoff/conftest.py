"""Generated drawings shared by the takeoff tests (built once per session, real files on disk)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelineos.samples.generator import SheetOptions, generate_plan_set, generate_sheet
from pipelineos.samples.scan import ScanOptions, scan_sheet


@pytest.fixture(scope="session")
def plan_set(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The default demo set: P-101 and P-102."""
    return generate_plan_set(tmp_path_factory.mktemp("plans"), sheets=2, seed=0)


@pytest.fixture(scope="session")
def untagged_sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vector sheet without any written tags: only symbol search can count it."""
    return generate_sheet(
        tmp_path_factory.mktemp("untagged") / "P-301.pdf",
        sheet="P-301",
        seed=5,
        options=SheetOptions(style="classic", scale=0.25, tag_ratio=0.0),
    )


@pytest.fixture(scope="session")
def scanned_sheet(untagged_sheet: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The untagged sheet as a noisy, skewed 1-bit TIFF scan."""
    options = ScanOptions(dpi=200, skew_deg=0.7, noise=8.0, blur=0.6, one_bit=True, fmt="tiff")
    return scan_sheet(untagged_sheet, tmp_path_factory.mktemp("scans") / "P-301-scan", options)
