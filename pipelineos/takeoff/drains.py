"""A drain mark: the small round mark inside a tub or a shower that no piece of furniture carries.

A CAD office's bathtub (an outline, a rim inset a few inches and a ledge line) and a sofa (a back, two arms and
a seat) are one shape once shrunk to the matching canvas; what tells them apart on the drawing is the tub's
drain. A candidate holding one is not vetoed by a non-fixture look-alike, whether it matched the drawing's own
tub or the library's (see :func:`pipelineos.takeoff.matcher._decide`).
"""

from __future__ import annotations

import cv2
import numpy as np

DRAINED_CLASSES = frozenset({"bathtub", "shower"})
"""Fixtures drawn with a drain inside them, whose look-alikes (sofas, beds, chairs, fridges) have none."""
DRAIN_SIZE = (0.03, 0.09)
"""A drain's diameter, as a share of the symbol's longer side (a 2–4 in drain in a 30–60 in fixture; a pillow
or a cushion is larger, a speck smaller)."""
MIN_DRAIN_PX = 4
"""Below this many pixels across, a mark is scan noise."""
ROUND = 1.3
"""Longer side of the mark's box over its shorter side, at most: round, not a line's stub."""


BODY_SHARE = 0.25
"""Parts of a candidate at least this share of its longer side long are its body (outline, rim, arms); a drain
lies within the box they span. Text run into a sofa's arm (a room name's digits) lies beside it, and its
glyphs are drain-sized and round."""


def has_drain(crop: np.ndarray) -> bool:
    """Whether a candidate's ink holds a drain mark: a part of its own, round (a dot or a ring) and drain-sized,
    within its body (see BODY_SHARE) and clear of the crop's border."""
    h, w = crop.shape
    count, _, stats, _ = cv2.connectedComponentsWithStats(crop.astype(np.uint8), connectivity=8)
    longest = max(h, w)
    parts = stats[1:count]
    body = parts[np.maximum(parts[:, 2], parts[:, 3]) >= BODY_SHARE * longest]
    if not len(body):
        return False
    left, top = body[:, 0].min(), body[:, 1].min()
    right, bottom = (body[:, 0] + body[:, 2]).max(), (body[:, 1] + body[:, 3]).max()
    for x, y, bw, bh, _ in parts:
        if x == 0 or y == 0 or x + bw >= w or y + bh >= h:
            continue
        if x < left or y < top or x + bw > right or y + bh > bottom:
            continue
        size = max(bw, bh)
        if size < MIN_DRAIN_PX or not DRAIN_SIZE[0] * longest <= size <= DRAIN_SIZE[1] * longest:
            continue
        if size <= ROUND * min(bw, bh):
            return True
    return False
