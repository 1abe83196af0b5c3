"""Drawing detections on a sheet: a PIL image for export and an interactive Vega-Lite chart for the review page.

Coordinates are the normalized boxes of ``fixture_detections`` (0..1, origin top-left). Colours are fixed per
fixture class so an estimator learns them (the chart's legend names them); rejected boxes are grey and faint
(Vega-Lite cannot dash a rect per datum), selected ones drawn thick, "find more like this" candidates dashed
black, a dragged area dashed blue.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
from PIL import Image, ImageDraw

from dashboard.utils.labels import class_label
from pipelineos.takeoff.models import FIXTURE_CLASSES

PALETTE = (
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
CLASS_COLORS: dict[str, str] = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(FIXTURE_CLASSES)}
REJECTED_COLOR = "#9e9e9e"
CANDIDATE_COLOR = "#111111"
AREA_COLOR = "#1565c0"
MAX_DISPLAY_WIDTH = 1400
WHOLE_SHEET = (0.0, 0.0, 1.0, 1.0)
Box = tuple[float, float, float, float]


def class_name(fixture_class: str) -> str:
    """How a fixture class reads on screen: ``water_closet`` → ``Water closet``."""
    return class_label(fixture_class)


def blank_sheet(width_pt: float, height_pt: float, max_width: int = MAX_DISPLAY_WIDTH) -> bytes:
    """A white PNG with the sheet's proportions, used when the rendered page image is missing."""
    scale = max_width / max(width_pt, 1.0)
    image = Image.new("RGB", (max_width, max(1, int(height_pt * scale))), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def display_png(png: bytes, max_width: int = MAX_DISPLAY_WIDTH, region: Box = WHOLE_SHEET) -> tuple[bytes, int, int]:
    """``region`` (normalized) of the sheet image, at most ``max_width`` pixels wide: (png, width, height).

    Zooming crops the full-resolution render, so a 4× zoom shows the drawing's own detail, not blown-up pixels.
    """
    image: Image.Image = Image.open(io.BytesIO(png))
    image.load()
    if region != WHOLE_SHEET:
        w, h = image.size
        image = image.crop((round(region[0] * w), round(region[1] * h), round(region[2] * w), round(region[3] * h)))
    if image.width > max_width:
        image = image.resize((max_width, round(image.height * max_width / image.width)), Image.Resampling.BILINEAR)
    image = image.convert("L" if image.mode in ("1", "L", "LA", "I", "I;16") else "RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue(), image.width, image.height


def draw_boxes(png: bytes, frame: pl.DataFrame, region: Box = WHOLE_SHEET) -> Image.Image:
    """The sheet (``png`` shows ``region`` of it) with each shown detection drawn as a rectangle in its class
    colour (rejected in grey)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    draw = ImageDraw.Draw(image)
    w, h = image.size
    line = max(2, w // 600)
    sx, sy = w / (region[2] - region[0]), h / (region[3] - region[1])
    for row in frame.filter(pl.col("shown") & _overlaps(region)).iter_rows(named=True):
        box = (
            (row["x0"] - region[0]) * sx,
            (row["y0"] - region[1]) * sy,
            (row["x1"] - region[0]) * sx,
            (row["y1"] - region[1]) * sy,
        )
        rejected = row["status"] == "rejected"
        color = REJECTED_COLOR if rejected else CLASS_COLORS.get(row["label"], "#000000")
        draw.rectangle(box, outline=color, width=1 if rejected else line)
    return image


def _overlaps(region: Box) -> pl.Expr:
    return (
        (pl.col("x1") >= region[0])
        & (pl.col("x0") <= region[2])
        & (pl.col("y1") >= region[1])
        & (pl.col("y0") <= region[3])
    )


def _outline_layer(boxes: Sequence[Box], color: str, dash: list[int], title: str) -> dict[str, Any]:
    rows = [{"x0": b[0], "y0": b[1], "x1": b[2], "y1": b[3], "what": title} for b in boxes]
    return {
        "data": {"values": rows},
        "mark": {"type": "rect", "filled": False, "stroke": color, "strokeWidth": 2, "strokeDash": dash, "clip": True},
        "encoding": {
            "x": {"field": "x0", "type": "quantitative"},
            "x2": {"field": "x1"},
            "y": {"field": "y0", "type": "quantitative"},
            "y2": {"field": "y1"},
            "tooltip": [{"field": "what", "type": "nominal", "title": "box"}],
        },
    }


def review_chart(
    png: bytes,
    width: int,
    height: int,
    frame: pl.DataFrame,
    *,
    region: Box = WHOLE_SHEET,
    selected: Sequence[str] = (),
    candidates: Sequence[Box] = (),
    area: Box | None = None,
) -> dict[str, Any]:
    """Vega-Lite spec: the (zoomed) sheet image under clickable boxes.

    A click on a box selects ``pick``; a drag on the sheet draws ``box`` (an area). ``png`` shows exactly
    ``region``. A plain dict (not Altair) so 500 boxes serialize in milliseconds.
    """
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    axis = {"labels": False, "ticks": False, "grid": False, "title": None, "domain": False}
    x_scale = {"domain": [region[0], region[2]], "nice": False, "zero": False}
    y_scale = {"domain": [region[1], region[3]], "nice": False, "zero": False, "reverse": True}
    chosen = set(selected)
    shown = frame.filter(pl.col("shown") & _overlaps(region)).select(
        "id",
        "status",
        "origin",
        "confidence",
        "tag",
        "x0",
        "y0",
        "x1",
        "y1",
        pl.col("label").replace_strict({c: class_name(c) for c in FIXTURE_CLASSES}, default=pl.col("label")),
        pl.col("id").is_in(list(chosen)).alias("selected"),
    )
    shown = shown.with_columns(
        pl.when(pl.col("status") == "rejected").then(pl.lit("rejected")).otherwise(pl.col("label")).alias("colour")
    )
    names = [class_name(c) for c in FIXTURE_CLASSES]
    colours = {"domain": [*names, "rejected"], "range": [*CLASS_COLORS.values(), REJECTED_COLOR]}
    present = sorted(set(shown["colour"].to_list()), key=lambda c: (c == "rejected", c))
    legend = {
        "title": None,
        "orient": "bottom",
        "columns": 6,
        "values": present,
        "labelFontSize": 12,
        "symbolStrokeWidth": 3,
        "symbolType": "square",
    }
    background = {
        "data": {"values": [{"url": uri, "x": region[0], "y": region[1], "x2": region[2], "y2": region[3]}]},
        "mark": {"type": "image", "aspect": False, "tooltip": None},
        "params": [{"name": "box", "select": {"type": "interval", "encodings": ["x", "y"], "clear": "dblclick"}}],
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
        "mark": {"type": "rect", "clip": True, "cursor": "pointer"},
        "params": [{"name": "pick", "select": {"type": "point", "fields": ["id"], "on": "click"}}],
        "encoding": {
            "x": {"field": "x0", "type": "quantitative"},
            "x2": {"field": "x1"},
            "y": {"field": "y0", "type": "quantitative"},
            "y2": {"field": "y1"},
            "stroke": {"field": "colour", "type": "nominal", "scale": colours, "legend": legend},
            "fill": {"field": "colour", "type": "nominal", "scale": colours, "legend": legend},
            "fillOpacity": {"condition": {"test": "datum.selected", "value": 0.45}, "value": 0.1},
            "strokeOpacity": {"condition": {"test": "datum.status === 'rejected'", "value": 0.6}, "value": 1},
            "strokeWidth": {"condition": {"test": "datum.selected", "value": 4}, "value": 2},
            "tooltip": [
                {"field": "label", "type": "nominal", "title": "type"},
                {"field": "status", "type": "nominal"},
                {"field": "origin", "type": "nominal"},
                {"field": "confidence", "type": "quantitative", "format": ".2f"},
                {"field": "tag", "type": "nominal"},
            ],
        },
    }
    layers = [background, boxes]
    if candidates:
        layers.append(_outline_layer(candidates, CANDIDATE_COLOR, [5, 3], "similar symbol (not counted yet)"))
    if area is not None:
        layers.append(_outline_layer([area], AREA_COLOR, [8, 4], "dragged area"))
    return {
        "width": width,
        "height": height,
        "layer": layers,
        "config": {"view": {"strokeWidth": 0}, "legend": {"labelLimit": 200}, "aria": False},
    }


def highlight_rows(flagged: set[str], column: str, css: str = "background-color: #fde2e1; color: #8a1c1c") -> Callable:
    """A pandas Styler row function that colours rows whose ``column`` value is in ``flagged``."""

    def style(row: Any) -> list[str]:
        return [css if row[column] in flagged else ""] * len(row)

    return style
