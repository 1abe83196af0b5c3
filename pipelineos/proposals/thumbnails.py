"""Plan thumbnails with the counted fixtures marked: boxes drawn onto the page image with Pillow.

Thumbnails are JPEG (quality 88, no chroma subsampling, so thin coloured outlines stay sharp): WeasyPrint embeds
JPEG as is, while a PNG would be decoded and compressed again, which costs more than the rest of the page.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from PIL import Image, ImageDraw

PALETTE = (
    "#d62728",
    "#1f77b4",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
    "#637939",
    "#843c39",
)
Image.MAX_IMAGE_PIXELS = 200_000_000


def class_colors(classes: Iterable[str]) -> dict[str, str]:
    """A stable colour per fixture class (sorted order), shared by the boxes and the legend."""
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(sorted(set(classes)))}


def mark_fixtures(
    png: bytes,
    boxes: Iterable[Mapping[str, Any]],
    *,
    max_width: int = 900,
    colors: Mapping[str, str] | None = None,
) -> bytes:
    """Downscale the page image to ``max_width`` and outline each box (normalized ``bbox``, ``fixture_class``).

    Returns JPEG bytes.
    """
    image: Image.Image = Image.open(io.BytesIO(png))
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    if image.width > max_width:
        size = (max_width, round(image.height * max_width / image.width))
        image = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    image = image.convert("RGB")
    boxes = list(boxes)
    colors = colors or class_colors(b["fixture_class"] for b in boxes)
    draw = ImageDraw.Draw(image)
    w, h = image.size
    pad = max(2, w // 300)
    for b in boxes:
        x0, y0, x1, y1 = b["bbox"]
        rect = (x0 * w - pad, y0 * h - pad, x1 * w + pad, y1 * h + pad)
        draw.rectangle(rect, outline=colors.get(b["fixture_class"], "#d62728"), width=max(2, w // 400))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88, subsampling=0)
    return out.getvalue()
