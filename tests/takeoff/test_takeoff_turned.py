"""Sheets stored turned: shown upright by a PDF page's ``/Rotate`` (common CAD output: a sheet plotted sideways
on a portrait page) or by an image's orientation tag (a phone photo, some scanners); shown on their side (a
page whose ``/Rotate`` turns an upright sheet, a scan saved as a portrait image).

PyMuPDF renders such a page as displayed but gives its words and drawings unturned; the takeoff must read
both in the displayed page, where the boxes it reports are drawn. An image is read as a viewer shows it.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
import pymupdf
import pytest
from PIL import Image
from takeoff_helpers import f1, score_page

from pipelineos.takeoff.engine import analyze_page
from pipelineos.takeoff.inputs import load_page, render_page_png
from pipelineos.takeoff.orientation import scan_turn, text_joins
from pipelineos.takeoff.pdfpage import displayed_box, page_words, upright_turn, vector_items


def _plot_sideways(source: Path, out: Path) -> Path:
    """``source`` drawn a quarter turn on a portrait page whose ``/Rotate 90`` shows it as the original."""
    with pymupdf.open(source) as src:
        width, height = src[0].rect.width, src[0].rect.height
        doc = pymupdf.open()
        page = doc.new_page(width=height, height=width)
        page.show_pdf_page(page.rect, src, 0, rotate=90)
        page.set_rotation(90)
        doc.save(out)
        doc.close()
    shutil.copy(source.with_name(f"{source.stem}.truth.json"), out.with_name(f"{out.stem}.truth.json"))
    return out


@pytest.fixture(scope="module")
def sideways(plan_set: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _plot_sideways(plan_set[0], tmp_path_factory.mktemp("turned") / "P-101-turned.pdf")


def test_words_and_lines_are_read_where_the_page_shows_them(plan_set: list[Path], sideways: Path) -> None:
    with pymupdf.open(plan_set[0]) as upright, pymupdf.open(sideways) as turned:
        assert turned[0].rotation == 90 and turned[0].rect == upright[0].rect
        a, b = page_words(upright[0]), page_words(turned[0])
        assert [w[4] for w in a] == [w[4] for w in b]
        assert max(abs(p - q) for u, v in zip(a, b, strict=True) for p, q in zip(u[:4], v[:4], strict=True)) < 0.5
        (frames_a, lines_a), (frames_b, lines_b) = vector_items(upright[0]), vector_items(turned[0])
        assert len(frames_a) == len(frames_b) and len(lines_a) == len(lines_b)
        ends_a = {(round(min(x0, x1)), round(min(y0, y1))) for x0, y0, x1, y1 in lines_a}
        ends_b = {(round(min(x0, x1)), round(min(y0, y1))) for x0, y0, x1, y1 in lines_b}
        assert len(ends_a & ends_b) >= 0.95 * len(ends_a)


def test_a_sheet_turned_by_its_page_counts_as_the_upright_one(sideways: Path) -> None:
    page = analyze_page(sideways, 0)
    score = score_page(page, sideways)
    assert page.error is None and page.is_vector and page.sheet_number == "P-101"
    assert score.exact, (score.fp, score.fn)
    assert f1(score) >= 0.97
    assert sum("text_tag" in d.methods for d in page.fixtures) >= 0.8 * len(page.fixtures)


def _shown_turned(box: list[float], degrees: int) -> list[float]:
    """A box on the upright sheet, where a viewer shows it on the sheet turned ``degrees`` clockwise."""
    u0, v0, u1, v1 = box
    if degrees == 90:
        return [1 - v1, u0, 1 - v0, u1]
    if degrees == 180:
        return [1 - u1, 1 - v1, 1 - u0, 1 - v0]
    return [v0, 1 - u1, v1, 1 - u0]


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_sheet_displayed_sideways_is_read_upright(plan_set: list[Path], tmp_path: Path, degrees: int) -> None:
    """The page's ``/Rotate`` shows the upright sheet turned: its schedule and tags read as columns of letters.
    It is read turned back, and its boxes are reported where the viewer shows them."""
    shown = tmp_path / f"P-101-shown-{degrees}.pdf"
    with pymupdf.open(plan_set[0]) as doc:
        doc[0].set_rotation(degrees)
        doc.save(shown)
        assert upright_turn(doc[0]) == (360 - degrees) % 360
    truth = json.loads(plan_set[0].with_name(f"{plan_set[0].stem}.truth.json").read_text())
    for fixture in truth["fixtures"]:
        fixture["bbox"] = _shown_turned(fixture["bbox"], degrees)
    shown.with_name(f"{shown.stem}.truth.json").write_text(json.dumps(truth))
    page = analyze_page(shown, 0)
    assert page.sheet_number == "P-101" and len(page.schedule) >= 5
    assert (page.width_pt > page.height_pt) == (degrees == 180)
    score = score_page(page, shown)
    assert score.exact and f1(score) >= 0.97, (score.fp, score.fn)
    assert sum("text_tag" in d.methods for d in page.fixtures) >= 0.8 * len(page.fixtures)
    assert any("turned" in note for note in page.notes)


def test_boxes_read_turned_come_back_where_they_are_shown() -> None:
    box = (0.1, 0.2, 0.3, 0.6)
    for degrees in (90, 180, 270):
        assert displayed_box(box, degrees) == pytest.approx(_shown_turned(list(box), (360 - degrees) % 360))
    assert displayed_box(box, 0) == box


def test_an_image_is_read_the_way_its_orientation_tag_shows_it(scanned_sheet: Path, tmp_path: Path) -> None:
    """A scan stored a quarter turn off, with EXIF orientation 6 (turn clockwise to show), is read upright."""
    turned = tmp_path / "P-301-phone.jpg"
    with Image.open(scanned_sheet) as scan:
        exif = Image.Exif()
        exif[0x0112] = 6
        scan.convert("L").rotate(90, expand=True).save(turned, quality=92, dpi=(200, 200), exif=exif)
    shutil.copy(scanned_sheet.with_name(f"{scanned_sheet.stem}.truth.json"), turned.with_name("P-301-phone.truth.json"))
    page = load_page(turned, 0)
    assert page.gray.shape[1] > page.gray.shape[0] and page.width_pt > page.height_pt
    with Image.open(scanned_sheet) as scan:
        assert abs(page.width_pt - scan.width / 200 * 72) < 1
    shown = render_page_png(turned, 0, dpi=50)
    with Image.open(io.BytesIO(shown)) as png:
        assert png.width > png.height
    upright, sideways = (
        score_page(analyze_page(scanned_sheet, 0), scanned_sheet),
        score_page(analyze_page(turned, 0), turned),
    )
    assert f1(sideways) >= 0.9, (sideways.fp, sideways.fn)
    assert abs(f1(sideways) - f1(upright)) < 0.03


needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")


@needs_tesseract
@pytest.mark.parametrize("degrees", [90, 180])
def test_a_scan_saved_turned_is_read_upright(scanned_sheet: Path, tmp_path: Path, degrees: int) -> None:
    """The 1-bit scan saved a quarter turn counter-clockwise (a portrait image, its lettering running up the
    page) or upside down (fed into the scanner the other way round): its legend and title block are read
    turned upright, and its boxes land where the image shows them."""
    stored = tmp_path / f"P-301-{degrees}.tif"
    with Image.open(scanned_sheet) as scan:
        scan.rotate(degrees, expand=True).save(stored, dpi=(200, 200))
    truth = json.loads(scanned_sheet.with_name(f"{scanned_sheet.stem}.truth.json").read_text())
    for fixture in truth["fixtures"]:
        fixture["bbox"] = _shown_turned(fixture["bbox"], 360 - degrees)
    stored.with_name(f"{stored.stem}.truth.json").write_text(json.dumps(truth))
    page = analyze_page(stored, 0)
    upright = analyze_page(scanned_sheet, 0)
    assert page.sheet_number == upright.sheet_number == "P-301"
    assert (page.height_pt > page.width_pt) == (degrees == 90)
    assert any(f"turned {degrees}°" in note for note in page.notes)
    stood, straight = score_page(page, stored), score_page(upright, scanned_sheet)
    assert f1(stood) >= 0.9 and abs(f1(stood) - f1(straight)) < 0.03, (stood.fp, stood.fn)


@needs_tesseract
def test_a_portrait_sheet_drawn_so_stays_as_it_is(scanned_sheet: Path) -> None:
    """Part of the upright scan, cut as a portrait image: its lettering runs across, so it is not turned."""
    gray = load_page(scanned_sheet, 0).gray
    portrait = np.ascontiguousarray(gray[:, : int(0.4 * gray.shape[1])])
    assert portrait.shape[0] > portrait.shape[1]
    assert scan_turn(portrait) == 0
    across, down = text_joins(portrait)
    assert across > 2 * down
    assert scan_turn(np.ascontiguousarray(np.rot90(gray))) == 90
