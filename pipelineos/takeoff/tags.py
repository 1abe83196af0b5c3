"""Fixture tags written on vector plans (WC-1, LAV-2, P-3 …) and the drawn symbol each one labels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelineos.takeoff.layout import Box, in_regions
from pipelineos.takeoff.models import ScheduleRow
from pipelineos.takeoff.pdfpage import Segment, Word
from pipelineos.takeoff.schedule import normalize_tag, tag_class

MAX_LEADER_PT = 24.0
"""A tag without a leader labels a symbol at most this far away."""
LEADER_REACH_PT = 4.0
"""A leader starts this close to its tag and ends this close to its symbol."""


@dataclass(frozen=True)
class TagHit:
    """A tag on the plan, its class, its text box and the candidate symbol it labels (if any)."""

    tag: str
    fixture_class: str
    box: Box
    candidate: int | None


def find_tags(words: list[Word], schedule: list[ScheduleRow], regions: dict[str, list[Box]]) -> list[tuple]:
    """(tag, class, box) for every fixture tag outside reference regions."""
    found = []
    listed = {row.tag for row in schedule}
    for x0, y0, x1, y1, text, *_ in words:
        tag = normalize_tag(text)
        if tag is None or in_regions(((x0 + x1) / 2, (y0 + y1) / 2), regions):
            continue
        cls = tag_class(tag, schedule)
        if cls is None or (schedule and tag not in listed and tag.startswith("P-")):
            continue
        found.append((tag, cls, (x0, y0, x1, y1)))
    return found


def _gaps(box: Box, boxes: np.ndarray) -> np.ndarray:
    dx = np.maximum(0, np.maximum(boxes[:, 0] - box[2], box[0] - boxes[:, 2]))
    dy = np.maximum(0, np.maximum(boxes[:, 1] - box[3], box[1] - boxes[:, 3]))
    return np.hypot(dx, dy)


def leaders_of(box: Box, lines: list[Segment]) -> list[Segment]:
    """The lines starting at a tag's box, each oriented from the tag to the point it labels."""
    x0, y0 = box[0] - LEADER_REACH_PT, box[1] - LEADER_REACH_PT
    x1, y1 = box[2] + LEADER_REACH_PT, box[3] + LEADER_REACH_PT
    found: list[Segment] = []
    for ax, ay, bx, by in lines:
        a_in = x0 <= ax <= x1 and y0 <= ay <= y1
        b_in = x0 <= bx <= x1 and y0 <= by <= y1
        if a_in != b_in:
            found.append((ax, ay, bx, by) if a_in else (bx, by, ax, ay))
    return found


def associate(
    tags: list[tuple],
    boxes_pt: np.ndarray,
    eligible: np.ndarray,
    lines: list[Segment] | None = None,
    symbols: np.ndarray | None = None,
) -> list[TagHit]:
    """Pair each tag with the symbol it labels: the one its leader line points at, else the nearest one.

    Greedy over all (tag, candidate) pairs by distance; a leader's target counts as distance zero. Candidates
    that are readings of one symbol (``symbols``, see :attr:`pipelineos.takeoff.raster.Candidates.symbols`)
    are taken together: a tag next to a lavatory must not take its second reading.
    """
    pairs: list[tuple[float, int, int]] = []
    for t, (_tag, _cls, box) in enumerate(tags):
        if not len(boxes_pt):
            continue
        gaps = _gaps(box, boxes_pt)
        for *_, px, py in leaders_of(box, lines or []):
            to_point = _gaps((px, py, px, py), boxes_pt)
            gaps = np.where(to_point <= LEADER_REACH_PT, -1.0 + to_point / 100, gaps)
        pairs += [(float(gaps[c]), t, int(c)) for c in np.flatnonzero((gaps <= MAX_LEADER_PT) & eligible)]
    pairs.sort()
    chosen: dict[int, int] = {}
    used: set[int] = set()
    for _gap, t, c in pairs:
        symbol = c if symbols is None else int(symbols[c])
        if t not in chosen and symbol not in used:
            chosen[t] = c
            used.add(symbol)
    return [TagHit(tag, cls, box, chosen.get(t)) for t, (tag, cls, box) in enumerate(tags)]
