"""Helpers shared by the proposal tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import io
import uuid

import polars as pl
import pymupdf
from PIL import Image, ImageDraw

from pipelineos.pricing.engine import TAKEOFF_SCHEMA

EVIL = "<script>alert('x')</script><img src=http://127.0.0.1:9/x.png> & Sons"
"""User text with markup, a script and a remote image: must come out as literal text."""


def plan_png(width: int = 1200, height: int = 800) -> bytes:
    """A plan-like page image: border and one wall."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((50, 50, width - 50, height - 50), outline="black", width=4)
    draw.line((width // 2, 50, width // 2, height - 50), fill="black", width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def logo_png() -> bytes:
    """A small two-colour logo."""
    image = Image.new("RGB", (240, 80), "#aa3300")
    ImageDraw.Draw(image).ellipse((10, 10, 70, 70), fill="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def takeoff_rows() -> pl.DataFrame:
    """3 water closets on P-101 and 2 on P-102, 4 lavatories on P-101, 1 floor drain on P-102."""
    rows = [("water_closet", 0, "P-101")] * 3 + [("water_closet", 1, "P-102")] * 2 + [("lavatory", 0, "P-101")] * 4
    rows += [("floor_drain", 1, "P-102")]
    return pl.DataFrame(
        [
            {
                "detection_id": str(uuid.uuid4()),
                "page_index": p,
                "sheet_number": s,
                "fixture_class": c,
                "source": "vector_text",
            }
            for c, p, s in rows
        ],
        schema=TAKEOFF_SCHEMA,
    )


def flat_text(pdf: bytes) -> str:
    """All text of a PDF with runs of whitespace collapsed to one space."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return " ".join(" ".join(page.get_text() for page in doc).split())
