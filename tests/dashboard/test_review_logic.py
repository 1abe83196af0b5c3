"""The review rules, overlay drawing, symbol search, CSV import and error messages, without Streamlit."""

from __future__ import annotations

import io
import random

import psycopg
import pytest
from PIL import Image

from dashboard.utils.db import readable_error
from dashboard.utils.overlay import CLASS_COLORS, REJECTED_COLOR, draw_boxes
from dashboard.utils.review import (
    ReviewInputError,
    add_pending,
    counts_by_sheet,
    effective_frame,
    hidden_undecided,
    make_decision,
    pending_for,
    schedule_mismatches,
)
from dashboard.utils.similar import find_similar
from dashboard.utils.ui import escape_md
from pipelineos.errors import NotFoundError
from pipelineos.reporting.demo import _layout, sheet_png


def det(i: int, cls: str, conf: float, page: int = 0) -> dict:
    return {
        "id": f"d{i}",
        "page_index": page,
        "fixture_class": cls,
        "x0": 0.1 * i,
        "y0": 0.1,
        "x1": 0.1 * i + 0.05,
        "y1": 0.2,
        "confidence": conf,
        "tag": None,
    }


DETECTIONS = [
    det(1, "water_closet", 0.95),
    det(2, "water_closet", 0.50),
    det(3, "lavatory", 0.20),
    det(4, "lavatory", 0.60, page=1),
    det(5, "urinal", 0.10, page=1),
]


def test_effective_frame_applies_thresholds_and_decisions():
    saved = {"d2": {"action": "reject", "fixture_class": None}}
    pending = {
        "d4": {"action": "relabel", "fixture_class": "kitchen_sink"},
        "d5": {"action": "accept", "fixture_class": None},
    }
    added = [
        {
            "id": "a1",
            "page_index": 0,
            "fixture_class": "floor_drain",
            "x0": 0.5,
            "y0": 0.5,
            "x1": 0.6,
            "y1": 0.6,
        }
    ]
    frame = effective_frame(DETECTIONS, saved, added, pending, show_above=0.3, auto_accept_above=0.9)
    got = {
        r["id"]: (r["label"], r["status"], r["origin"], r["shown"], r["counted"]) for r in frame.iter_rows(named=True)
    }
    assert got == {
        "d1": ("water_closet", "accepted", "auto", True, True),
        "d2": ("water_closet", "rejected", "saved", True, False),
        "d3": ("lavatory", "undecided", "detector", False, True),
        "d4": ("kitchen_sink", "accepted", "unsaved", True, True),
        "d5": ("urinal", "accepted", "unsaved", True, True),
        "a1": ("floor_drain", "accepted", "added (saved)", True, True),
    }


def test_counts_by_sheet_pivots_counted_fixtures():
    saved = {"d5": {"action": "reject", "fixture_class": None}}
    frame = effective_frame(DETECTIONS, saved, [], {}, show_above=0.3, auto_accept_above=0.9)
    table = counts_by_sheet(frame, {0: "P-101", 1: "P-102"})
    assert table.columns == ["fixture type", "P-101", "P-102", "total"]
    assert table.rows() == [("lavatory", 1, 1, 2), ("water_closet", 2, 0, 2)]  # d3 hidden yet counted


def test_hidden_undecided_lists_what_the_threshold_hides():
    frame = effective_frame(DETECTIONS, {"d5": {"action": "accept", "fixture_class": None}}, [], {}, 0.3, 0.9)
    assert hidden_undecided(frame) == ["d3"]


def test_schedule_mismatches_report_both_directions():
    got = schedule_mismatches(
        {"water_closet": 4, "lavatory": 3, "urinal": 1}, {"water_closet": 4, "lavatory": 4, "floor_drain": 2}
    )
    assert got == [
        {"fixture type": "floor_drain", "schedule": 2, "counted": 0, "difference": -2},
        {"fixture type": "lavatory", "schedule": 4, "counted": 3, "difference": -1},
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action": "approve", "detection_id": "d1"}, "Unknown review action"),
        ({"action": "relabel", "detection_id": "d1", "fixture_class": "toilet"}, "Choose a fixture type"),
        ({"action": "accept"}, "Select a detection"),
        (
            {"action": "add", "fixture_class": "urinal", "page_index": 0, "bbox": (0.5, 0.5, 0.4, 0.6)},
            "inside the sheet",
        ),
        (
            {"action": "add", "fixture_class": "urinal", "page_index": 0, "bbox": (0.1, 0.1, 1.2, 0.2)},
            "inside the sheet",
        ),
    ],
)
def test_bad_decisions_are_refused_with_a_message(kwargs, message):
    with pytest.raises(ReviewInputError, match=message):
        make_decision(**kwargs)


def test_later_pending_decision_replaces_the_earlier_one():
    state: dict = {}
    add_pending(state, "bp", [make_decision("accept", "d1")])
    add_pending(state, "bp", [make_decision("relabel", "d1", "urinal")])
    assert list(pending_for(state, "bp").values()) == [
        {
            "action": "relabel",
            "detection_id": "d1",
            "fixture_class": "urinal",
            "page_index": None,
            "x0": None,
            "y0": None,
            "x1": None,
            "y1": None,
            "reason": "wrong fixture type",
        }
    ]
    assert pending_for(state, "other") == {}


def test_draw_boxes_uses_class_colours_and_grey_for_rejected():
    canvas = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(canvas, format="PNG")
    frame = effective_frame(
        [det(1, "water_closet", 0.95), det(2, "urinal", 0.95)],
        {"d2": {"action": "reject", "fixture_class": None}},
        [],
        {},
        0.3,
        0.9,
    )
    image = draw_boxes(canvas.getvalue(), frame)
    assert image.getpixel((20, 15)) == Image.new("RGB", (1, 1), CLASS_COLORS["water_closet"]).getpixel((0, 0))
    assert image.getpixel((40, 15)) == Image.new("RGB", (1, 1), REJECTED_COLOR).getpixel((0, 0))
    assert image.getpixel((100, 80)) == (255, 255, 255)


def test_find_similar_finds_the_same_symbol_elsewhere_and_skips_counted_ones():
    layout = _layout(random.Random(0), 40)
    png = sheet_png(layout)
    first_cls, exemplar, _ = layout[0]
    same = [box for cls, box, _ in layout if cls == first_cls and box != exemplar]
    found = find_similar(png, exemplar, existing=same[:2], threshold=0.8, limit=50)
    boxes = [b for b, _ in found]
    hits = [s for s in same[2:] if any(abs(b[0] - s[0]) < 0.01 and abs(b[1] - s[1]) < 0.01 for b in boxes)]
    assert len(hits) == len(same) - 2
    assert all(not (abs(b[0] - s[0]) < 0.01 and abs(b[1] - s[1]) < 0.01) for b in boxes for s in same[:2])


def test_errors_read_as_sentences_without_internals():
    assert readable_error(NotFoundError("No blueprint with id 'x'."), "open it") == "No blueprint with id 'x'."
    db_down = readable_error(psycopg.OperationalError("connection refused on /tmp/.s.PGSQL"), "load the leads")
    assert db_down.startswith("Could not load the leads: the database is not reachable")
    assert "/tmp" not in db_down
    internal = readable_error(KeyError("secret_column"), "save")
    assert "internal error (reference " in internal and "secret_column" not in internal


def test_escape_md_neutralises_markup():
    assert escape_md("**x** <b>[a](javascript:1)</b>") == r"\*\*x\*\* \<b\>\[a\]\(javascript\:1\)\</b\>"
