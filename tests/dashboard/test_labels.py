"""Raw values become human labels on screen; exports keep the raw values."""

from __future__ import annotations

import polars as pl

from dashboard.utils.labels import FIXTURE_LABELS, class_label, csv_bytes, with_labels
from pipelineos.takeoff.models import FIXTURE_CLASSES


def test_every_fixture_class_has_a_sentence_case_label():
    assert class_label("water_closet") == "Water closet"
    assert class_label("in_progress") == "In progress"
    assert class_label(None) == ""
    assert set(FIXTURE_LABELS) == set(FIXTURE_CLASSES)
    assert all(" " not in c or "_" not in label for c, label in FIXTURE_LABELS.items())
    assert all(label[0].isupper() and "_" not in label for label in FIXTURE_LABELS.values())


def test_with_labels_changes_only_the_named_text_columns():
    frame = pl.DataFrame({"fixture_class": ["hose_bibb", None], "status": ["sent", "draft"], "n": [1, 2]})
    shown = with_labels(frame, "fixture_class", "n", "missing")
    assert shown["fixture_class"].to_list() == ["Hose bibb", None]
    assert shown["status"].to_list() == ["sent", "draft"] and shown["n"].to_list() == [1, 2]
    assert frame["fixture_class"].to_list() == ["hose_bibb", None], "the frame itself is untouched"


def test_csv_export_keeps_raw_values():
    frame = pl.DataFrame({"fixture_class": ["water_closet"], "n": [3]})
    assert csv_bytes(frame).decode().splitlines() == ["fixture_class,n", "water_closet,3"]
