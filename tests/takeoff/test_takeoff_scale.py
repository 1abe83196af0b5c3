"""Plot scale from the sheet's notes, as drawn and as OCR reads them from a scan."""

from __future__ import annotations

import pytest

from pipelineos.takeoff.scale import parse_plot_scale


def _words(text: str, line: int = 1) -> list[tuple[float, float, float, float, str, int, int]]:
    y = 10.0 * line
    return [(10.0 + 30 * i, y, 38.0 + 30 * i, y + 8, word, line, 1) for i, word in enumerate(text.split())]


@pytest.mark.parametrize(
    ("note", "pt_per_in"),
    [
        ('SCALE: 1/4" = 1\'-0"', 1.5),
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


def test_a_written_scale_outvotes_one_read_without_its_marks() -> None:
    words = _words('SCALE: 1/4" = 1\'-0"') + _words("SCALE: 1/8 = 1-0", line=4)
    assert parse_plot_scale(words) == 1.5
