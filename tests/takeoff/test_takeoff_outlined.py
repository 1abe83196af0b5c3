"""A vector sheet whose lettering is drawn, not written (AutoCAD's SHX fonts plot text as lines): no text layer.

Read on the vector path such a page has no sheet number, no legend labels and no schedule, and its symbols
compete with the lettering's strokes. It is read as a scan is instead: its information strip by OCR, its
symbols from a fine render.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pymupdf
import pytest
from takeoff_helpers import f1, score_page

from pipelineos.samples.generator import SheetOptions, generate_sheet
from pipelineos.takeoff.engine import OUTLINED_NOTE, analyze_page
from pipelineos.takeoff.inputs import load_page
from pipelineos.takeoff.pdfpage import legible

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")


def _outline_text(source: Path, out: Path) -> Path:
    """``source`` with every word replaced by a picture of itself: the page looks the same, its text is gone."""
    with pymupdf.open(source) as doc:
        page = doc[0]
        pictures = []
        for x0, y0, x1, y1, *_ in page.get_text("words"):
            box = pymupdf.Rect(x0, y0, x1, y1)
            pix = page.get_pixmap(matrix=pymupdf.Matrix(8, 8), clip=box, colorspace=pymupdf.csGRAY, alpha=False)
            pictures.append((box, pix.tobytes("png")))
            page.add_redact_annot(box)
        page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
        for box, png in pictures:
            page.insert_image(box, stream=png)
        doc.save(out)
    shutil.copy(source.with_name(f"{source.stem}.truth.json"), out.with_name(f"{out.stem}.truth.json"))
    return out


@pytest.fixture(scope="module")
def outlined(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CAD-style sheet at 3/16 in, text outlined. Read on the vector path it scores F1 0.53: with no legend
    labels its lavatories, urinals and water heaters are missed and 46 lavatories taken for service sinks."""
    folder = tmp_path_factory.mktemp("outlined")
    sheet = generate_sheet(folder / "P-104.pdf", sheet="P-104", seed=4, options=SheetOptions(style="cad", scale=0.1875))
    return _outline_text(sheet, folder / "P-104-outlined.pdf")


def test_a_page_without_a_text_layer_is_read_as_a_scan(outlined: Path) -> None:
    page = load_page(outlined, 0)
    assert page.words == [] and page.outlined and not page.is_vector
    assert page.native is not None and page.native.shape[1] == pytest.approx(2 * page.gray.shape[1], abs=2)


@needs_tesseract
def test_its_title_block_and_legend_are_read_and_its_fixtures_counted(outlined: Path) -> None:
    result = analyze_page(outlined, 0)
    assert result.error is None and OUTLINED_NOTE in result.notes
    assert result.sheet_number == "P-104"
    score = score_page(result, outlined)
    assert f1(score) >= 0.95, (score.fp, score.fn)


def test_a_text_layer_of_replacement_characters_is_no_text_layer() -> None:
    """A font without a map to Unicode gives words of U+FFFD: the page is as good as outlined."""
    assert legible([(0, 0, 9, 4, "WC-1", 0, 0)])
    assert not legible([])
    assert not legible([(0, 0, 9, 4, "\ufffd\ufffd-\ufffd", 0, 0), (0, 9, 9, 13, "\ufffd\ufffd\ufffd1", 0, 1)])
    assert not legible([(0, 0, 9, 4, "--", 0, 0)])
