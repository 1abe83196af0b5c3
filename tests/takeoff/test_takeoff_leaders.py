"""Leader tails on scans: cut from their symbol, but not confused with a symbol's own edges or with noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pipelineos.takeoff.leaders import cut_tail

TAIL = 17


def _box(h: int = 40, w: int = 60) -> np.ndarray:
    crop = np.zeros((h, w), np.uint8)
    crop[:2, :] = crop[-2:, :] = 1
    crop[:, :2] = crop[:, -2:] = 1
    return crop


def _with_leader(box: np.ndarray, length: int = 30) -> np.ndarray:
    """A box with a vertical leader rising from its top to a blob of tag text."""
    h, w = box.shape
    crop = np.zeros((h + length + 10, w), np.uint8)
    crop[length + 10 :] = box
    crop[:10, w // 2 - 12 : w // 2 + 12] = 1
    crop[10 : length + 10, w // 2 : w // 2 + 2] = 1
    return crop


def test_leader_and_tag_are_cut_off() -> None:
    rows, cols = cut_tail(_with_leader(_box()), TAIL)
    assert (rows.start, rows.stop) == (40, 80)
    assert (cols.start, cols.stop) == (0, 60)


def test_specks_beside_a_leader_do_not_hide_it() -> None:
    crop = _with_leader(_box())
    crop[20, 10] = crop[30, 50] = 1
    rows, _ = cut_tail(crop, TAIL)
    assert rows.start == 40


def test_box_open_towards_its_wall_is_kept_whole() -> None:
    """A box drawn against a wall loses its wall side with the wall: its sides are not a leader and a tag."""
    open_box = _box()[2:]
    rows, cols = cut_tail(open_box, TAIL)
    assert (rows.start, rows.stop) == (0, open_box.shape[0])
    assert (cols.start, cols.stop) == (0, open_box.shape[1])


def test_open_box_with_details_and_leader_keeps_the_box() -> None:
    """A fountain's box open at the bottom, two bowls inside: the leader goes, the box edge between bowls stays."""
    box = _box(40, 120)[:-2]
    box[12:26, 15:30] = 1
    box[12:26, 90:105] = 1
    rows, cols = cut_tail(_with_leader(box), TAIL)
    assert rows.start == 40
    assert (cols.start, cols.stop) == (0, 120)


def test_side_of_an_open_lavatory_beyond_its_rounded_corner_is_kept() -> None:
    """A lavatory drawn flush against a solid wall, from a generated 200 DPI scan (scan-014 of the benchmark),
    its wall side erased with the wall: between its straight left side and its bowl, the columns hold only the
    rounded corner, narrow like a leader's. The side is one thin stroke, not a tag, and stays (it was cut, and
    the lavatory lost, before). A leader and tag added above still go."""
    import cv2

    crop = cv2.imread(str(Path(__file__).parent / "data" / "open-lavatory-scan.png"), cv2.IMREAD_GRAYSCALE) < 128
    crop = crop.astype(np.uint8)
    rows, cols = cut_tail(crop, TAIL)
    assert (cols.start, cols.stop) == (0, crop.shape[1]) and (rows.start, rows.stop) == (0, crop.shape[0])
    rows, cols = cut_tail(_with_leader(crop), TAIL)
    assert rows.start >= 40 and (cols.start, cols.stop) == (0, crop.shape[1])


def test_a_speck_beyond_the_symbol_is_left_out_and_a_dot_inside_kept() -> None:
    """Scan noise just outside a symbol would stretch its box (and shift it in the matching canvas)."""
    crop = np.zeros((48, 60), np.uint8)
    crop[6:, :] = _box(42, 60)
    crop[0:2, 30:32] = 1  # a speck 4 px above the box
    crop[25:27, 29:31] = 1  # a drain's dot inside it
    rows, cols = cut_tail(crop, TAIL)
    assert (rows.start, rows.stop, cols.start, cols.stop) == (6, 48, 0, 60)
    assert crop[rows, cols][19:21, 29:31].all()


def test_a_crop_of_specks_alone_is_kept_whole() -> None:
    crop = np.zeros((10, 10), np.uint8)
    crop[1, 1] = crop[8, 8] = 1
    rows, cols = cut_tail(crop, TAIL)
    assert (rows.start, rows.stop, cols.start, cols.stop) == (1, 9, 1, 9)
