"""Scanned sheets read with Tesseract: sheet number, title, legend and schedule areas, legend exemplars."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from takeoff_helpers import f1, score_page

from pipelineos.samples.generator import SheetOptions, generate_sheet
from pipelineos.samples.scan import ScanOptions, scan_sheet
from pipelineos.samples.symbols import HELD_OUT_STYLES
from pipelineos.takeoff import ocr
from pipelineos.takeoff.engine import analyze_page
from pipelineos.takeoff.inputs import load_page
from pipelineos.takeoff.layout import analyze_layout, heading_regions
from pipelineos.takeoff.symbols.library import ZERO_SHOT_CLASSES
from pipelineos.takeoff.symbols.search import legend_templates, prepare
from pipelineos.takeoff.templates import BANDS, TemplateSet

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")


@pytest.fixture(scope="module")
def held_out_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An untagged sheet drawn in a style the built-in library has never seen, scanned at 150 DPI, 1-bit."""
    out = tmp_path_factory.mktemp("held_out")
    pdf = generate_sheet(
        out / "P-205.pdf", sheet="P-205", seed=11, options=SheetOptions(style=HELD_OUT_STYLES[0], scale=0.25)
    )
    return scan_sheet(pdf, out / "P-205-scan", ScanOptions(dpi=150, skew_deg=0.4, noise=5.0, one_bit=True, fmt="tiff"))


@needs_tesseract
def test_scan_reads_sheet_number_title_and_legend(held_out_scan: Path) -> None:
    page = analyze_page(held_out_scan, 0)
    assert page.error is None and not page.is_vector
    assert page.sheet_number == "P-205"
    assert page.sheet_title is not None and "PLUMBING" in page.sheet_title.upper()
    assert page.discipline == "plumbing" and page.sheet_kind == "plan"
    assert {"legend", "schedule", "title_block"} <= set(page.regions)
    legend = page.regions["legend"][0]
    assert all(not (legend[0] <= (f.bbox[0] + f.bbox[2]) / 2 <= legend[2]) for f in page.fixtures), (
        "legend symbols are references, not fixtures"
    )


@needs_tesseract
def test_scan_in_unseen_style_counts_from_its_legend(held_out_scan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_ocr = analyze_page(held_out_scan, 0)
    score = score_page(with_ocr, held_out_scan, ZERO_SHOT_CLASSES)
    monkeypatch.setenv("PIPELINEOS_TAKEOFF_OCR", "false")
    from pipelineos.settings import get_settings

    get_settings.cache_clear()
    try:
        without = analyze_page(held_out_scan, 0)
    finally:
        monkeypatch.delenv("PIPELINEOS_TAKEOFF_OCR")
        get_settings.cache_clear()
    assert without.sheet_number is None and "legend" not in without.regions
    assert f1(score) >= 0.9, (score.fp, score.fn)
    assert f1(score) > f1(score_page(without, held_out_scan, ZERO_SHOT_CLASSES)) + 0.1


def test_without_tesseract_the_page_is_read_without_words(held_out_scan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "tesseract_available", lambda: False)
    page = load_page(held_out_scan, 0)
    words, note = ocr.scan_words(page)
    assert words == [] and note == ocr.MISSING
    result = analyze_page(held_out_scan, 0)
    assert result.error is None and ocr.MISSING in result.notes


def test_symbols_read_as_letters_are_dropped_but_sheet_numbers_kept() -> None:
    words = [
        (0.0, 0.0, 30.0, 6.0, "WATER", 1, 1),
        (32.0, 0.0, 60.0, 6.0, "CLOSET", 1, 1),
        (0.0, 10.0, 20.0, 16.0, "URINAL", 2, 1),
        (-30.0, -5.0, -10.0, 20.0, "Oo", 1, 1),
        (100.0, 100.0, 140.0, 130.0, "P-1", 3, 1),
    ]
    kept = [w[4] for w in ocr._without_symbols(words)]
    assert kept == ["WATER", "CLOSET", "URINAL", "P-1"]


@needs_tesseract
def test_fixture_words_are_kept_whatever_tesseract_s_confidence(monkeypatch: pytest.MonkeyPatch) -> None:
    """A speck between the two words of a legend label: Tesseract read ``FLOOR.`` and ``DRAIN`` at confidence 0,
    and the legend's floor drain was lost with them (32 drains missed on an unseen-style scan). A stroke read as
    a word at that confidence still goes."""
    import pytesseract

    read = {"text": ["FLOOR.", "DRAIN", "Oo", "PLAN"], "conf": [0, 0, 0, 0], "left": [10, 60, 120, 200]}
    read |= {"top": [5] * 4, "width": [40] * 4, "height": [8] * 4, "block_num": [1] * 4, "par_num": [1] * 4}
    read |= {"line_num": [1] * 4}
    monkeypatch.setattr(pytesseract, "image_to_data", lambda *args, **kwargs: read)
    words = ocr.read_words(np.full((40, 300), 255, np.uint8), (0, 0, 300, 40), 1.0)
    assert [w[4] for w in words] == ["FLOOR.", "DRAIN"]


def test_heading_regions_split_the_information_strip() -> None:
    lines = [
        ((510.0, 20.0, 600.0, 28.0), "PLUMBING FIXTURE SCHEDULE"),
        ((512.0, 40.0, 540.0, 46.0), "WATER CLOSET"),
        ((510.0, 200.0, 590.0, 208.0), "PLUMBING LEGEND"),
        ((510.0, 500.0, 600.0, 508.0), "1 TYPICAL LAVATORY DETAIL"),
        ((100.0, 300.0, 160.0, 308.0), "SEE DETAIL 4"),
    ]
    regions = heading_regions(lines, (500.0, 0.0, 700.0, 800.0))
    assert regions["schedule"] == [(500.0, 18.0, 700.0, 199.0)]
    assert regions["legend"] == [(500.0, 198.0, 700.0, 499.0)]
    assert regions["details"] == [(500.0, 498.0, 700.0, 800.0)]


def test_a_small_drawing_vouches_only_for_sizes_near_its_own() -> None:
    small = np.zeros((30, 22), np.uint8)
    small[2:28, 2] = small[2:28, 19] = small[2, 2:20] = small[27, 2:20] = 1
    templates = TemplateSet()
    assert templates.add_drawing("lavatory", small, "legend")
    detailed = [BANDS[i] for i in range(len(BANDS)) if templates.detail["lavatory"] >> i & 1]
    assert detailed == [b for b in BANDS if b <= 1.3 * 30]
    assert set(templates.bands) and max(BANDS) > 1.3 * 30
    assert any(bands >> (len(BANDS) - 1) & 1 for bands in templates.bands), "still matched at larger sizes"


@pytest.mark.parametrize(("long_px", "shows_top"), [(58, False), (80, True)])
def test_the_top_band_asks_for_a_drawing_as_large_as_its_candidates(long_px: int, shows_top: bool) -> None:
    """The top band holds every candidate from about 54 px up. A scanned legend's water closet 58 px long has
    lost the inner bowl and tank the plan's 85 px ones still show, so it does not vouch for them against the
    library there; one 80 px long does."""
    drawing = np.zeros((long_px, long_px // 2), np.uint8)
    drawing[:, 0] = drawing[:, -1] = drawing[0] = drawing[-1] = 1
    templates = TemplateSet()
    assert templates.add_drawing("water_closet", drawing, "legend")
    assert bool(templates.detail["water_closet"] >> (len(BANDS) - 1) & 1) is shows_top
    assert templates.detail["water_closet"] & 1, "smaller sizes are shown in full"


@needs_tesseract
def test_a_scanned_pdf_s_legend_is_read_from_its_pixels(tmp_path: Path) -> None:
    """A scanned PDF has a source file to render from, but rendering its image larger adds no detail: its
    legend symbols are cut from the page's pixels like any scan's (they had been rendered 160 px long from a
    44 px scan, and so vouched for every size against the library)."""
    pdf = generate_sheet(
        tmp_path / "P-206.pdf", sheet="P-206", seed=5, options=SheetOptions(style=HELD_OUT_STYLES[0], scale=0.25)
    )
    scan = scan_sheet(pdf, tmp_path / "P-206-scan", ScanOptions(dpi=150, skew_deg=0.3, noise=4.0, fmt="pdf"))
    page = load_page(scan, 0)
    page.words, _ = ocr.scan_words(page)
    regions = analyze_layout(page).regions
    legend, used = legend_templates(page, regions.get("legend", []), prepare(page))
    assert len(used) >= 5, "the legend is read"
    assert max(max(d[0].shape) for d in legend.drawings if d is not None) < 72


@needs_tesseract
def test_ocr_runs_while_the_scan_is_prepared(held_out_scan: Path) -> None:
    """Tesseract reads the strip in its own process while the page's ink and candidates are cut at no scale:
    both come out as they do one after the other, and the ink does not wait for (or depend on) the words."""
    from pipelineos.takeoff.engine import _read_while_preparing
    from pipelineos.takeoff.symbols.search import page_ink, prepare

    page = load_page(held_out_scan, 0)
    words, note, (cleaned, prepared) = _read_while_preparing(page)
    assert note is None and words == ocr.scan_words(page)[0]
    page.words = words
    again = page_ink(page)
    assert again.skew == cleaned.skew and np.array_equal(again.ink, cleaned.ink)
    assert np.array_equal(prepare(page, None, again).boxes_pt, prepared.boxes_pt)
