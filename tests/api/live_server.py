"""The API served by uvicorn in a child process (``python -m pipelineos_api``), for tests over real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from pipelineos.net import free_loopback_port


@dataclass(frozen=True)
class LiveServer:
    url: str
    port: int
    log: Path

    def log_lines(self) -> list[str]:
        """Every line the server wrote to stderr so far."""
        return self.log.read_text().splitlines()


@contextmanager
def live_server(env: dict[str, str], log: Path) -> Iterator[LiveServer]:
    """Start the API with ``env`` (PIPELINEOS_* settings) on a free loopback port; stop it afterwards."""
    port = free_loopback_port()
    full_env = {
        **os.environ,
        **env,
        "PIPELINEOS_API_HOST": "127.0.0.1",
        "PIPELINEOS_API_PORT": str(port),
        "PIPELINEOS_API_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "pipelineos_api"], env=full_env, stderr=sink)
    server = LiveServer(f"http://127.0.0.1:{port}", port, log)
    try:
        _wait_until_healthy(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(server: LiveServer, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API exited during start-up:\n{server.log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{server.url}/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the API did not become healthy within 60 s")
