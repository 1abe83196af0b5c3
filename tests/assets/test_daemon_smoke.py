"""Smoke test: dagster-webserver + dagster-daemon on the test database; an upload reaches ``completed``."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import httpx
import psycopg
import pytest

from pipelineos.platform.dagster_home import ensure_dagster_home
from pipelineos.settings import REPO_ROOT

pytestmark = pytest.mark.slow
WAIT_SECONDS = 240  # bounded; a quiet 2-core machine needs ~15 s, one shared with other test runs much more


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each process group (daemon and webserver spawn code servers), then SIGKILL whatever is left of
    it after 15 s — a code server can outlive its parent."""
    for proc in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(max(0.1, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


@pytest.fixture(scope="module")
def platform(app_env, seeded, smtp_sink, db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Daemon and webserver, each in its own process group, with DAGSTER_HOME from our platform module."""
    home = ensure_dagster_home(tmp_path_factory.mktemp("dagster-home"), db_url)  # creates Dagster's tables
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    port = _free_port()
    bin_dir = Path(sys.executable).parent
    workspace = str(REPO_ROOT / "workspace.yaml")
    logs = tmp_path_factory.mktemp("dagster-logs")
    commands = {
        "daemon": [str(bin_dir / "dagster-daemon"), "run", "-w", workspace],
        "webserver": [
            str(bin_dir / "dagster-webserver"),
            "-w",
            workspace,
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
    }
    processes = []
    try:
        for name, argv in commands.items():
            log = (logs / f"{name}.log").open("wb")
            processes.append(
                subprocess.Popen(
                    argv, env=env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
        yield {"port": port, "logs": logs, "home": home}
    finally:
        _stop(processes)


def _tail(logs: Path) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(logs.glob("*.log")))


def wait_for(db_url: str, blueprint_id: str, statuses: tuple[str, ...], logs: Path) -> tuple[str, str | None, float]:
    """Poll the blueprint row until its status is one of ``statuses`` (bounded by WAIT_SECONDS)."""
    started = time.monotonic()
    status, error = "?", None
    with psycopg.connect(db_url, autocommit=True) as conn:
        while time.monotonic() - started < WAIT_SECONDS:
            status, error = conn.execute(
                "select status, error from blueprints where id = %s", (blueprint_id,)
            ).fetchone()
            if status in statuses:
                return status, error, time.monotonic() - started
            time.sleep(0.5)
    raise AssertionError(f"status {status} ({error}) after {WAIT_SECONDS}s, wanted {statuses}\n{_tail(logs)}")


@pytest.fixture(scope="module")
def uploaded(platform: dict, plan_set_pdf: Path, seeded, db_url: str, smtp_sink) -> dict:
    """A plan set uploaded through the API while the daemon runs; waits (bounded) for it to finish."""
    import anyio
    from litestar.testing import AsyncTestClient

    from pipelineos_api.app import create_app
    from pipelineos_api.config import ApiConfig

    async def upload() -> dict:
        app = create_app(ApiConfig.from_settings(run_dispatcher=False))
        async with AsyncTestClient(app=app) as client:
            login = await client.post(
                "/api/auth/login", json={"email": seeded["admin_email"], "password": seeded["admin_password"]}
            )
            assert login.status_code == 200, login.text
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            response = await client.post(
                "/api/blueprints/upload",
                headers=headers,
                files={"file": ("plan-set.pdf", plan_set_pdf.read_bytes(), "application/pdf")},
                data={"customer_email": "owner@example.com", "project_name": "Smoke"},
            )
            assert response.status_code == 202, response.text
            blueprint_id = response.json()["blueprint"]["id"]
            status, error, elapsed = wait_for(db_url, blueprint_id, ("completed", "failed"), platform["logs"])
            detail = await client.get(f"/api/blueprints/{blueprint_id}", headers=headers)
            return {"id": blueprint_id, "status": status, "error": error, "seconds": elapsed, "detail": detail}

    return anyio.run(upload)


def test_upload_reaches_completed_through_the_daemon(platform: dict, uploaded: dict, smtp_sink) -> None:
    assert (uploaded["status"], uploaded["error"]) == ("completed", None)
    print(f"upload → completed in {uploaded['seconds']:.1f} s")
    assert uploaded["detail"].status_code == 200 and uploaded["detail"].json()["status"] == "completed"
    info = httpx.get(f"http://127.0.0.1:{platform['port']}/server_info", timeout=10)
    assert info.status_code == 200
    assert [m["To"] for m in smtp_sink.messages].count("owner@example.com") == 1


def test_rerun_through_the_webserver_fails_then_completes(platform: dict, uploaded: dict, db_url: str) -> None:
    """`pipelineos rerun --dagster` launches the partition's run through the webserver, as the UI does."""
    from typer.testing import CliRunner

    from pipelineos.cli.main import app
    from pipelineos.storage import get_storage

    blueprint_id = uploaded["id"]
    with psycopg.connect(db_url) as conn:
        sha = conn.execute("select sha256 from blueprints where id = %s", (blueprint_id,)).fetchone()[0].strip()
    stored = get_storage().path_for(sha)
    hidden = stored.with_name(stored.name + ".away")
    rerun = ["rerun", blueprint_id, "--dagster", "--url", f"127.0.0.1:{platform['port']}"]
    stored.rename(hidden)  # the file vanishes: the re-run fails and says why
    try:
        launched = CliRunner().invoke(app, rerun)
        assert launched.exit_code == 0, launched.output
        _, error, _ = wait_for(db_url, blueprint_id, ("failed",), platform["logs"])
        assert "missing from storage" in error and "plan-set.pdf" in error
    finally:
        hidden.rename(stored)
    launched = CliRunner().invoke(app, rerun)
    assert launched.exit_code == 0, launched.output
    assert wait_for(db_url, blueprint_id, ("completed",), platform["logs"])[1] is None
    with dg.DagsterInstance.from_config(str(platform["home"])) as instance:
        deadline = time.monotonic() + 60  # the row says completed a moment before the run itself finishes
        while True:
            runs = instance.get_runs(dg.RunsFilter(tags={"pipelineos/blueprint": blueprint_id}))
            if all(r.is_finished for r in runs) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    assert [(r.status, r.tags.get("pipelineos/reason")) for r in runs] == [
        (dg.DagsterRunStatus.SUCCESS, "rerun"),
        (dg.DagsterRunStatus.FAILURE, "rerun"),
        (dg.DagsterRunStatus.SUCCESS, "upload"),
    ]
