"""Plot scale from the sheet's notes, as drawn and as OCR reads them from a scan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from takeoff_helpers import score_page

from pipelineos.samples import generator
from pipelineos.takeoff.engine import analyze_page
from pipelineos.takeoff.inputs import LoadedPage
from pipelineos.takeoff.matcher import Match
from pipelineos.takeoff.scale import parse_plot_scale
from pipelineos.takeoff.symbols.detect import scale_evidence
from pipelineos.takeoff.symbols.search import MIN_SYMBOL_PT, prepare, symbol_limits


def _words(text: str, line: int = 1) -> list[tuple[float, float, float, float, str, int, int]]:
    y = 10.0 * line
    return [(10.0 + 30 * i, y, 38.0 + 30 * i, y + 8, word, line, 1) for i, word in enumerate(text.split())]


@pytest.mark.parametrize(
    ("note", "pt_per_in"),
    [
        ('SCALE: 1/4" = 1\'-0"', 1.5),
        ('SCALE: 1/16" = 1\'-0"', 0.375),
        ('SCALE: 1 1/2" = 1\'-0"', 9.0),
        ("SCALE: 1:50", 1.44),
        ("SCALE: 1/2 = 1-0", 3.0),  # OCR lost the inch and foot marks
        ("SCALE: 3/16 = 1'-0", 1.125),
        ("SCALE: 1/8 =", 0.75),  # and the rest of the line
        ("NOT TO SCALE", None),
        ("SCALE: AS NOTED", None),
        ("1/2 = 1-0", None),  # no SCALE word: a fraction in a note is not a scale
    ],
)
def test_scale_notes(note: str, pt_per_in: float | None) -> None:
    assert parse_plot_scale(_words(note)) == pt_per_in


@pytest.mark.parametrize("note", ["SCALE: 2/16 = 1'-0", 'SCALE: 5/16" = 1\'-0"', "SCALE: 2/8 ="])
def test_a_scale_read_by_ocr_is_one_an_architect_uses(note: str) -> None:
    """No architect plots at 2/16" or 5/16" to the foot: read from a scan (a 3/16" note read as 2/16" put
    every water closet of a sheet out of size), such a note is a misreading and gives no scale. Written in a
    drawing's text layer, it is what the drafter chose."""
    assert parse_plot_scale(_words(note), read=True) is None
    assert parse_plot_scale(_words(note)) is not None
    assert parse_plot_scale(_words("SCALE: 3/16 = 1'-0"), read=True) == 1.125


def test_a_written_scale_outvotes_one_read_without_its_marks() -> None:
    words = _words('SCALE: 1/4" = 1\'-0"') + _words("SCALE: 1/8 = 1-0", line=4)
    assert parse_plot_scale(words) == 1.5


def test_a_misread_scale_on_a_scan_is_outvoted_by_its_fixtures(tmp_path: Path) -> None:
    """OCR read ``9/16"`` for ``3/16"`` on a 1-bit skewed scan: trusted, that scale kept most walls as symbols
    and sized every fixture out (15 found of 160). The scan is read first without it, and counted."""
    from pipelineos.samples.generator import SheetOptions, generate_sheet
    from pipelineos.samples.plan import Conventions
    from pipelineos.samples.scan import ScanOptions, scan_sheet
    from pipelineos.takeoff.inputs import load_page
    from pipelineos.takeoff.layout import analyze_layout
    from pipelineos.takeoff.recognize import recognize
    from pipelineos.takeoff.templates import TemplateSet

    options = SheetOptions(style="classic", scale=0.1875, tag_ratio=0.0, conventions=Conventions("double", True, True))
    pdf = generate_sheet(tmp_path / "P-211.pdf", sheet="P-211", seed=351, options=options)
    scan = scan_sheet(pdf, tmp_path / "P-211-scan", ScanOptions(dpi=150, skew_deg=1.71, noise=6.0, one_bit=True))
    page = load_page(scan, 0)
    regions = analyze_layout(page).regions
    right = recognize(page, TemplateSet(), [], regions, 1.125)
    misread = recognize(page, TemplateSet(), [], regions, 3.375)
    assert misread.pt_per_in is not None and abs(misread.pt_per_in / 1.125 - 1) < 0.1
    assert len(misread.detections) >= 0.95 * len(right.detections) > 100


def test_legend_symbols_do_not_measure_the_scale() -> None:
    """A legend draws every class at one size: its entries (and symbols in reference regions) are no evidence
    of the plan's scale; a confident plan fixture is, a close call is not."""
    boxes = np.array([[0, 0, 20, 20], [100, 100, 120, 110], [300, 300, 318, 312], [400, 0, 430, 20]], float)
    hits = [
        Match(0, "bathtub", 0.9, 0.2, "legend"),
        Match(1, "lavatory", 0.9, 0.2, "legend"),
        Match(2, "water_closet", 0.9, 0.2, "legend"),
        Match(3, "kitchen_sink", 0.9, 0.05, "legend"),
    ]
    regions = {"legend": [(290.0, 290.0, 330.0, 330.0)]}
    assert scale_evidence(hits, boxes, {0}, regions) == [("lavatory", 20.0)]


PX_PER_PT = 150 / 72
THREE_EIGHTHS = 2.25
"""3/8" = 1'-0", in points of paper per building inch."""


def _prepared_boxes(draw: Callable[[np.ndarray, int, int], None]) -> list[tuple[int, ...]]:
    """Candidate boxes (points) of a small clean page drawn by ``draw(gray, x0, y0)`` at 3/8" scale."""
    gray = np.full((int(220 * PX_PER_PT), int(320 * PX_PER_PT)), 255, np.uint8)
    draw(gray, int(40 * PX_PER_PT), int(40 * PX_PER_PT))
    page = LoadedPage(0, gray.shape[1] / PX_PER_PT, gray.shape[0] / PX_PER_PT, True, gray, PX_PER_PT)
    return [tuple(round(v) for v in box) for box in prepare(page, THREE_EIGHTHS).boxes_pt]


def _inches(value: float) -> int:
    return int(value * THREE_EIGHTHS * PX_PER_PT)


def test_a_wall_run_between_two_doors_is_a_wall_at_a_large_scale() -> None:
    """An 8 ft run of double wall between two doors, with a shower flush against it: the run is a wall (no
    fixture has a straight side that long), so the shower is a candidate of its own, not part of the wall."""

    def draw(gray: np.ndarray, x0: int, y0: int) -> None:
        face = y0 + _inches(6)
        cv2.line(gray, (x0, y0), (x0 + _inches(96), y0), 0, 2)
        cv2.line(gray, (x0, face), (x0 + _inches(96), face), 0, 2)
        sx, side = x0 + _inches(13), _inches(36)
        cv2.rectangle(gray, (sx, face), (sx + side, face + side), 0, 2)
        cv2.line(gray, (sx, face), (sx + side, face + side), 0, 1)
        cv2.line(gray, (sx + side, face), (sx, face + side), 0, 1)

    boxes = _prepared_boxes(draw)
    assert boxes, "the shower is a candidate"
    for x0, y0, x1, y1 in boxes:  # the shower as drawn, and with the wall's face as its back edge
        assert abs((x1 - x0) - 36 * THREE_EIGHTHS) <= 3 and (y1 - y0) <= 36 * THREE_EIGHTHS + 3, boxes


def test_a_six_foot_tub_is_not_taken_for_a_wall() -> None:
    def draw(gray: np.ndarray, x0: int, y0: int) -> None:
        cv2.rectangle(gray, (x0, y0), (x0 + _inches(72), y0 + _inches(36)), 0, 2)
        cv2.rectangle(gray, (x0 + 8, y0 + 8), (x0 + _inches(72) - 8, y0 + _inches(36) - 8), 0, 1)

    boxes = _prepared_boxes(draw)
    assert len(boxes) == 1 and abs((boxes[0][2] - boxes[0][0]) - 72 * THREE_EIGHTHS) <= 3, boxes


def test_fixtures_drawn_smaller_than_the_usual_least_symbol_are_candidates_at_a_small_scale() -> None:
    """At 1/16" to the foot a small wall-hung urinal (12 by 16 in) is 4.5 by 6 points, below MIN_SYMBOL_PT: at
    that scale the smallest candidate follows the smallest fixture down; with no scale known it does not."""
    sixteenth = 1 / 16 / 12 * 72
    gray = np.full((int(120 * PX_PER_PT), int(120 * PX_PER_PT)), 255, np.uint8)
    x0, y0 = int(40 * PX_PER_PT), int(40 * PX_PER_PT)
    cv2.ellipse(gray, (x0, y0), (int(6 * sixteenth * PX_PER_PT), int(8 * sixteenth * PX_PER_PT)), 0, 0, 360, 0, 1)
    page = LoadedPage(0, gray.shape[1] / PX_PER_PT, gray.shape[0] / PX_PER_PT, True, gray, PX_PER_PT)
    assert symbol_limits(sixteenth)[2] == pytest.approx(12 * sixteenth) and 12 * sixteenth < MIN_SYMBOL_PT
    found = prepare(page, sixteenth).boxes_pt
    assert len(found) == 1 and 5.5 <= found[0][3] - found[0][1] <= 7.0, found
    assert not len(prepare(page, None).boxes_pt)
    assert symbol_limits(0.75)[2] == MIN_SYMBOL_PT, "from 1/8 in to the foot up, nothing changes"


def test_urinals_on_a_sheet_at_one_sixteenth_inch_to_the_foot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A vector sheet drawn at 1/16" to the foot (no tags): its round urinals, 6 points long, were never
    candidates, and none of the 20 was found."""
    monkeypatch.setitem(generator.SCALES, 0.0625, '1/16" = 1\'-0"')
    options = generator.SheetOptions(style="modern", scale=0.0625, tag_ratio=0.0)
    pdf = generator.generate_sheet(tmp_path / "P-101.pdf", sheet="P-101", seed=3, options=options)
    page = analyze_page(pdf, 0)
    assert page.plot_scale == pytest.approx(0.375)
    found = score_page(page, pdf)
    assert found.tp["urinal"] >= 15 and not found.fp.get("urinal"), found
