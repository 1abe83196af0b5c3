"""Review decisions applied to detections: latest decision per detection wins."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelineos.blueprints.processing.errors import ReviewDecisionError
from pipelineos.blueprints.processing.review import apply_decisions

DETECTIONS = [
    {"detection_id": "d1", "page_index": 0, "fixture_class": "water_closet"},
    {"detection_id": "d2", "page_index": 0, "fixture_class": "lavatory"},
    {"detection_id": "d3", "page_index": 1, "fixture_class": "urinal"},
]
SHEETS = {0: "P-101", 1: "P-102"}


def _decision(i: int, action: str, detection_id: str | None, cls: str | None = None, page: int | None = None):
    return {
        "decision_id": f"r{i}",
        "detection_id": detection_id,
        "action": action,
        "fixture_class": cls,
        "page_index": page,
        "created_at": dt.datetime(2026, 1, 1, 0, i),
    }


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        (
            [],
            [
                ("d1", "water_closet", "detected"),
                ("d2", "lavatory", "detected"),
                ("d3", "urinal", "detected"),
            ],
        ),
        ([_decision(1, "reject", "d2")], [("d1", "water_closet", "detected"), ("d3", "urinal", "detected")]),
        (
            [_decision(1, "relabel", "d3", "water_closet")],
            [
                ("d1", "water_closet", "detected"),
                ("d2", "lavatory", "detected"),
                ("d3", "water_closet", "relabeled"),
            ],
        ),
        # the latest decision wins: rejected, then accepted again
        (
            [_decision(1, "reject", "d1"), _decision(2, "accept", "d1")],
            [
                ("d1", "water_closet", "detected"),
                ("d2", "lavatory", "detected"),
                ("d3", "urinal", "detected"),
            ],
        ),
        (
            [_decision(1, "relabel", "d1", "urinal"), _decision(2, "reject", "d1")],
            [("d2", "lavatory", "detected"), ("d3", "urinal", "detected")],
        ),
        (
            [_decision(1, "add", None, "floor_drain", 1)],
            [
                ("d1", "water_closet", "detected"),
                ("d2", "lavatory", "detected"),
                ("d3", "urinal", "detected"),
                ("r1", "floor_drain", "added"),
            ],
        ),
        (
            [_decision(1, "add", None, "floor_drain", 1), _decision(2, "reject", "r1")],
            [
                ("d1", "water_closet", "detected"),
                ("d2", "lavatory", "detected"),
                ("d3", "urinal", "detected"),
            ],
        ),
        # a decision about a detection that no longer exists changes nothing
        (
            [_decision(1, "reject", "gone")],
            [
                ("d1", "water_closet", "detected"),
                ("d2", "lavatory", "detected"),
                ("d3", "urinal", "detected"),
            ],
        ),
    ],
)
def test_apply_decisions(decisions: list[dict], expected: list[tuple[str, str, str]]) -> None:
    frame = apply_decisions("bp-1", DETECTIONS, decisions, SHEETS)
    assert frame.columns == ["detection_id", "page_index", "sheet_number", "fixture_class", "source"]
    got = sorted(zip(frame["detection_id"], frame["fixture_class"], frame["source"], strict=True))
    assert got == sorted(expected)
    sheets = dict(zip(frame["detection_id"], frame["sheet_number"], strict=True))
    assert all(sheets[d] == SHEETS[p] for d, p in zip(frame["detection_id"], frame["page_index"], strict=True))


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (_decision(1, "relabel", "d1", "jacuzzi"), "unknown fixture class 'jacuzzi'"),
        (_decision(1, "add", None, "lavatory", None), "has no page_index"),
        (_decision(1, "explode", "d1"), "unknown action 'explode'"),
        (_decision(1, "add", None, "lavatory", 7), "is on page 8, but the drawing has 2 page(s)"),
    ],
)
def test_malformed_decision_names_blueprint_and_cause(decision: dict, message: str) -> None:
    with pytest.raises(ReviewDecisionError) as info:
        apply_decisions("bp-9", DETECTIONS, [decision], SHEETS)
    assert "blueprint bp-9" in str(info.value)
    assert message in str(info.value)
    assert "review decision r1" in str(info.value)
