"""A set whose legend is drawn once, on its own sheet: the plan sheets borrow it."""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest
from takeoff_helpers import f1

from pipelineos.samples.generator import SheetOptions, generate_sheet
from pipelineos.samples.sheet import COLUMN_X
from pipelineos.samples.symbols import HELD_OUT_STYLES
from pipelineos.takeoff.engine import analyze_document, analyze_page
from pipelineos.takeoff.evaluation import score_sheet
from pipelineos.takeoff.symbols.library import ZERO_SHOT_CLASSES


def _blank(page: pymupdf.Page, rect: pymupdf.Rect) -> None:
    page.add_redact_annot(rect, fill=(1, 1, 1))
    page.apply_redactions(graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_TOUCHED)


@pytest.fixture(scope="module")
def legend_sheet_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Sheet 1: only the information strip (legend, schedule, title block). Sheet 2: only the plan, untagged,
    drawn in a style the built-in library has never seen."""
    out = tmp_path_factory.mktemp("legend-set")
    options = SheetOptions(style=HELD_OUT_STYLES[1], scale=0.25, tag_ratio=0.0)
    source = generate_sheet(out / "P-001.pdf", sheet="P-001", seed=21, options=options)
    truth = json.loads((out / "P-001.truth.json").read_text())
    doc = pymupdf.open()
    with pymupdf.open(source) as src:
        doc.insert_pdf(src)
        doc.insert_pdf(src)
    width, height = doc[0].rect.width, doc[0].rect.height
    _blank(doc[0], pymupdf.Rect(0, 0, COLUMN_X, height))
    _blank(doc[1], pymupdf.Rect(COLUMN_X, 0, width, height))
    path = out / "set.pdf"
    doc.save(path)
    doc.close()
    return path, truth


def test_plan_sheets_borrow_the_legend_sheet(legend_sheet_set: tuple[Path, dict]) -> None:
    path, truth = legend_sheet_set
    alone = analyze_page(path, 1)
    assert alone.legend is None, "the plan sheet has no legend of its own"
    doc = analyze_document(path, workers=2)
    legend_page, plan = doc.pages
    assert legend_page.legend is not None and legend_page.fixtures == []
    assert any("legend symbols taken from P-001" in note for note in plan.notes)
    with_legend = f1(score_sheet(plan.fixtures, truth, ZERO_SHOT_CLASSES))
    without = f1(score_sheet(alone.fixtures, truth, ZERO_SHOT_CLASSES))
    assert with_legend >= 0.9, with_legend
    assert with_legend > without + 0.1, (with_legend, without)


def test_a_set_without_any_legend_is_read_once(legend_sheet_set: tuple[Path, dict], tmp_path: Path) -> None:
    path, _ = legend_sheet_set
    plan_only = tmp_path / "plan-only.pdf"
    with pymupdf.open(path) as src:
        doc = pymupdf.open()
        doc.insert_pdf(src, from_page=1, to_page=1)
        doc.insert_pdf(src, from_page=1, to_page=1)
        doc.save(plan_only)
        doc.close()
    pages = analyze_document(plan_only, workers=1).pages
    assert all(page.legend is None and not any("legend symbols" in n for n in page.notes) for page in pages)


def test_the_pipeline_lends_the_legend_too(legend_sheet_set: tuple[Path, dict]) -> None:
    from pipelineos.blueprints.processing.detections import analyze_pages

    path, truth = legend_sheet_set
    legend_page, plan = analyze_pages(path, [0, 1], workers=1, provider_name="offline")
    assert legend_page.fixtures == []
    assert any("legend symbols taken from P-001" in note for note in plan.notes)
    assert f1(score_sheet(plan.fixtures, truth, ZERO_SHOT_CLASSES)) >= 0.9


def test_detect_says_where_the_legend_came_from(legend_sheet_set: tuple[Path, dict]) -> None:
    import typer
    from typer.testing import CliRunner

    from pipelineos.cli.takeoff import register

    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["detect", str(legend_sheet_set[0]), "--provider", "offline"])
    assert result.exit_code == 0, result.output
    assert "page 2: legend symbols taken from P-001" in result.output


def test_page_notes_reach_the_pipelines_metadata(legend_sheet_set: tuple[Path, dict]) -> None:
    from pipelineos.blueprints.processing.detections import analyze_pages, page_notes

    pages = analyze_pages(legend_sheet_set[0], [0, 1], workers=1, provider_name="offline")
    assert page_notes(pages) == {"page 2": ["legend symbols taken from P-001"]}
