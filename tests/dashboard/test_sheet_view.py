"""The sheet view without Streamlit: chart events, zoom and pan, the chart spec, readable labels."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from dashboard.utils.overlay import CLASS_COLORS, WHOLE_SHEET, display_png, review_chart
from dashboard.utils.review import effective_frame
from dashboard.utils.sheet_view import (
    NONCE_KEY,
    apply_chart_event,
    chart_key,
    event_parts,
    ids_in_area,
    pan,
    zoom_factor,
    zoom_region,
)
from dashboard.utils.ui import duration_text, sheet_label


def det(i: int, cls: str, x: float, y: float, conf: float = 0.8) -> dict:
    return {"id": f"d{i}", "page_index": 0, "fixture_class": cls, "x0": x, "y0": y, "x1": x + 0.04,
            "y1": y + 0.04, "confidence": conf, "tag": None}  # fmt: skip


FRAME = effective_frame(
    [det(1, "water_closet", 0.1, 0.1), det(2, "urinal", 0.5, 0.5), det(3, "lavatory", 0.8, 0.8, conf=0.1)],
    {"d2": {"action": "reject", "fixture_class": None}},
    [],
    {},
    show_above=0.3,
    auto_accept_above=0.9,
)


def png_of(w: int, h: int) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("L", (w, h), 255)
    image.paste(0, (0, 0, w // 2, h))  # left half black: a crop shows which part it took
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def event(state: dict, selection: dict | None) -> None:
    """The chart reports ``selection`` under its current key, then its callback runs."""
    key = chart_key(state)
    state[key] = None if selection is None else {"selection": selection}
    apply_chart_event(state, key, "sel", "area")


def test_a_click_toggles_a_box_and_moves_the_chart_to_a_fresh_key():
    state: dict = {}
    first = chart_key(state)
    event(state, {"pick": [{"id": "d1"}], "box": {}})
    assert state["sel"] == ["d1"] and chart_key(state) != first
    apply_chart_event(state, first, "sel", "area")
    assert state["sel"] == ["d1"], "a repeated report from the old chart is ignored"
    event(state, {"pick": [{"id": "d2"}]})
    event(state, {"pick": [{"id": "d1"}]})
    assert state["sel"] == ["d2"], "a second click on the same box unselects it"
    assert state[NONCE_KEY] == 3


def test_a_drag_marks_an_area_clamped_to_the_sheet_and_empty_events_change_nothing():
    state: dict = {"sel": ["d1"]}
    event(state, {"pick": [{"id": "d2"}], "box": {"x": [0.6, -0.2], "y": [0.3, 0.1]}})  # the drag ended on d2
    assert state["area"] == (0.0, 0.1, 0.6, 0.3) and state["sel"] == ["d1"], "a drag selects nothing by itself"
    nonce = state[NONCE_KEY]
    event(state, {"pick": [], "box": {}})
    event(state, None)
    assert state["sel"] == ["d1"] and state[NONCE_KEY] == nonce
    assert event_parts({"selection": {"box": {"x": [0.2, 0.2], "y": [0.1, 0.3]}}}) == ([], None)


@pytest.mark.parametrize(
    ("area", "region"),
    [
        ((0.1, 0.1, 0.2, 0.15), (0.085, 0.06, 0.215, 0.19)),  # the wider side padded by 15 % each way
        ((0.97, 0.97, 0.99, 0.99), (0.9, 0.9, 1.0, 1.0)),  # tiny area at a corner: minimum size, kept inside
        ((0.0, 0.0, 1.0, 1.0), WHOLE_SHEET),
    ],
)
def test_zoom_region_is_square_padded_and_inside_the_sheet(area, region):
    assert zoom_region(area) == pytest.approx(region)


def test_pan_moves_by_half_a_view_and_stops_at_the_edge():
    assert pan((0.2, 0.2, 0.4, 0.4), 0.5, 0) == pytest.approx((0.3, 0.2, 0.5, 0.4))
    assert pan((0.8, 0.0, 1.0, 0.2), 0.5, -0.5) == pytest.approx((0.8, 0.0, 1.0, 0.2))
    assert zoom_factor((0.0, 0.0, 0.25, 0.25)) == 4.0 and zoom_factor(WHOLE_SHEET) == 1.0


def test_ids_in_area_takes_shown_detections_with_their_centre_inside():
    assert ids_in_area(FRAME, (0.0, 0.0, 0.6, 0.6)) == ["d1", "d2"]
    assert ids_in_area(FRAME, (0.7, 0.7, 1.0, 1.0)) == [], "d3 is below the show threshold"


def test_zoomed_image_is_the_crop_of_the_full_render():
    png, w, h = display_png(png_of(400, 200), max_width=100, region=(0.5, 0.0, 1.0, 0.5))
    image = Image.open(io.BytesIO(png))
    assert (w, h) == (100, 50) and image.getpixel((50, 25)) == 255, "the right half is white"
    png, w, h = display_png(png_of(400, 200), max_width=100)
    assert (w, h) == (100, 50) and Image.open(io.BytesIO(png)).getpixel((10, 25)) == 0


def test_chart_spec_has_a_legend_of_present_classes_and_marks_the_selection():
    spec = review_chart(png_of(40, 20), 600, 300, FRAME, selected=["d1"], candidates=[(0.3, 0.3, 0.35, 0.35)])
    background, boxes, candidates = spec["layer"]
    assert background["encoding"]["x"]["scale"]["domain"] == [0.0, 1.0]
    assert base64.b64decode(background["data"]["values"][0]["url"].split(",")[1]).startswith(b"\x89PNG")
    rows = {r["id"]: r for r in boxes["data"]["values"]}
    assert set(rows) == {"d1", "d2"}, "hidden detections are not drawn"
    assert rows["d1"]["selected"] and not rows["d2"]["selected"]
    assert (rows["d1"]["label"], rows["d2"]["colour"]) == ("Water closet", "rejected")
    legend = boxes["encoding"]["stroke"]["legend"]
    assert legend["values"] == ["Water closet", "rejected"]
    scale = boxes["encoding"]["stroke"]["scale"]
    assert scale["range"][scale["domain"].index("Water closet")] == CLASS_COLORS["water_closet"]
    assert boxes["encoding"]["fill"]["legend"] == legend, "one merged legend, not none"
    assert candidates["data"]["values"][0]["x0"] == 0.3


def test_zoomed_chart_shows_only_boxes_in_view():
    spec = review_chart(png_of(40, 20), 600, 300, FRAME, region=(0.0, 0.0, 0.3, 0.3))
    boxes = spec["layer"][1]
    assert [r["id"] for r in boxes["data"]["values"]] == ["d1"]
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0.0, 0.3]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "—"), (40, "40 s"), (720, "12 min"), (3 * 3600 + 300, "3 h 05 min"), (52 * 3600, "2 d 4 h")],
)
def test_duration_text(seconds, text):
    assert duration_text(seconds) == text


def test_sheet_label_joins_number_and_title_as_plain_text():
    assert (
        sheet_label({"page_index": 0, "sheet_number": "P-101", "sheet_title": "FLOOR\n PLAN"}) == "P-101 — FLOOR PLAN"
    )
    assert sheet_label({"page_index": 2, "sheet_number": None, "sheet_title": None}) == "page 3"
