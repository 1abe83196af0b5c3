"""Smoke test: dagster-webserver + dagster-daemon on the test database; an upload reaches ``completed``."""

from __future__ import annotations

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
WAIT_SECONDS = 90


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each process group (daemon and webserver spawn children), SIGKILL what is left after 15 s."""
    for proc in processes:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in processes:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@pytest.fixture(scope="module")
def platform(app_env, seeded, smtp_sink, db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Daemon and webserver, each in its own process group, with DAGSTER_HOME from our platform module."""
    home = ensure_dagster_home(tmp_path_factory.mktemp("dagster-home"), db_url)
    dg.DagsterInstance.from_config(str(home)).dispose()  # create Dagster's tables once, before two processes race
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


@pytest.mark.anyio
async def test_upload_reaches_completed_through_the_daemon(
    platform: dict, plan_set_pdf: Path, seeded, db_url: str, smtp_sink
) -> None:
    from litestar.testing import AsyncTestClient

    from pipelineos_api.app import create_app
    from pipelineos_api.config import ApiConfig

    app = create_app(ApiConfig.from_settings(run_dispatcher=False))
    async with AsyncTestClient(app=app) as client:
        login = await client.post(
            "/api/auth/login", json={"email": seeded["admin_email"], "password": seeded["admin_password"]}
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        started = time.monotonic()
        upload = await client.post(
            "/api/blueprints/upload",
            headers=headers,
            files={"file": ("plan-set.pdf", plan_set_pdf.read_bytes(), "application/pdf")},
            data={"customer_email": "owner@example.com", "project_name": "Smoke"},
        )
        assert upload.status_code == 202, upload.text
        blueprint_id = upload.json()["blueprint"]["id"]
        status = "pending"
        with psycopg.connect(db_url, autocommit=True) as conn:
            while time.monotonic() - started < WAIT_SECONDS:
                status, error = conn.execute(
                    "select status, error from blueprints where id = %s", (blueprint_id,)
                ).fetchone()
                if status in ("completed", "failed"):
                    break
                time.sleep(1)
        elapsed = time.monotonic() - started
        assert status == "completed", f"status {status} ({error}) after {elapsed:.0f}s\n{_tail(platform['logs'])}"
        detail = await client.get(f"/api/blueprints/{blueprint_id}", headers=headers)
        assert detail.status_code == 200 and detail.json()["status"] == "completed"
    print(f"upload → completed in {elapsed:.1f} s")
    info = httpx.get(f"http://127.0.0.1:{platform['port']}/server_info", timeout=10)
    assert info.status_code == 200
    assert any(m["To"] == "owner@example.com" for m in smtp_sink.messages)
