"""``pipelineos up``: the API, the Dagster webserver + daemon and the dashboard, started and stopped together."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
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


def _descendants(pid: int) -> list[psutil.Process]:
    """Every live descendant of ``pid`` (empty when it is gone)."""
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _group(pgid: int) -> list[psutil.Process]:
    """The live (not zombie) processes of process group ``pgid``."""
    members = []
    for proc in psutil.process_iter(["status"]):
        try:
            if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                members.append(proc)
        except (ProcessLookupError, psutil.Error):
            continue
    return members


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def stop_all(processes: list[subprocess.Popen[bytes]], timeout: float = 15.0) -> list[psutil.Process]:
    """Stop each service with its whole process tree; returns the processes that had to be killed.

    Each service leads its own process group (``start_new_session``). SIGTERM goes to every group; after up to
    ``timeout`` seconds, whatever is still alive in a group, or among the descendants seen before the signal
    (a child that moved to a group of its own, such as a code server Dagster's webserver or daemon started), gets
    SIGKILL, so nothing is left orphaned.
    """
    groups = [proc.pid for proc in processes]
    tracked = [child for proc in processes for child in _descendants(proc.pid)]
    for pgid in groups:
        _signal_group(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (
            all(proc.poll() is not None for proc in processes)
            and not any(_group(pgid) for pgid in groups)
            and not any(_alive(p) for p in tracked)
        ):
            break
        time.sleep(0.2)
    left = [p for pgid in groups for p in _group(pgid)]
    left += [p for p in tracked if _alive(p) and p not in left]
    for pgid in groups:
        _signal_group(pgid, signal.SIGKILL)
    for proc in left:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    gone_by = time.monotonic() + 5
    while any(_alive(p) for p in left) and time.monotonic() < gone_by:
        time.sleep(0.05)
    for popen in processes:
        try:
            popen.wait(5)
        except subprocess.TimeoutExpired:
            console.print(f"[red]process {popen.pid} did not exit after SIGKILL[/red]")
    return left


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
