"""Precision, recall, confusion and fixture mix from review decisions, on hand-made frames."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelineos.reporting import (
    confidence_calibration,
    confusion,
    fixture_mix,
    frame_from_rows,
    overall_precision,
    precision_by_class,
    review_outcomes,
)

T0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


DETECTIONS = frame_from_rows(
    "detections",
    [
        {
            "id": "d1",
            "blueprint_id": "b",
            "page_index": 0,
            "fixture_class": "water_closet",
            "confidence": 0.95,
        },
        {
            "id": "d2",
            "blueprint_id": "b",
            "page_index": 0,
            "fixture_class": "water_closet",
            "confidence": 0.85,
        },
        {
            "id": "d3",
            "blueprint_id": "b",
            "page_index": 0,
            "fixture_class": "water_closet",
            "confidence": 0.55,
        },
        {"id": "d4", "blueprint_id": "b", "page_index": 0, "fixture_class": "lavatory", "confidence": 0.75},
        {"id": "d5", "blueprint_id": "b", "page_index": 0, "fixture_class": "lavatory", "confidence": 0.65},
    ],
)
DECISIONS = frame_from_rows(
    "decisions",
    [
        {"detection_id": "d1", "blueprint_id": "b", "action": "accept", "created_at": at(1)},
        {"detection_id": "d2", "blueprint_id": "b", "action": "accept", "created_at": at(1)},
        {"detection_id": "d2", "blueprint_id": "b", "action": "reject", "created_at": at(5)},  # changed mind
        {
            "detection_id": "d4",
            "blueprint_id": "b",
            "action": "relabel",
            "fixture_class": "urinal",
            "created_at": at(2),
        },
        {
            "detection_id": None,
            "blueprint_id": "b",
            "action": "add",
            "fixture_class": "lavatory",
            "created_at": at(3),
        },
        {
            "detection_id": None,
            "blueprint_id": "b",
            "action": "add",
            "fixture_class": "urinal",
            "created_at": at(3),
        },
    ],
)


def test_outcomes_use_the_latest_decision():
    out = review_outcomes(DETECTIONS, DECISIONS).sort("id")
    assert out.select("id", "outcome", "final_class").rows() == [
        ("d1", "accepted", "water_closet"),
        ("d2", "rejected", None),
        ("d3", "unreviewed", "water_closet"),
        ("d4", "relabeled", "urinal"),
        ("d5", "unreviewed", "lavatory"),
    ]


def test_precision_and_recall_by_class():
    table = precision_by_class(review_outcomes(DETECTIONS, DECISIONS), DECISIONS)
    rows = {r["fixture_class"]: r for r in table.iter_rows(named=True)}
    assert (rows["water_closet"]["reviewed"], rows["water_closet"]["accepted"]) == (2, 1)
    assert rows["water_closet"]["precision"] == pytest.approx(0.5)
    assert rows["water_closet"]["recall"] == pytest.approx(1.0)
    assert rows["lavatory"]["precision"] == 0.0 and rows["lavatory"]["recall"] == 0.0  # 0 accepted, 1 added
    assert (rows["urinal"]["relabeled_in"], rows["urinal"]["added"], rows["urinal"]["recall"]) == (1, 1, 0.0)
    assert overall_precision(review_outcomes(DETECTIONS, DECISIONS)) == pytest.approx(1 / 3)


def test_confusion_and_calibration_and_mix():
    outcomes = review_outcomes(DETECTIONS, DECISIONS)
    assert confusion(outcomes).rows() == [("lavatory", "urinal", 1)]
    assert confidence_calibration(outcomes, [0.8, 0.9]).rows() == [
        ("[-inf, 0.8)", 1, 0.0),
        ("[0.8, 0.9)", 1, 0.0),
        ("[0.9, inf)", 1, 1.0),
    ]
    # kept: d1, d3 water closets, d4 as urinal, d5 lavatory; plus one lavatory and one urinal added by hand
    assert fixture_mix(outcomes, DECISIONS).rows() == [("lavatory", 2), ("urinal", 2), ("water_closet", 2)]
