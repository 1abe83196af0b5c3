"""Large vector symbols whose look-alikes differ only in fine detail are compared again on a finer canvas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from takeoff_helpers import score_page

from pipelineos.samples.generator import SheetOptions, generate_sheet
from pipelineos.samples.plan import Conventions
from pipelineos.samples.symbols import FIXTURE_SYMBOLS
from pipelineos.takeoff import matcher, similarity
from pipelineos.takeoff.engine import analyze_page
from pipelineos.takeoff.symbols.library import builtin_templates, render_symbol
from pipelineos.takeoff.templates import TemplateSet, fine_masks

CASES = {
    "cad-tubs-quarter-inch": (
        "bathtub",
        "P-103",
        9,
        SheetOptions(style="cad", scale=0.25, tag_ratio=0.0, conventions=Conventions("double", False, False)),
    ),
}


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("fine")
    return {
        name: generate_sheet(out / f"{name}.pdf", sheet=sheet, seed=seed, options=options)
        for name, (_, sheet, seed, options) in CASES.items()
    }


@pytest.mark.parametrize("case", list(CASES))
def test_look_alikes_are_told_apart_on_the_fine_canvas(
    case: str, sheets: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CAD tub (rim inside its outline) is not a sofa.

    On the matching canvas alone the rim merges with the outline and the look-alike wins: switching the
    second look off (and the drain mark's say, which saves a tub on its own) loses fixtures of that class on the
    same sheet.
    """
    fixture_class = CASES[case][0]
    path = sheets[case]
    score = score_page(analyze_page(path, 0), path)
    assert score.tp[fixture_class] >= 1
    assert score.fn.get(fixture_class, 0) == 0 and score.fp.get(fixture_class, 0) == 0

    monkeypatch.setattr(similarity, "CONTESTED_LEAD", -1.0)
    monkeypatch.setattr(matcher, "DRAINED_CLASSES", frozenset())
    coarse = score_page(analyze_page(path, 0), path)
    assert coarse.fn.get(fixture_class, 0) > 0


def test_fine_variants_are_the_drawing_turned_and_mirrored() -> None:
    """Each dihedral variant's fine mask is the fine drawing turned (and mirrored) like its coarse mask."""
    templates = TemplateSet()
    drawing = render_symbol(FIXTURE_SYMBOLS["bathtub"]("classic"))
    assert templates.add_drawing("bathtub", drawing, "legend")
    top = np.flatnonzero([d is not None for d in templates.drawings])
    assert len(top) == 8
    fine = templates.fine_stack(top)
    base = fine_masks([templates.drawings[int(top[0])][0]])[0]  # type: ignore[index]
    expected = {np.rot90(b, k).tobytes() for b in (base, base[:, ::-1]) for k in range(4)}
    assert {mask.tobytes() for mask in fine} == expected


def test_the_library_computes_its_fine_masks_once() -> None:
    library = builtin_templates()
    top = [j for j, d in enumerate(library.drawings) if d is not None]
    assert top and all(library.fine[j] is not None for j in top)


def test_the_second_look_tells_them_apart_on_a_scan_too(
    sheets: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same CAD tub scanned at 150 DPI: found on the fine canvas, taken for the sofa without it."""
    from pipelineos.samples.scan import ScanOptions, scan_sheet

    pdf = sheets["cad-tubs-quarter-inch"]
    scan = scan_sheet(pdf, pdf.with_name("cad-tubs-scan"), ScanOptions(dpi=150, skew_deg=0.5, noise=5.0))
    found = score_page(analyze_page(scan, 0), scan)
    assert found.tp["bathtub"] >= 1 and found.fn.get("bathtub", 0) == 0 and found.fp.get("bathtub", 0) == 0
    monkeypatch.setattr(similarity, "CONTESTED_LEAD", -1.0)
    monkeypatch.setattr(matcher, "DRAINED_CLASSES", frozenset())
    assert score_page(analyze_page(scan, 0), scan).fn.get("bathtub", 0) > 0
