"""Fixture schedule parsing, tag vocabulary and reconciliation."""

from __future__ import annotations

from pathlib import Path

import pytest
from takeoff_helpers import truth_of

from pipelineos.takeoff.inputs import load_page
from pipelineos.takeoff.models import Detection, ScheduleRow
from pipelineos.takeoff.schedule import class_from_text, normalize_tag, parse_schedule, reconcile, tag_class


@pytest.mark.parametrize(
    ("text", "cls"),
    [
        ("WATER CLOSET - FLUSH VALVE", "water_closet"),
        ("Lavatory, wall hung", "lavatory"),
        ("ELECTRIC WATER COOLER", "drinking_fountain"),
        ("MOP SINK", "service_sink"),
        ("FLOOR DRAIN", "floor_drain"),
        ("WALL HYDRANT", "hose_bibb"),
        ("BAR SINK", "kitchen_sink"),
        ("WASHER BOX", "clothes_washer"),
        ("GAS WATER HEATER", "water_heater"),
        ("W.C. - FLOOR MOUNTED", "water_closet"),
        ("LAV. (ADA)", "lavatory"),
        ("TUB/SHOWER", "bathtub"),
        ("LAUNDRY BOX", "clothes_washer"),
        ("LAVENDER", None),
        ("WCO", None),
        ("DOOR", None),
        ("SINK", "kitchen_sink"),
        ("SEAVICE SINK", "service_sink"),  # as Tesseract read a scanned legend: not a kitchen sink
        ("LAVAT0RY", "lavatory"),
        ("WATER HEATEA", "water_heater"),
        ("FL00R DRAIN", "floor_drain"),
        ("FLOOR-DRAIN", "floor_drain"),  # a speck between the words of a scanned legend label
        ("WATER.HEATER", "water_heater"),
        ("HEATED FLOOR", None),
        ("TUBE", None),
        ("CLOSET", None),
    ],
)
def test_class_from_text(text: str, cls: str | None) -> None:
    assert class_from_text(text) == cls


@pytest.mark.parametrize(
    ("text", "tag"),
    [("WC-1", "WC-1"), ("wc1", "WC-1"), ("LAV-2.", "LAV-2"), ("P-12", "P-12"), ("ROOM", None), ("12", None)],
)
def test_normalize_tag(text: str, tag: str | None) -> None:
    assert normalize_tag(text) == tag


def test_tag_class_prefers_schedule() -> None:
    schedule = [ScheduleRow("P-1", "urinal"), ScheduleRow("L-1", "lavatory")]
    assert tag_class("P-1", schedule) == "urinal"
    assert tag_class("P-9", schedule) is None
    assert tag_class("WC-3", []) == "water_closet"


@pytest.mark.parametrize(
    ("tag", "fixture_class"),
    [
        ("EDF-1", "drinking_fountain"),
        ("BF-2", "drinking_fountain"),
        ("HWH-1", "water_heater"),
        ("IWH-1", "water_heater"),
    ],
)
def test_default_map_knows_electric_fountains_and_instantaneous_heaters(tag: str, fixture_class: str) -> None:
    assert tag_class(tag, []) == fixture_class


@pytest.mark.parametrize("sheet", [0, 1])
def test_schedule_matches_truth(plan_set: list[Path], sheet: int) -> None:
    path = plan_set[sheet]
    rows, boxes = parse_schedule(load_page(path, 0, dpi=20).words)
    truth = truth_of(path)["schedule"]
    assert [(r.tag, r.quantity, r.manufacturer) for r in rows] == [
        (t["tag"], t["qty"], t["manufacturer"]) for t in truth
    ]
    assert all(r.fixture_class for r in rows) and len(boxes) == 1


def test_reconcile_reports_differences() -> None:
    schedule = [ScheduleRow("WC-1", "water_closet", quantity=3)]
    dets = [
        Detection("water_closet", (0, 0, 0.1, 0.1), 0.9, "text_tag", tag="WC-1"),
        Detection("urinal", (0.2, 0, 0.3, 0.1), 0.9, "text_tag", tag="UR-1"),
    ]
    notes = reconcile(schedule, dets)
    assert any("WC-1" in n and "3" in n for n in notes)
    assert any("UR-1" in n for n in notes)
    assert reconcile(schedule, dets[:1] * 3) == []
