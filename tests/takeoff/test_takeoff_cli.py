"""The ``detect`` and ``eval`` commands through typer's CliRunner, and an eval slice with floors."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from pipelineos.cli.takeoff import register
from pipelineos.samples.corpus import build_corpus
from pipelineos.takeoff.evaluation import evaluate, markdown


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_detect_writes_the_json_contract(plan_set: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = CliRunner().invoke(_app(), ["detect", str(plan_set[0]), "--provider", "offline", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "water_closet" in result.output
    data = json.loads(out.read_text())
    assert data["source"] == str(plan_set[0])
    page = data["pages"][0]
    assert page["index"] == 0 and page["sheet"] == "P-101"
    fixture = page["fixtures"][0]
    assert set(fixture) == {"class", "bbox", "confidence", "method"} and len(fixture["bbox"]) == 4


def test_detect_with_exemplar_image(plan_set: list[Path], tmp_path: Path) -> None:
    from pipelineos.samples.corpus import crop_exemplars

    crops = crop_exemplars(plan_set[0], tmp_path)
    args = ["detect", str(plan_set[0]), "--provider", "offline", "--exemplar", f"urinal={crops['urinal'][0]}"]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output


def test_detect_bad_input_exits_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    result = CliRunner().invoke(_app(), ["detect", str(empty), "--provider", "offline"])
    assert result.exit_code == 2 and "empty.png" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(_app(), ["detect", str(empty), "--exemplar", "nonsense"])
    assert result.exit_code == 2


def test_eval_slice_meets_floors(tmp_path: Path) -> None:
    items = build_corpus(tmp_path / "corpus", size="tiny")
    drawn = items[0].path.stat().st_mtime_ns
    assert build_corpus(tmp_path / "corpus", size="tiny") == items
    assert items[0].path.stat().st_mtime_ns == drawn, "an unchanged corpus is reused, not drawn again"
    report = evaluate(items, workers=2)
    groups = report["groups"]
    assert groups["vector"]["overall"]["f1"] >= 0.97
    assert groups["scan"]["overall"]["f1"] >= 0.90
    assert groups["zero_shot"]["overall"]["f1"] >= 0.85
    assert groups["held_out"]["overall"]["f1"] >= 0.8, "unseen styles are read from their own legend"
    assert groups["vector"]["exact_count_share"] >= 0.5
    assert "| vector |" in markdown(report)
