"""Scale-, rotation- and mirror-invariant symbol matching by symmetric chamfer distance and ink coverage.

Candidates and templates are normalized canvases (see :mod:`pipelineos.takeoff.templates`), so scale drops
out; templates carry their 8 dihedral variants. Scores for all candidate/template pairs of a size band come
from a few matrix products, which keeps a dense sheet well under a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pipelineos.takeoff.drains import DRAINED_CLASSES, has_drain
from pipelineos.takeoff.duel import duel, settled
from pipelineos.takeoff.raster import CANVAS, FINE_CANVAS, Candidates
from pipelineos.takeoff.scale import plausible
from pipelineos.takeoff.similarity import contested, inner_recall, rescore_fine, score_matrix
from pipelineos.takeoff.templates import NEGATIVE, TemplateSet, combined, fine_masks

MARGIN = 0.04
"""How much better than any other fixture class or non-fixture symbol a candidate's best class must score."""
LEAD_CREDIT = 0.3
"""Against the drawing's own exemplars, each point of lead beyond the margin counts this much towards the
threshold: a small scanned symbol loses similarity to noise and blur, yet one that resembles the drawing's own
exemplar far more than anything else (any other class, of a plausible size or not) is that fixture."""


@dataclass(frozen=True)
class Match:
    """Best template for one candidate: raw similarity, lead over the runner-up, and the template's source."""

    index: int
    fixture_class: str
    score: float
    margin: float
    source: str


DUEL_BAND = 0.05
"""A fixture and a non-fixture symbol scoring this close are told apart by a duel (see :mod:`duel`)."""
INNER_FLOOR = 0.4
"""Share of the drawing's own symbol's inner lines a candidate must draw to be that fixture (see
:func:`pipelineos.takeoff.similarity.inner_recall`)."""


TIERS: tuple[tuple[str, ...], ...] = (("user", "legend", "tagged", "page"), ("library",))
"""Template sources in order of authority: the drawing's own symbols decide first, the built-in library after.

``page`` templates are fixtures of the page itself that an earlier decision recognised beyond doubt (see
:func:`pipelineos.takeoff.symbols.detect.page_exemplars`)."""


def _decide(
    scores: np.ndarray,
    templates: TemplateSet,
    columns: np.ndarray,
    floors: np.ndarray,
    margin: float,
    allowed: Callable[[str], np.ndarray],
    drawing_tier: bool,
    duel: Callable[[int, int, int], int] | None = None,
    drained: Callable[[int], bool] | None = None,
    inner: Callable[[int, int], float] | None = None,
) -> dict[int, Match]:
    """Matches among ``columns`` of the score matrix (one tier of fixture templates plus the negatives).

    ``allowed(cls)`` says which rows may be of that class at all (their size fits it). Against the library
    tier a non-fixture symbol within ``margin`` of the best fixture vetoes it; against the drawing's own
    exemplars (``drawing_tier``) it vetoes only when it beats the fixture outright, because the drawing's
    symbol is better evidence than our furniture. Where the call is close (within DUEL_BAND either way),
    ``duel(row, fixture_column, negative_column)`` may settle it (+1 the fixture, -1 the non-fixture symbol;
    see :mod:`pipelineos.takeoff.duel`); a fixture leading another by less than ``margin`` is decided only by a
    duel it wins. A match a duel decided keeps its small lead as its margin: it was a close call, and neither
    measures the sheet's scale nor lends its ink as a page exemplar.

    In either tier, a tub or shower whose candidate holds a drain mark (``drained(row)``, see
    :mod:`pipelineos.takeoff.drains`) is not vetoed by a non-fixture symbol: furniture has no drain. Its
    margin is then its lead over other fixtures, at most half the decision margin: it neither measures the scale
    nor lends its ink as a page exemplar.

    The class passes when any of its templates reaches its own source's threshold: a page exemplar (held to a
    higher one) scoring a hair above the legend's symbol must not turn away what the legend alone accepts.

    Against the drawing's own exemplars, the candidate must also draw INNER_FLOOR of the best template's inner
    lines (``inner(row, column)``): the drawing's dishwasher, a square with a diagonal, is not its chairs, squares
    with a back rail, however alike their outlines score.
    """
    classes = np.array(templates.classes)[columns]
    sub = scores[:, columns]
    is_negative = np.char.startswith(classes.astype(str), NEGATIVE)
    names = sorted({str(c) for c in classes[~is_negative]})
    if not names:
        return {}
    raw = np.stack([np.where(classes == n, sub, -9.0).max(axis=1) for n in names], axis=1)
    per_class = np.where(np.stack([allowed(n) for n in names], axis=1), raw, -9.0)
    negative_sub = np.where(is_negative[None, :], sub, -9.0)
    negative = negative_sub.max(axis=1)
    order = np.argsort(-per_class, axis=1)
    found: dict[int, Match] = {}
    for i in range(len(sub)):
        best = order[i, 0]
        top = float(per_class[i, best])
        rival = float(per_class[i, order[i, 1]]) if len(names) > 1 else -9.0
        nearest = float(negative[i])
        vetoed = nearest > top if drawing_tier else top - nearest < margin
        j = int(np.argmax(np.where(classes == names[best], sub[i], -9.0)))
        ahead = top - rival >= margin
        if duel is not None and top >= floors[columns[j]] - DUEL_BAND:
            if abs(top - nearest) < DUEL_BAND:
                verdict = duel(i, int(columns[j]), int(columns[int(np.argmax(negative_sub[i]))]))
                vetoed = verdict < 0 if verdict else vetoed
            if 0 <= top - rival < margin:
                k = int(np.argmax(np.where(classes == names[order[i, 1]], sub[i], -9.0)))
                ahead = duel(i, int(columns[j]), int(columns[k])) > 0
        drain_kept = vetoed and drained is not None and names[best] in DRAINED_CLASSES and drained(i)
        vetoed &= not drain_kept
        lead = min(top - rival, margin / 2) if drain_kept else top - max(rival, nearest)
        credit = 0.0
        if drawing_tier:
            unrivalled = top - max(float(np.delete(raw[i], best).max(initial=-9.0)), nearest)
            credit = LEAD_CREDIT * max(0.0, unrivalled - margin)
        headroom = np.where(classes == names[best], sub[i] - floors[columns], -9.0)
        passing = int(np.argmax(headroom))
        if headroom[passing] + credit >= 0 and ahead and not vetoed:
            if drawing_tier and inner is not None and inner(i, int(columns[j])) < INNER_FLOOR:
                continue
            found[i] = Match(i, names[best], top, lead, templates.sources[columns[passing]])
    return found


class Matcher:
    """Decides which candidates are which fixtures; the expensive scores are computed once per page.

    Tier by tier (the drawing's own exemplars, then the library), classes compete on raw similarity: the best
    fixture template must reach its source's threshold (``thresholds[source]``, or ``thresholds["source:class"]``
    where one class needs more) and beat the best template of every other fixture class
    of the tier by ``margin``, and must not be vetoed by a non-fixture symbol (see :func:`_decide`). A candidate
    the drawing's own exemplars claim is not reconsidered against the library. A threshold may also be given
    for one size band, as ``thresholds["source:class:band"]``.
    """

    def __init__(
        self, candidates: Candidates, templates: TemplateSet, thresholds: dict[str, float], margin: float = MARGIN
    ) -> None:
        self.candidates, self.templates, self.margin = candidates, templates, margin
        self.thresholds = thresholds
        self.scores = score_matrix(candidates, templates)
        self.fine_rows = contested(self.scores, templates, candidates)
        self.fine_masks = fine_masks([candidates.crops[i] for i in self.fine_rows]) if len(self.fine_rows) else None
        self._fine_of = {int(row): k for k, row in enumerate(self.fine_rows)}
        self._rescore_fine(self.scores, templates)
        self._index_templates()

    def _rescore_fine(self, scores: np.ndarray, templates: TemplateSet) -> None:
        if self.fine_masks is not None:
            rescore_fine(scores, self.candidates, templates, self.fine_rows, self.fine_masks)

    def _canvas(self, index: int, columns: list[int]) -> tuple[np.ndarray, np.ndarray, float]:
        """Candidate ``index`` and the templates ``columns`` on the canvas its scores come from (the fine one for
        candidates compared again there, when every template has a drawing for it), with that canvas's zoom."""
        fine = self._fine_of.get(index)
        drawn = all(self.templates.drawings[c] is not None for c in columns)
        if fine is not None and self.fine_masks is not None and drawn:
            return self.fine_masks[fine], self.templates.fine_stack(np.array(columns)), FINE_CANVAS / CANVAS
        return self.candidates.masks[index], np.stack([self.templates.masks[c] for c in columns]), 1.0

    def duel(self, index: int, first: int, second: int) -> int:
        """The duel (see :mod:`pipelineos.takeoff.duel`) of candidate ``index`` between two template columns."""
        candidate, (a, b), zoom = self._canvas(index, [first, second])
        return settled(duel(candidate, a, b, zoom))

    def inner(self, index: int, column: int) -> float:
        """:func:`pipelineos.takeoff.similarity.inner_recall` of candidate ``index`` and template ``column``."""
        candidate, (template,), zoom = self._canvas(index, [column])
        return inner_recall(candidate, template, zoom)

    def _index_templates(self) -> None:
        self.sources = np.array(self.templates.sources)
        self.negative = np.char.startswith(np.array(self.templates.classes).astype(str), NEGATIVE)
        self.floors = np.array(
            [
                self._floor(src, cls, bands)
                for src, cls, bands in zip(
                    self.templates.sources, self.templates.classes, self.templates.bands, strict=True
                )
            ],
            dtype=np.float32,
        )

    def _floor(self, source: str, fixture_class: str, bands: int) -> float:
        """A template's threshold: ``source:class:band`` (its smallest band), else ``source:class``, else ``source``."""
        band = (bands & -bands).bit_length() - 1
        for key in (f"{source}:{fixture_class}:{band}", f"{source}:{fixture_class}", source):
            if key in self.thresholds:
                return self.thresholds[key]
        raise KeyError(source)

    def extend(self, extra: TemplateSet) -> None:
        """Add templates; only their own scores are computed, the existing ones are kept."""
        if not len(extra):
            return
        scores = score_matrix(self.candidates, extra)
        self._rescore_fine(scores, extra)
        self.scores = np.concatenate([self.scores, scores], axis=1)
        self.templates = combined(self.templates, extra)
        self._index_templates()

    def decide(self, sizes_pt: np.ndarray | None = None, pt_per_in: float | None = None) -> list[Match]:
        """The matches; with the sheet's scale and the candidates' longer sides (points), a class competes only
        for candidates of a plausible size for it."""
        if len(self.candidates) == 0 or not self.templates.fixture_classes:
            return []
        found: dict[int, Match] = {}
        negatives = np.flatnonzero(self.negative)
        for tier in TIERS:
            columns = np.flatnonzero(np.isin(self.sources, tier) & ~self.negative)
            rows = np.array([i for i in range(len(self.candidates)) if i not in found], dtype=np.int64)
            if not len(columns) or not len(rows):
                continue
            rows_pt = sizes_pt[rows] if sizes_pt is not None else np.zeros(len(rows))
            scale = pt_per_in if sizes_pt is not None else None

            def allowed(cls: str, rows_pt: np.ndarray = rows_pt, scale: float | None = scale) -> np.ndarray:
                return plausible(cls, rows_pt, scale)

            def settle(row: int, first: int, second: int, rows: np.ndarray = rows) -> int:
                return self.duel(int(rows[row]), first, second)

            def drained(row: int, rows: np.ndarray = rows) -> bool:
                return has_drain(self.candidates.crops[int(rows[row])])

            def inner(row: int, column: int, rows: np.ndarray = rows) -> float:
                return self.inner(int(rows[row]), column)

            decided = _decide(
                self.scores[rows],
                self.templates,
                np.concatenate([columns, negatives]),
                self.floors,
                self.margin,
                allowed,
                "library" not in tier,
                settle,
                drained,
                inner,
            )
            for row, hit in decided.items():
                index = int(rows[row])
                found[index] = Match(index, hit.fixture_class, hit.score, hit.margin, hit.source)
        return [found[i] for i in sorted(found)]


def _leaders(
    scores: np.ndarray, classes: np.ndarray, names: list[str], columns: np.ndarray, rival: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best class (index into ``names``), its score and its lead over the next class and ``rival``, per row."""
    per_class = np.stack([np.where((classes == n) & columns, scores, -9.0).max(axis=1) for n in names], axis=1)
    order = np.argsort(-per_class, axis=1)
    rows = np.arange(len(scores))
    top = per_class[rows, order[:, 0]]
    second = per_class[rows, order[:, 1]] if len(names) > 1 else np.full(len(scores), -9.0)
    return order[:, 0], top, top - np.maximum(second, rival)


def agreements(matcher: Matcher, exclude: set[int], margin: float, floor: float) -> list[Match]:
    """Candidates that the drawing's own symbols and the library both give the same class, clearly.

    In each of the two tiers the class must score at least ``floor`` and lead every other fixture class and every
    non-fixture symbol by ``margin``. Such a candidate is too faint for either tier alone (a scan's small legend
    symbol, a library drawn in another convention) yet two independent drawings agree on it; it is not counted
    for that, but may lend its ink as a page exemplar (see :func:`pipelineos.takeoff.symbols.detect.page_exemplars`).
    """
    fixture = ~matcher.negative
    drawing, library = np.isin(matcher.sources, TIERS[0]) & fixture, np.isin(matcher.sources, TIERS[1]) & fixture
    if not drawing.any() or not library.any() or not len(matcher.candidates):
        return []
    classes = np.array(matcher.templates.classes)
    names = sorted({str(c) for c in classes[fixture]})
    rival = np.where(matcher.negative[None, :], matcher.scores, -9.0).max(axis=1)
    best_d, top_d, lead_d = _leaders(matcher.scores, classes, names, drawing[None, :], rival)
    best_l, top_l, lead_l = _leaders(matcher.scores, classes, names, library[None, :], rival)
    ok = (best_d == best_l) & (np.minimum(lead_d, lead_l) >= margin) & (np.minimum(top_d, top_l) >= floor)
    return [
        Match(int(i), names[best_d[i]], float((top_d[i] + top_l[i]) / 2), float(min(lead_d[i], lead_l[i])), "agreement")
        for i in np.flatnonzero(ok)
        if int(i) not in exclude
    ]


def match(candidates: Candidates, templates: TemplateSet, thresholds: dict[str, float]) -> list[Match]:
    """The matches of every candidate, with no knowledge of the sheet's scale (see :class:`Matcher`)."""
    return Matcher(candidates, templates, thresholds).decide()
