"""Where a click on the sheet puts a missed fixture and how big it is (no Streamlit)."""

from __future__ import annotations

import pytest

from dashboard.utils.click_add import (
    CLICK_REASON,
    DEFAULT_SIZE,
    box_around,
    click_decision,
    click_point,
    typical_size,
    undo_last_add,
)
from dashboard.utils.review import ReviewInputError, add_pending, make_decision, pending_for


def box(cls: str, x0: float, y0: float, w: float, h: float) -> dict:
    return {"fixture_class": cls, "x0": x0, "y0": y0, "x1": x0 + w, "y1": y0 + h}


@pytest.mark.parametrize(
    ("value", "region", "expected"),
    [
        ({"x": 380, "y": 123, "width": 760, "height": 492}, (0, 0, 1, 1), (0.5, 0.25)),
        ({"x": 0, "y": 492, "width": 760, "height": 492}, (0, 0, 1, 1), (0.0, 1.0)),
        ({"x": 380, "y": 246, "width": 760, "height": 492}, (0.2, 0.4, 0.4, 0.6), (0.3, 0.5)),
        ({"x": 800, "y": 10, "width": 760, "height": 492}, (0, 0, 1, 1), None),
        ({"x": 1, "y": 1, "width": 0, "height": 0}, (0, 0, 1, 1), None),
        ({"x": "nan?", "y": 1, "width": 10, "height": 10}, (0, 0, 1, 1), None),
        (None, (0, 0, 1, 1), None),
    ],
)
def test_click_point_maps_display_pixels_to_sheet_fractions(value, region, expected):
    assert click_point(value, region) == expected


def test_typical_size_is_the_median_of_the_class_then_of_the_sheet():
    boxes = [
        box("urinal", 0.1, 0.1, 0.02, 0.04),
        box("urinal", 0.3, 0.1, 0.04, 0.06),
        box("urinal", 0.5, 0.1, 0.03, 0.05),
    ]
    boxes += [box("lavatory", 0.1, 0.5, 0.1, 0.1)]
    assert typical_size(boxes, "urinal") == pytest.approx((0.03, 0.05))
    assert typical_size(boxes, "shower") == pytest.approx((0.035, 0.055)), "no shower: median of every box"
    assert typical_size([], "shower") == DEFAULT_SIZE


def test_box_around_stays_inside_the_sheet():
    assert box_around((0.5, 0.5), (0.1, 0.2)) == pytest.approx((0.45, 0.4, 0.55, 0.6))
    assert box_around((0.01, 0.99), (0.1, 0.2)) == pytest.approx((0.0, 0.8, 0.1, 1.0))
    assert box_around((0.5, 0.5), (2.0, 0.1)) == pytest.approx((0.0, 0.45, 1.0, 0.55))


def test_click_decision_is_an_add_with_a_reason():
    d = click_decision([box("urinal", 0.1, 0.1, 0.02, 0.04)], (0.5, 0.5), "urinal", 2)
    assert (d.action, d.fixture_class, d.page_index, d.detection_id) == ("add", "urinal", 2, None)
    assert (d.x0, d.y0, d.x1, d.y1) == pytest.approx((0.49, 0.48, 0.51, 0.52))
    assert d.reason == CLICK_REASON
    assert click_decision([], (0.5, 0.5), "urinal", 0, reason="behind the door").reason == "behind the door"
    with pytest.raises(ReviewInputError):
        click_decision([], (0.5, 0.5), "bathtub_of_gold", 0)


def test_undo_last_add_removes_only_the_newest_added_fixture():
    state: dict = {}
    first = click_decision([], (0.2, 0.2), "urinal", 0)
    second = click_decision([], (0.6, 0.6), "lavatory", 0)
    add_pending(state, "bp", [first, make_decision("reject", "det-1"), second])
    assert undo_last_add(state, "bp")
    assert [d["fixture_class"] for d in pending_for(state, "bp").values() if d["action"] == "add"] == ["urinal"]
    assert undo_last_add(state, "bp")
    assert not undo_last_add(state, "bp")
    assert list(pending_for(state, "bp")) == ["det-1"], "the reject stays"
