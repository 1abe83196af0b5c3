"""Inputs: content sniffing, page counts, rendering, and every kind of bad input."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pymupdf
import pytest
from PIL import Image

from pipelineos.takeoff.engine import analyze_document, analyze_page
from pipelineos.takeoff.inputs import page_count, render_page_png, sniff_content_type
from pipelineos.takeoff.models import TakeoffInputError


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00", "image/png"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"II*\x00\x08", "image/tiff"),
        (b"MM\x00*\x00", "image/tiff"),
        (b"  0\nSECTION\n  2\nHEADER", "image/vnd.dxf"),
        (b"\r\n0\r\nSECTION\r\n", "image/vnd.dxf"),
        (b"AutoCAD Binary DXF\r\n\x1a\x00", "image/vnd.dxf"),
        (b"<html>", None),
        (b"", None),
    ],
)
def test_sniff_content_type(head: bytes, expected: str | None) -> None:
    assert sniff_content_type(head) == expected


def test_pdf_page_count_and_render(plan_set: list[Path]) -> None:
    assert page_count(plan_set[0]) == 1
    png = render_page_png(plan_set[0], 0, dpi=20)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (720, 480)


def test_multipage_one_bit_tiff(tmp_path: Path) -> None:
    frames = [Image.fromarray(np.full((300, 450), 255, np.uint8)).convert("1") for _ in range(3)]
    path = tmp_path / "set.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="group4", dpi=(100, 100))
    assert page_count(path) == 3
    with Image.open(io.BytesIO(render_page_png(path, 2, dpi=50))) as image:
        assert image.size == (225, 150)
    doc = analyze_document(path)
    assert [p.index for p in doc.pages] == [0, 1, 2] and all(p.error is None for p in doc.pages)


def test_empty_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(TakeoffInputError, match=r"empty\.pdf"):
        analyze_document(path)


def test_not_a_drawing(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(TakeoffInputError, match=r"notes\.txt"):
        page_count(path)


def test_encrypted_pdf(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page()
    path = tmp_path / "locked.pdf"
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    with pytest.raises(TakeoffInputError, match=r"locked\.pdf.*password"):
        analyze_document(path)


def test_decompression_bomb_is_a_page_error(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("L", (3000, 2000), 255).save(path)
    page = analyze_page(path, 0, max_pixels=1_000_000)
    assert page.error is not None and "big.png" in page.error and "page 1" in page.error


def test_absurd_page_size(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page(width=14400 * 2, height=100)
    path = tmp_path / "strip.pdf"
    doc.save(path)
    page = analyze_document(path).pages[0]
    assert page.error is not None and "strip.pdf" in page.error


def test_bad_page_does_not_sink_the_rest(tmp_path: Path, plan_set: list[Path]) -> None:
    doc = pymupdf.open(plan_set[0])
    doc.insert_page(-1, width=20, height=20)
    path = tmp_path / "mixed.pdf"
    doc.save(path)
    result = analyze_document(path)
    assert result.pages[0].error is None and len(result.pages[0].fixtures) > 10
    assert result.pages[1].error is not None and "page 2" in result.pages[1].error
