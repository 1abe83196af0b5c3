"""A close call between a fixture and a look-alike, settled where their drawings differ.

Similarity scores a candidate against each template on the whole drawing; two symbols that share most of their
ink (a tub and a sofa: a box with a rail along one side) then score nearly alike, and the few lines that tell
them apart (the sofa's arms, the tub's drain and rim) weigh little. A duel looks only at those lines: the ink of
each template with none of the other's nearby, and how much of it the candidate draws.
"""

from __future__ import annotations

import cv2
import numpy as np

REACH = 1.0
"""Canvas pixels (on the matching canvas; scaled with a finer one) within which two drawings' ink coincides."""
MIN_DIFFERENCE_PX = 5
"""Each template needs this many pixels of its own for a duel to say anything."""
DECISIVE = 0.3
"""A duel decides when the candidate draws this much more of one template's own lines than of the other's."""


def _distance(mask: np.ndarray) -> np.ndarray:
    return np.asarray(cv2.distanceTransform((1 - mask).astype(np.uint8), cv2.DIST_L2, 3))


def duel(candidate: np.ndarray, first: np.ndarray, second: np.ndarray, zoom: float = 1.0) -> float | None:
    """How much more of ``first``'s own lines than of ``second``'s the candidate draws (-1..1).

    All three are thinned masks on one canvas (``zoom`` times the matching canvas). None when either template
    has too little ink of its own for the comparison to mean anything.
    """
    reach = REACH * zoom
    d_first, d_second, d_candidate = _distance(first), _distance(second), _distance(candidate)
    own_first = (first > 0) & (d_second > reach)
    own_second = (second > 0) & (d_first > reach)
    if own_first.sum() < MIN_DIFFERENCE_PX * zoom or own_second.sum() < MIN_DIFFERENCE_PX * zoom:
        return None
    drawn_first = float((d_candidate[own_first] <= reach).mean())
    drawn_second = float((d_candidate[own_second] <= reach).mean())
    return drawn_first - drawn_second


def settled(outcome: float | None) -> int:
    """+1 when a duel clearly favours its first template, -1 its second, 0 when it is no help."""
    if outcome is None or abs(outcome) < DECISIVE:
        return 0
    return 1 if outcome > 0 else -1
