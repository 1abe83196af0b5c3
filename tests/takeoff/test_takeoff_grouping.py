"""How ink is grouped into candidates: parts inside a symbol join it; a room holding fixtures does not."""

from __future__ import annotations

import cv2
import numpy as np

from pipelineos.takeoff.raster import extract_candidates

MIN_PX, MAX_PX = 17, 400


def _shower(page: np.ndarray, left: int, top: int, specks: int) -> None:
    """A square shower with a double-ring drain, and a scan's specks (2×2 px) on its floor."""
    page[top : top + 2, left : left + 86] = page[top + 84 : top + 86, left : left + 86] = 1
    page[top : top + 86, left : left + 2] = page[top : top + 86, left + 84 : left + 86] = 1
    cv2.circle(page, (left + 43, top + 43), 8, 1, 1)
    cv2.circle(page, (left + 43, top + 43), 3, 1, 1)
    for k in range(specks):
        y, x = top + 15 + 20 * (k % 3), left + 12 + 25 * (k // 3)
        page[y : y + 2, x : x + 2] = 1


def test_specks_do_not_make_a_symbol_a_room() -> None:
    """Four specks and a drain inside a shower: five parts, but the specks are no fixtures. The shower
    had been taken for a room holding five shapes, and matched without its drain."""
    page = np.zeros((120, 120), np.uint8)
    _shower(page, 10, 10, specks=4)
    found = extract_candidates(page, MIN_PX, MAX_PX, gap=1)
    assert len(found) == 1
    assert found.crops[0][43 - 8 : 43 + 9, 43 - 8 : 43 + 9].any(), "the drain is part of the shower"


def test_a_room_holding_fixtures_is_not_one_candidate() -> None:
    """A small room drawn with thin walls around five fixture-sized shapes: each shape is a candidate."""
    page = np.zeros((240, 240), np.uint8)
    page[10:12, 10:230] = page[228:230, 10:230] = 1
    page[10:230, 10:12] = page[10:230, 228:230] = 1
    for k in range(5):
        x, y = 30 + 40 * k, 40 + 30 * (k % 2)
        cv2.rectangle(page, (x, y), (x + 24, y + 30), 1, 2)
    found = extract_candidates(page, MIN_PX, MAX_PX, gap=1)
    sizes = sorted(int(max(b[2] - b[0], b[3] - b[1])) for b in found.boxes)
    assert sizes[:5] == [33] * 5
