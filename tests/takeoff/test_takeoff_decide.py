"""How one tier of templates decides a candidate's class from its row of scores."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipelineos.takeoff.matcher import MARGIN, Match, _decide
from pipelineos.takeoff.symbols.detect import settle_readings
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


def test_two_readings_of_one_symbol_are_settled_by_score_not_by_a_long_lead() -> None:
    """Seed 31 scan-001: a lavatory's bare reading matches the lavatory (0.858, lead 0.126); the reading with
    the wall's face added matches the clothes washer less well (0.828) but leads it further (0.17). The
    lavatory is kept; a third candidate, a symbol of its own, is untouched."""
    thresholds = {"user": 0.7}
    hits = [
        Match(0, "lavatory", 0.858, 0.126, "user"),
        Match(1, "clothes_washer", 0.828, 0.17, "user"),
        Match(2, "clothes_washer", 0.828, 0.17, "user"),
    ]
    symbols = np.array([0, 0, 1])
    kept = settle_readings(hits, symbols, thresholds)
    assert [(h.index, h.fixture_class) for h in kept] == [(0, "lavatory"), (2, "clothes_washer")]
    assert settle_readings(hits, None, thresholds) == hits


def test_a_lead_short_of_doubt_still_counts_when_readings_are_settled() -> None:
    """Seed 7 held_out-010: a water heater's reading leads by 0.09 at 0.837; the other reading, a drinking
    fountain at 0.854, leads by only 0.048. Score plus lead (up to SETTLING_LEAD) keeps the heater."""
    thresholds = {"page": 0.76}
    hits = [Match(4, "water_heater", 0.837, 0.09, "page"), Match(5, "drinking_fountain", 0.854, 0.048, "page")]
    kept = settle_readings(hits, np.array([0, 0, 0, 0, 3, 3]), thresholds)
    assert [h.fixture_class for h in kept] == ["water_heater"]
