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
