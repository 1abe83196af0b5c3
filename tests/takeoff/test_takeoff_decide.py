"""How one tier of templates decides a candidate's class from its row of scores."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipelineos.takeoff.matcher import MARGIN, Match, _decide
from pipelineos.takeoff.templates import TemplateSet

CLASSES = ["hose_bibb", "bathtub", "_negative_sofa"]


def _run(
    rows: list[list[float]],
    drawing_tier: bool = True,
    plausible_bathtub: bool = True,
    duel: Callable[[int, int, int], int] | None = None,
) -> dict[int, Match]:
    templates = TemplateSet(classes=list(CLASSES), sources=["user", "user", "library"])
    scores = np.array(rows, dtype=np.float32)
    floors = np.full(len(CLASSES), 0.7, np.float32)

    def allowed(cls: str) -> np.ndarray:
        return np.full(len(rows), cls != "bathtub" or plausible_bathtub)

    return _decide(scores, templates, np.arange(len(CLASSES)), floors, MARGIN, allowed, drawing_tier, duel)


def test_a_match_far_ahead_of_everything_else_earns_credit_toward_its_threshold() -> None:
    """A small scanned symbol scoring just under the drawing's threshold, far ahead of every other class."""
    found = _run([[0.68, 0.50, 0.40], [0.68, 0.62, 0.40]])
    assert list(found) == [0]
    assert found[0].fixture_class == "hose_bibb"


def test_the_credit_counts_classes_of_any_size_and_only_the_drawings_own_exemplars() -> None:
    """A class ruled out by size still shows the match is not unrivalled; the library earns no credit."""
    assert not _run([[0.68, 0.67, 0.40]], plausible_bathtub=False)
    assert not _run([[0.68, 0.50, 0.40]], drawing_tier=False)
    assert list(_run([[0.72, 0.67, 0.40]], plausible_bathtub=False)) == [0]


def test_a_duel_settles_a_close_call_with_a_look_alike() -> None:
    """The drawing's tub and the library's sofa within a hair: the duel's verdict stands, either way."""
    row = [[0.50, 0.843, 0.845]]
    assert not _run(row)
    assert _run(row, duel=lambda *_: 1)[0].fixture_class == "bathtub"
    assert not _run(row, duel=lambda *_: -1)
    assert not _run(row, duel=lambda *_: 0)
    assert _run([[0.50, 0.86, 0.84]], duel=lambda *_: -1) == {}


def test_a_duel_settles_a_close_call_between_two_fixture_classes() -> None:
    """Two of the drawing's fixtures within the margin: only a duel won by the leader decides it."""
    row = [[0.74, 0.72, 0.40]]
    assert not _run(row)
    assert _run(row, duel=lambda *_: 1)[0].fixture_class == "hose_bibb"
    assert not _run(row, duel=lambda *_: -1)


def test_a_class_passes_when_any_of_its_templates_reaches_its_own_threshold() -> None:
    """A lavatory scores 0.735 on a page exemplar (threshold 0.76) and 0.734 on the legend's (0.72): the legend
    alone accepts it, and the page exemplar scoring a hair higher must not turn it away."""
    classes = ["lavatory", "lavatory", "drinking_fountain", "_negative_sofa"]
    templates = TemplateSet(classes=classes, sources=["page", "legend", "legend", "library"])
    floors = np.array([0.76, 0.72, 0.72, 0.62], np.float32)
    scores = np.array([[0.735, 0.734, 0.659, 0.40], [0.735, 0.70, 0.659, 0.40]], np.float32)

    def allowed(_: str) -> np.ndarray:
        return np.ones(2, dtype=bool)

    found = _decide(scores, templates, np.arange(4), floors, MARGIN, allowed, True)
    assert list(found) == [0]
    assert (found[0].fixture_class, found[0].source, found[0].score) == ("lavatory", "legend", np.float32(0.735))
