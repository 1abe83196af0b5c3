"""``pipelineos up``: the API, the Dagster webserver + daemon and the dashboard, started and stopped together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console

from pipelineos.settings import REPO_ROOT, get_settings

console = Console()


@dataclass
class Service:
    """One process of the platform: its command line, the URL a user opens and the URL that says it is up."""

    name: str
    argv: list[str]
    url: str | None
    health: str | None = None


class Stop(Exception):
    """Raised by the signal handler: Ctrl-C, SIGTERM or SIGHUP asks ``up`` to stop every service."""


def _raise_stop(signum: int, _frame: object) -> None:
    raise Stop(signal.Signals(signum).name)


def _is_up(url: str) -> bool:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status < 500)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def platform_services() -> list[Service]:
    """The processes ``up`` runs, each with the URL a user opens."""
    settings = get_settings()
    bin_dir = Path(sys.executable).parent
    workspace = str(REPO_ROOT / "workspace.yaml")
    return [
        Service(
            "api",
            [
                str(bin_dir / "uvicorn"),
                "--factory",
                "pipelineos_api.app:create_app",
                "--host",
                settings.api_host,
                "--port",
                str(settings.api_port),
                "--no-access-log",
            ],
            f"http://{settings.api_host}:{settings.api_port}/schema",
            f"http://{settings.api_host}:{settings.api_port}/api/health",
        ),
        Service(
            "dagster-webserver",
            [
                str(bin_dir / "dagster-webserver"),
                "-w",
                workspace,
                "-h",
                "127.0.0.1",
                "-p",
                str(settings.dagster_port),
            ],
            f"http://127.0.0.1:{settings.dagster_port}",
            f"http://127.0.0.1:{settings.dagster_port}/server_info",
        ),
        Service("dagster-daemon", [str(bin_dir / "dagster-daemon"), "run", "-w", workspace], None),
        Service(
            "dashboard",
            [
                str(bin_dir / "streamlit"),
                "run",
                str(REPO_ROOT / "dashboard" / "streamlit_app.py"),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(settings.dashboard_port),
                "--browser.gatherUsageStats",
                "false",
            ],
            f"http://127.0.0.1:{settings.dashboard_port}",
            f"http://127.0.0.1:{settings.dashboard_port}/_stcore/health",
        ),
    ]


def service_environment() -> dict[str, str]:
    """Environment for child processes: one database and one DAGSTER_HOME for all of them."""
    from pipelineos.db.pool import database_url
    from pipelineos.platform.dagster_home import ensure_dagster_home

    env = dict(os.environ)
    env["PIPELINEOS_DATABASE_URL"] = database_url()
    env["PIPELINEOS_HOME"] = str(get_settings().data_dir)
    env["DAGSTER_HOME"] = str(ensure_dagster_home())
    return env


def stop_all(processes: list[subprocess.Popen[bytes]], timeout: float = 15.0) -> None:
    """Signal each process group, then kill what is left after ``timeout`` seconds."""
    for proc in processes:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in processes:
        remaining = max(0.1, deadline - time.monotonic())
        try:
            proc.wait(remaining)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def up(
    only: list[str] = typer.Option(
        None, "--only", help="Start only these services (api, dagster-webserver, dagster-daemon, dashboard)."
    ),
) -> None:
    """Start the platform; print the URLs; Ctrl-C stops every process."""
    from pipelineos.cli.db import prepare_database

    prepare_database(seed=True)
    env = service_environment()
    services = [s for s in platform_services() if not only or s.name in only]
    log_dir = get_settings().data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen[bytes]] = []
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_stop)
    try:
        for service in services:
            log = (log_dir / f"{service.name}.log").open("ab")
            processes.append(
                subprocess.Popen(
                    service.argv,
                    env=env,
                    cwd=REPO_ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            console.print(f"[green]started[/green] {service.name:<18} {service.url or ''}")
        console.print(f"logs in {log_dir}; press Ctrl-C to stop everything")
        waiting = {s.name: s.health for s in services if s.health}
        while True:
            for service, proc in zip(services, processes, strict=True):
                if proc.poll() is not None:
                    console.print(f"[red]{service.name} exited with {proc.returncode}[/red]; see its log")
                    raise typer.Exit(1)
            for name, health in list(waiting.items()):
                if _is_up(health):
                    console.print(f"[bold green]ready[/bold green]   {name}")
                    del waiting[name]
            time.sleep(1)
    except Stop as stop:
        console.print(f"stopping ({stop})…")
    finally:
        stop_all(processes)
        console.print("stopped")


def register(app: typer.Typer) -> None:
    """Add the ``up`` command."""
    app.command("up")(up)
