"""Drawing detections on a sheet: a PIL image for export and an interactive Altair chart for the review page.

Coordinates are the normalized boxes of ``fixture_detections`` (0..1, origin top-left). Colours are fixed per
fixture class so an estimator learns them; rejected boxes are grey and dashed.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import polars as pl
from PIL import Image, ImageDraw

from pipelineos.takeoff.models import FIXTURE_CLASSES

_PALETTE = (
    "#e6194b",
    "#3cb44b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#42d4f4",
    "#f032e6",
    "#9a6324",
    "#469990",
    "#800000",
    "#808000",
    "#000075",
    "#bfef45",
)
CLASS_COLORS: dict[str, str] = dict(zip(FIXTURE_CLASSES, _PALETTE, strict=True))
REJECTED_COLOR = "#9e9e9e"
MAX_DISPLAY_WIDTH = 1400


def blank_sheet(width_pt: float, height_pt: float, max_width: int = MAX_DISPLAY_WIDTH) -> bytes:
    """A white PNG with the sheet's proportions, used when the rendered page image is missing."""
    scale = max_width / max(width_pt, 1.0)
    image = Image.new("RGB", (max_width, max(1, int(height_pt * scale))), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def display_png(png: bytes, max_width: int = MAX_DISPLAY_WIDTH) -> tuple[bytes, int, int]:
    """The sheet image shrunk to at most ``max_width`` pixels wide; returns (png, width, height)."""
    image: Image.Image = Image.open(io.BytesIO(png))
    image.load()
    if image.width > max_width:
        image = image.resize((max_width, round(image.height * max_width / image.width)))
    image = image.convert("L" if image.mode in ("1", "L", "LA", "I", "I;16") else "RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue(), image.width, image.height


def draw_boxes(png: bytes, frame: pl.DataFrame) -> Image.Image:
    """The sheet with each shown detection drawn as a rectangle in its class colour (rejected in grey)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    draw = ImageDraw.Draw(image)
    w, h = image.size
    line = max(2, w // 600)
    for row in frame.filter(pl.col("shown")).iter_rows(named=True):
        box = (row["x0"] * w, row["y0"] * h, row["x1"] * w, row["y1"] * h)
        rejected = row["status"] == "rejected"
        color = REJECTED_COLOR if rejected else CLASS_COLORS.get(row["label"], "#000000")
        draw.rectangle(box, outline=color, width=1 if rejected else line)
    return image


def review_chart(png: bytes, width: int, height: int, frame: pl.DataFrame) -> dict[str, Any]:
    """Vega-Lite spec: sheet image + clickable boxes. Click (shift-click for more) selects ``pick``; a drag
    on the sheet draws ``box``. A plain dict (not Altair) so 500 boxes serialize in milliseconds."""
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    axis = {"labels": False, "ticks": False, "grid": False, "title": None, "domain": False}
    x_scale = {"domain": [0, 1], "nice": False, "zero": False}
    y_scale = {**x_scale, "reverse": True}
    shown = frame.filter(pl.col("shown")).select(
        "id",
        "label",
        "status",
        "origin",
        "confidence",
        "tag",
        "x0",
        "y0",
        "x1",
        "y1",
        pl.when(pl.col("status") == "rejected").then(pl.lit("rejected")).otherwise(pl.col("label")).alias("colour"),
    )
    colours = {"domain": [*FIXTURE_CLASSES, "rejected"], "range": [*_PALETTE, REJECTED_COLOR]}
    background = {
        "data": {"values": [{"url": uri, "x": 0, "y": 0, "x2": 1, "y2": 1}]},
        "mark": {"type": "image", "aspect": False, "tooltip": None},
        "params": [{"name": "box", "select": {"type": "interval", "encodings": ["x", "y"]}}],
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "scale": x_scale, "axis": axis},
            "x2": {"field": "x2"},
            "y": {"field": "y", "type": "quantitative", "scale": y_scale, "axis": axis},
            "y2": {"field": "y2"},
            "url": {"field": "url", "type": "nominal"},
        },
    }
    boxes = {
        "data": {"values": shown.to_dicts()},
        "mark": {"type": "rect", "fillOpacity": 0.12},
        "params": [
            {"name": "pick", "select": {"type": "point", "fields": ["id"], "on": "click", "toggle": "event.shiftKey"}}
        ],
        "encoding": {
            "x": {"field": "x0", "type": "quantitative", "scale": x_scale, "axis": axis},
            "x2": {"field": "x1"},
            "y": {"field": "y0", "type": "quantitative", "scale": y_scale, "axis": axis},
            "y2": {"field": "y1"},
            "stroke": {
                "field": "colour",
                "type": "nominal",
                "scale": colours,
                "legend": {"title": "Fixture type", "orient": "bottom", "columns": 5},
            },
            "fill": {"field": "colour", "type": "nominal", "scale": colours, "legend": None},
            "strokeDash": {"condition": {"test": "datum.status === 'rejected'", "value": [4, 3]}, "value": [1, 0]},
            "strokeWidth": {"condition": {"param": "pick", "empty": False, "value": 4}, "value": 2},
            "tooltip": [
                {"field": "label", "type": "nominal", "title": "type"},
                {"field": "status", "type": "nominal"},
                {"field": "origin", "type": "nominal"},
                {"field": "confidence", "type": "quantitative", "format": ".2f"},
                {"field": "tag", "type": "nominal"},
            ],
        },
    }
    return {"width": width, "height": height, "layer": [background, boxes], "config": {"view": {"strokeWidth": 0}}}


def highlight_rows(flagged: set[str], column: str, css: str = "background-color: #fde2e1; color: #8a1c1c"):  # type: ignore[no-untyped-def]
    """A pandas Styler row function that colours rows whose ``column`` value is in ``flagged``."""

    def style(row):  # type: ignore[no-untyped-def]
        return [css if row[column] in flagged else ""] * len(row)

    return style
