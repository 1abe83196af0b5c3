"""Errors a user can cause end the ``pipelineos`` command with one clear line and an exit code, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PIPELINEOS = str(Path(sys.executable).parent / "pipelineos")


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("PIPELINEOS_")}
    full.update(env)
    full["COLUMNS"] = "400"
    return subprocess.run([PIPELINEOS, *args], env=full, capture_output=True, text=True, timeout=120)


def test_unreachable_database_is_explained(tmp_path: Path) -> None:
    env = {"PIPELINEOS_HOME": str(tmp_path), "PIPELINEOS_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}
    result = run(env, "db", "migrate")
    assert result.returncode == 3
    assert "cannot reach the database" in result.stderr and "PIPELINEOS_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_file_that_is_not_a_drawing_is_named(app_env: dict[str, str], tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a drawing")
    result = run(app_env, "ingest", str(notes))
    assert result.returncode == 1, result.stderr
    assert "failed" in result.stdout
    assert "notes.txt" in result.stderr and "PDF, PNG, JPEG, TIFF" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_drawing_for_detect(tmp_path: Path) -> None:
    result = run({"PIPELINEOS_HOME": str(tmp_path)}, "detect", str(tmp_path / "missing.pdf"))
    assert result.returncode == 2
    assert "missing.pdf" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
