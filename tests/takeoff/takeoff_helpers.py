"""Helpers for the takeoff tests: ground truth lookup and scoring."""

from __future__ import annotations

import json
from pathlib import Path

from pipelineos.takeoff.evaluation import SheetScore, score_sheet
from pipelineos.takeoff.models import PageTakeoff


def truth_of(path: Path) -> dict:
    """Ground truth written next to a generated drawing."""
    return json.loads((path.parent / f"{path.stem}.truth.json").read_text())


def f1(score: SheetScore) -> float:
    """Micro F1 of one scored sheet."""
    tp, fp, fn = sum(score.tp.values()), sum(score.fp.values()), sum(score.fn.values())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def score_page(page: PageTakeoff, path: Path, classes: tuple[str, ...] | None = None) -> SheetScore:
    """Score a page's fixtures against the truth of the drawing at ``path``."""
    return score_sheet(page.fixtures, truth_of(path), classes)
