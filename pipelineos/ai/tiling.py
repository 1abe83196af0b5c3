"""Cutting a page image into overlapping tiles, blanking private regions, and encoding what is sent.

Everything here is pure image arithmetic (Pillow), so it is tested without any network.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from pipelineos.takeoff.models import BBox

DEFAULT_TITLE_BLOCK: BBox = (0.75, 0.80, 1.0, 1.0)
"""Where a title block usually sits: the right quarter of the bottom fifth of the sheet."""


@dataclass(frozen=True)
class Tile:
    """A rectangle of the page, in page pixels."""

    index: int
    x0: int
    y0: int
    width: int
    height: int


@dataclass(frozen=True)
class EncodedTile:
    """A tile as sent: PNG bytes, possibly downscaled from the tile's page pixels."""

    tile: Tile
    png: bytes
    sent_width: int
    sent_height: int


def axis_starts(length: int, tile_size: int, overlap: float) -> list[int]:
    """Tile start offsets along one axis: first at 0, last flush with the end, overlap >= ``overlap``."""
    if length <= tile_size:
        return [0]
    stride = max(1, int(tile_size * (1.0 - overlap)))
    count = math.ceil((length - tile_size) / stride) + 1
    span = length - tile_size
    return [round(i * span / (count - 1)) for i in range(count)]


def tile_grid(width: int, height: int, tile_size: int, overlap: float) -> list[Tile]:
    """Tiles covering a ``width`` × ``height`` page, row by row from the top-left."""
    if tile_size < 1 or not 0.0 <= overlap < 1.0:
        raise ValueError(f"tile_size must be >= 1 and overlap in [0, 1); got {tile_size} and {overlap}")
    tiles: list[Tile] = []
    for y0 in axis_starts(height, tile_size, overlap):
        for x0 in axis_starts(width, tile_size, overlap):
            tiles.append(Tile(len(tiles), x0, y0, min(tile_size, width), min(tile_size, height)))
    return tiles


def flatten(image: Image.Image) -> Image.Image:
    """The image as grayscale or RGB on a white background (transparency and palettes resolved)."""
    if image.mode in ("L", "RGB"):
        return image
    if image.mode in ("RGBA", "LA", "P", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def redact(image: Image.Image, regions: Sequence[BBox]) -> Image.Image:
    """A copy of ``image`` with each normalized region painted white (edges rounded outward)."""
    if not regions:
        return image
    out = image.copy()
    draw = ImageDraw.Draw(out)
    width, height = out.size
    white = 255 if out.mode == "L" else (255, 255, 255)
    for x0, y0, x1, y1 in regions:
        left, top = math.floor(max(0.0, x0) * width), math.floor(max(0.0, y0) * height)
        right, bottom = math.ceil(min(1.0, x1) * width), math.ceil(min(1.0, y1) * height)
        if right > left and bottom > top:
            draw.rectangle((left, top, right - 1, bottom - 1), fill=white)
    return out


def send_size(width: int, height: int, max_edge: int, max_pixels: int) -> tuple[int, int]:
    """Size to send a ``width`` × ``height`` tile at, so the API never rescales it (shifting boxes)."""
    scale = min(1.0, max_edge / max(width, height), math.sqrt(max_pixels / (width * height)))
    if scale >= 1.0:
        return width, height
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def encode_tile(page: Image.Image, tile: Tile, max_edge: int, max_pixels: int) -> EncodedTile:
    """Crop ``tile`` from the page, downscale if needed, encode a fresh PNG (no metadata carried over)."""
    crop = page.crop((tile.x0, tile.y0, tile.x0 + tile.width, tile.y0 + tile.height))
    sent_w, sent_h = send_size(tile.width, tile.height, max_edge, max_pixels)
    if (sent_w, sent_h) != crop.size:
        crop = crop.resize((sent_w, sent_h), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    crop.save(buffer, format="PNG", optimize=True)
    return EncodedTile(tile, buffer.getvalue(), sent_w, sent_h)
