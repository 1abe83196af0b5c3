"""Sheet classification and reference regions."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelineos.takeoff.inputs import load_page
from pipelineos.takeoff.layout import analyze_layout, classify, find_sheet_number


@pytest.mark.parametrize(
    ("sheet", "title", "discipline", "kind"),
    [
        ("P-101", "PLUMBING FLOOR PLAN - LEVEL 1", "plumbing", "plan"),
        ("PL-2", "SANITARY RISER DIAGRAM", "plumbing", "riser"),
        ("P-501", "PLUMBING DETAILS", "plumbing", "detail"),
        ("P-601", "PLUMBING FIXTURE SCHEDULE", "plumbing", "schedule"),
        ("M-1", "MECHANICAL FLOOR PLAN", "mechanical", "plan"),
        ("A-101", "FIRST FLOOR PLAN", "architectural", "plan"),
        (None, "DOMESTIC WATER ISOMETRIC", "plumbing", "riser"),
    ],
)
def test_classify(sheet: str | None, title: str, discipline: str, kind: str) -> None:
    assert classify(sheet, title) == (discipline, kind)


def test_sheet_number_is_the_big_one_in_the_corner() -> None:
    words = [
        (100, 100, 120, 106, "WC-1", 0, 0),
        (2200, 1600, 2300, 1630, "P-102", 1, 0),
        (500, 500, 530, 506, "A-201", 2, 0),
    ]
    assert find_sheet_number(words, 2592, 1728) == "P-102"


def test_generated_sheet_layout(plan_set: list[Path]) -> None:
    page = load_page(plan_set[1], 0, dpi=50)
    layout = analyze_layout(page)
    assert layout.sheet_number == "P-102"
    assert layout.sheet_title == "PLUMBING FLOOR PLAN - LEVEL 2"
    assert (layout.discipline, layout.kind) == ("plumbing", "plan")
    assert layout.regions["legend"] and layout.regions["title_block"] and layout.regions["details"]


def _sheet_with_loose_legend(path: Path) -> Path:
    """A vector plan whose legend is a bare column of labelled symbols in the drawing area (no frame, no title)."""
    import pymupdf

    from pipelineos.samples.draw import Placement, draw_symbol
    from pipelineos.samples.symbols import FIXTURE_SYMBOLS

    doc = pymupdf.open()
    page = doc.new_page(width=1728, height=1296)
    scale = 1.5  # points per building inch: 1/4" per foot
    for i in range(4):
        draw_symbol(page, FIXTURE_SYMBOLS["water_closet"]("classic"), Placement(200 + 80 * i, 300, scale), 0.8)
        draw_symbol(page, FIXTURE_SYMBOLS["lavatory"]("classic"), Placement(200 + 80 * i, 500, scale), 0.8)
    draw_symbol(page, FIXTURE_SYMBOLS["floor_drain"]("classic"), Placement(300, 700, scale), 0.8)
    for row, cls in enumerate(("water_closet", "lavatory", "floor_drain", "urinal")):
        y = 300 + 60 * row
        draw_symbol(page, FIXTURE_SYMBOLS[cls]("classic"), Placement(900, y, 0.9), 0.8)
        page.insert_text((950, y + 14), cls.replace("_", " ").upper(), fontsize=7)
    doc.save(path)
    return path


def test_a_legend_column_anywhere_is_a_reference_not_fixtures(tmp_path: Path) -> None:
    from collections import Counter

    from pipelineos.takeoff.engine import analyze_page

    page = analyze_page(_sheet_with_loose_legend(tmp_path / "loose.pdf"), 0)
    counts = Counter(f.fixture_class for f in page.fixtures)
    assert counts == {"water_closet": 4, "lavatory": 4, "floor_drain": 1}, page.fixtures
    assert all(f.bbox[0] < 850 / 1728 for f in page.fixtures), "nothing counted in the legend column"


def test_title_block_title_beats_a_heading_of_similar_size() -> None:
    from pipelineos.takeoff.layout import find_title

    lines = [
        ((2140.0, 250.0, 2215.0, 260.0), "PLUMBING LEGEND"),
        ((2140.0, 1600.0, 2260.0, 1608.0), "PLUMBING FLOOR PLAN - LEVEL 1"),
    ]
    assert find_title(lines, 1728.0) == "PLUMBING FLOOR PLAN - LEVEL 1"


def test_tags_stacked_beside_their_fixtures_are_not_a_legend(tmp_path: Path) -> None:
    """LAV-1 / TUB-1 tags name fixtures too, but a column of tags is a plan, not a legend."""
    from collections import Counter

    import pymupdf

    from pipelineos.samples.draw import Placement, draw_symbol
    from pipelineos.samples.symbols import FIXTURE_SYMBOLS
    from pipelineos.takeoff.engine import analyze_page

    doc = pymupdf.open()
    page = doc.new_page(width=1728, height=1296)
    boxes = [
        draw_symbol(page, FIXTURE_SYMBOLS[cls]("classic"), Placement(400, 300 + 90 * row, 1.5), 0.8)
        for row, cls in enumerate(("lavatory", "lavatory", "lavatory", "bathtub"))
    ]
    column = max(b[2] for b in boxes) + 3  # one left edge for every tag, as a legend's labels have
    for box, tag in zip(boxes, ("LAV-1", "LAV-1", "LAV-1", "TUB-1"), strict=True):
        page.insert_text((column, (box[1] + box[3]) / 2 + 3), tag, fontsize=7)
    doc.save(tmp_path / "tags.pdf")
    found = analyze_page(tmp_path / "tags.pdf", 0).fixtures
    symbols = Counter(f.fixture_class for f in found if any(m.startswith("symbol") for m in (f.methods or (f.method,))))
    assert symbols == {"lavatory": 3, "bathtub": 1}, "the symbols beside the tags are counted, not taken as a legend"
