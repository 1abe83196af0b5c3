"""The embedded server as users meet it through ``pipelineos db``: shared between processes, crash-safe.

Every step runs the installed ``pipelineos`` command in its own process, the way the API, the Dagster daemon
and the dashboard each join the one server under ``$PIPELINEOS_HOME``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

PIPELINEOS = str(Path(sys.executable).parent / "pipelineos")
pytestmark = pytest.mark.slow


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIPELINEOS_")}
    env.update({"PIPELINEOS_HOME": str(home), "PIPELINEOS_ADMIN_PASSWORD": "embedded-test-password", "COLUMNS": "200"})
    return subprocess.run([PIPELINEOS, *args], env=env, capture_output=True, text=True, timeout=180)


def postmaster_pid(home: Path) -> int:
    return int((home / "pgdata" / "postmaster.pid").read_text().splitlines()[0])


def url_of(output: str) -> str:
    return output.split("database:", 1)[1].split()[0]


def test_one_server_is_shared_and_survives_a_crash(tmp_path: Path) -> None:
    home = tmp_path / "home"
    try:
        first = run(home, "db", "start")
        assert first.returncode == 0, first.stderr
        pid = postmaster_pid(home)
        second = run(home, "db", "start")
        assert second.returncode == 0, second.stderr
        assert postmaster_pid(home) == pid, "a second process must join the running server, not start another"
        with psycopg.connect(url_of(second.stdout)) as conn:
            assert conn.execute("select 1").fetchone() == (1,)

        status = run(home, "db", "status")
        assert "running" in status.stdout and "pending" in status.stdout

        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        assert "stopped" in run(home, "db", "status").stdout

        migrated = run(home, "db", "migrate")
        assert migrated.returncode == 0, migrated.stderr
        assert "database is up to date" in migrated.stdout
        assert postmaster_pid(home) != pid, "the stale postmaster.pid left by the crash was recovered"
        again = run(home, "db", "migrate")
        assert again.returncode == 0 and "applied" not in again.stdout, "migrations apply once"
    finally:
        stopped = run(home, "db", "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert "stopped" in run(home, "db", "status").stdout
