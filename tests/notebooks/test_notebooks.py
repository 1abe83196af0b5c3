"""The analyst notebooks run headless against demo data and are committed without outputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import psycopg
import pytest
from nbclient import NotebookClient
from psycopg.rows import dict_row

from pipelineos.reporting.demo import insert_demo_activity
from pipelineos.settings import REPO_ROOT
from pipelineos.storage import get_storage

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def demo_data(seeded: dict[str, str], db_url: str) -> None:
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        insert_demo_activity(
            conn,
            seeded["organization_id"],
            get_storage(),
            blueprints=30,
            detections_per_blueprint=20,
            reviewed_blueprints=10,
            leads=25,
        )


def text_outputs(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def test_there_are_at_least_three_notebooks():
    assert {p.stem for p in NOTEBOOKS} >= {"bid_win_analysis", "takeoff_accuracy", "pricing_sensitivity"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: run nbstripout"


def test_notebooks_are_exactly_what_nbstripout_leaves():
    nbstripout = Path(sys.executable).with_name("nbstripout")
    result = subprocess.run([str(nbstripout), "--verify", *map(str, NOTEBOOKS)], capture_output=True, text=True)
    assert result.returncode == 0, f"run `.venv/bin/nbstripout notebooks/*.ipynb`: {result.stdout}{result.stderr}"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (REPO_ROOT / "notebooks" / "bid_win_analysis.ipynb", "win rate: "),
        (REPO_ROOT / "notebooks" / "takeoff_accuracy.ipynb", "overall precision: "),
        (REPO_ROOT / "notebooks" / "pricing_sensitivity.ipynb", "±10 % on each input"),
    ],
    ids=lambda v: Path(v).stem if isinstance(v, Path) else None,
)
def test_notebook_executes_against_demo_data(path: Path, expected: str, demo_data, app_env, tmp_path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    output = text_outputs(nb)
    assert "Organization: Demo Plumbing Co." in output
    assert expected in output
    assert "Traceback" not in output
