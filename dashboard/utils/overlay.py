"""Drawing detections on a sheet: a PIL image for export and an interactive Altair chart for the review page.

Coordinates are the normalized boxes of ``fixture_detections`` (0..1, origin top-left). Colours are fixed per
fixture class so an estimator learns them; rejected boxes are grey and dashed.
"""

from __future__ import annotations

import base64
import io

import altair as alt
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
    image = image.convert("RGB")
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


def review_chart(png: bytes, width: int, height: int, frame: pl.DataFrame) -> alt.LayerChart:
    """Sheet image + clickable boxes: click (shift-click for more) selects ``pick``; drag draws ``box``."""
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    x_scale = alt.Scale(domain=[0, 1], nice=False, zero=False)
    y_scale = alt.Scale(domain=[0, 1], nice=False, zero=False, reverse=True)
    axis = alt.Axis(labels=False, ticks=False, grid=False, title=None, domain=False)
    box = alt.selection_interval(name="box", encodings=["x", "y"], empty=False)
    background = (
        alt.Chart(alt.Data(values=[{"url": uri, "x": 0, "y": 0, "x2": 1, "y2": 1}]))
        .mark_image(aspect=False, tooltip=None)
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=axis),
            x2="x2:Q",
            y=alt.Y("y:Q", scale=y_scale, axis=axis),
            y2="y2:Q",
            url="url:N",
        )
        .add_params(box)
    )
    shown = frame.filter(pl.col("shown")).select(
        "id", "label", "status", "origin", "confidence", "tag", "x0", "y0", "x1", "y1"
    )
    pick = alt.selection_point(name="pick", fields=["id"], on="click", toggle="event.shiftKey")
    colors = alt.Scale(domain=[*FIXTURE_CLASSES, "rejected"], range=[*_PALETTE, REJECTED_COLOR])
    boxes = (
        alt.Chart(
            alt.Data(
                values=shown.with_columns(
                    pl.when(pl.col("status") == "rejected")
                    .then(pl.lit("rejected"))
                    .otherwise(pl.col("label"))
                    .alias("colour")
                ).to_dicts()
            )
        )
        .mark_rect(fillOpacity=0.12, strokeWidth=2)
        .encode(
            x=alt.X("x0:Q", scale=x_scale, axis=axis),
            x2="x1:Q",
            y=alt.Y("y0:Q", scale=y_scale, axis=axis),
            y2="y1:Q",
            stroke=alt.Stroke(
                "colour:N", scale=colors, legend=alt.Legend(title="Fixture type", orient="bottom")
            ),
            fill=alt.Fill("colour:N", scale=colors, legend=None),
            strokeDash=alt.condition("datum.status == 'rejected'", alt.value([4, 3]), alt.value([1, 0])),
            strokeWidth=alt.condition(pick, alt.value(4), alt.value(2)),
            tooltip=["label:N", "status:N", "origin:N", alt.Tooltip("confidence:Q", format=".2f"), "tag:N"],
        )
        .add_params(pick)
    )
    return alt.layer(background, boxes).properties(width=width, height=height).configure_view(strokeWidth=0)


def highlight_rows(flagged: set[str], column: str, css: str = "background-color: #fde2e1; color: #8a1c1c"):  # type: ignore[no-untyped-def]
    """A pandas Styler row function that colours rows whose ``column`` value is in ``flagged``."""

    def style(row):  # type: ignore[no-untyped-def]
        return [css if row[column] in flagged else ""] * len(row)

    return style
