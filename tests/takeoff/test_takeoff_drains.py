"""A drain mark tells a tub from the sofa it resembles once both are shrunk to the matching canvas."""

from __future__ import annotations

import cv2
import numpy as np

from pipelineos.takeoff.drains import has_drain
from pipelineos.takeoff.matcher import MARGIN, _decide
from pipelineos.takeoff.templates import TemplateSet


def _cad_tub(drain: str | None) -> np.ndarray:
    """A CAD office's tub 96×48 px: outline, rim inset 5 px, ledge line, and a drain dot, ring or none."""
    crop = np.zeros((48, 96), np.uint8)
    cv2.rectangle(crop, (0, 0), (95, 47), 1, 1)
    cv2.rectangle(crop, (5, 5), (90, 42), 1, 2)
    crop[14:16, 5:91] = 1
    if drain == "dot":
        cv2.circle(crop, (20, 29), 3, 1, -1)
    elif drain == "ring":
        cv2.circle(crop, (20, 29), 3, 1, 1)
    return crop


def _sofa(cushion: tuple[int, int] | None = None) -> np.ndarray:
    """A sofa 96×46 px: back, two arms, seat; optionally a cushion of that size in its seat."""
    crop = np.zeros((46, 96), np.uint8)
    cv2.rectangle(crop, (0, 0), (95, 13), 1, 2)
    cv2.rectangle(crop, (0, 13), (8, 45), 1, 2)
    cv2.rectangle(crop, (87, 13), (95, 45), 1, 2)
    cv2.rectangle(crop, (8, 13), (87, 42), 1, 2)
    if cushion is not None:
        cv2.rectangle(crop, (30, 22), (30 + cushion[0], 22 + cushion[1]), 1, -1)
    return crop


def test_a_tubs_drain_is_found_and_furniture_has_none() -> None:
    assert has_drain(_cad_tub("dot"))
    assert has_drain(_cad_tub("ring"))
    assert not has_drain(_cad_tub(None))
    assert not has_drain(_sofa())


def test_marks_that_are_no_drain() -> None:
    """A speck, a cushion larger than a drain, and a line's stub are not drains."""
    speck = _cad_tub(None)
    speck[29:31, 20:22] = 1
    assert not has_drain(speck)
    assert not has_drain(_sofa((14, 14)))
    stub = _cad_tub(None)
    stub[28:30, 20:27] = 1
    assert not has_drain(stub)


def test_a_room_names_digits_run_into_a_sofa_are_no_drain() -> None:
    """A room name ("OFFICE 141") printed over a sofa's arm on a scan: the last digit joins the arm, and the
    ones before it, round and drain-sized, lie beside the sofa, not within it."""
    crop = np.zeros((46, 112), np.uint8)
    crop[:, 16:] = _sofa()
    cv2.putText(crop, "14", (1, 30), cv2.FONT_HERSHEY_PLAIN, 0.8, 1, 1)
    assert not has_drain(crop)
    tub = np.zeros((48, 112), np.uint8)
    tub[:, 16:] = _cad_tub("dot")
    cv2.putText(tub, "14", (1, 30), cv2.FONT_HERSHEY_PLAIN, 0.8, 1, 1)
    assert has_drain(tub)


def test_a_drained_tub_is_not_vetoed_by_a_sofa() -> None:
    """The drawing's tub scores 0.81, the library's sofa 0.89: with a drain the tub stands, as a close call
    (its margin at most half the decision margin); without one the sofa vetoes it, and a sink never escapes."""
    classes = ["bathtub", "kitchen_sink", "_negative_sofa"]
    templates = TemplateSet(classes=classes, sources=["legend", "legend", "library"])
    floors = np.array([0.72, 0.72, 0.62], np.float32)
    scores = np.array([[0.81, 0.60, 0.89], [0.60, 0.81, 0.89]], np.float32)

    def allowed(_: str) -> np.ndarray:
        return np.ones(2, dtype=bool)

    def run(drained: bool) -> dict:
        return _decide(scores, templates, np.arange(3), floors, MARGIN, allowed, True, drained=lambda _: drained)

    found = run(True)
    assert list(found) == [0] and found[0].fixture_class == "bathtub"
    assert 0 < found[0].margin <= MARGIN / 2
    assert run(False) == {}

    close = np.array([[0.81, 0.60, 0.84]], np.float32)
    lost = _decide(close, templates, np.arange(3), floors, MARGIN, allowed, True, duel=lambda *_: -1)
    assert lost == {}, "a duel the sofa wins vetoes a tub without a drain"
    kept = _decide(
        close, templates, np.arange(3), floors, MARGIN, allowed, True, duel=lambda *_: -1, drained=lambda _: True
    )
    assert list(kept) == [0], "the drain has the last word over the duel's lines"

    library = TemplateSet(classes=classes, sources=["library", "library", "library"])
    floors = np.full(3, 0.62, np.float32)
    vetoed = _decide(scores, library, np.arange(3), floors, MARGIN, allowed, False, drained=lambda _: False)
    assert vetoed == {}
    found = _decide(scores, library, np.arange(3), floors, MARGIN, allowed, False, drained=lambda _: True)
    assert list(found) == [0], "the library's tub with a drain is no sofa either"
