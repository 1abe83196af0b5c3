"""Embedded PostgreSQL (pgserver) under the data directory, shared by every process.

The first process to need a database starts the server; later processes (API, Dagster, dashboard, CLI) find
the running postmaster through its ``postmaster.pid`` and connect to it. pgserver recovers a stale pid file left
by a crash. The server is left running on exit (``cleanup_mode=None``); ``pipelineos db stop`` stops it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qs, urlparse

logging.getLogger("pgserver").setLevel(logging.WARNING)


def ensure_embedded_server(pgdata: Path) -> str:
    """Start (or join) the embedded server for ``pgdata`` and return its psycopg connection URL."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        pgdata.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(pgdata, cleanup_mode=None)
    return str(server.get_uri())


def socket_dir_of(url: str) -> str | None:
    """The unix socket directory in a ``?host=`` URL, if any."""
    host = parse_qs(urlparse(url).query).get("host")
    return host[0] if host else None


def embedded_status(pgdata: Path) -> dict[str, object]:
    """Report whether an embedded server is running for ``pgdata`` without starting one."""
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return {"running": False, "pgdata": str(pgdata)}
    lines = pid_file.read_text().splitlines()
    pid = int(lines[0]) if lines else 0
    try:
        import os

        os.kill(pid, 0)
        running = True
    except (OSError, ValueError):
        running = False
    return {
        "running": running,
        "pid": pid,
        "pgdata": str(pgdata),
        "socket_dir": lines[4] if len(lines) > 4 else None,
    }


def stop_embedded_server(pgdata: Path) -> bool:
    """Stop the embedded server with ``pg_ctl stop``; return False when none was running."""
    import getpass
    import warnings

    if not embedded_status(pgdata).get("running"):
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]
    owner = pgdata.owner()
    kwargs = {"user": owner} if owner != getpass.getuser() else {}
    pg_ctl(["-m", "fast", "-w", "stop"], pgdata=pgdata, **kwargs)
    return True
