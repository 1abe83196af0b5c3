"""Write ``dagster.yaml`` under DAGSTER_HOME: Dagster's runs, events and schedules in our PostgreSQL.

Dagster's tables live in their own schema (``dagster``) of the application database, so one server (embedded
or not) holds everything and dropping a database drops both. Runs go through the queued run coordinator with a
concurrency limit; each run processes one plan set, its pages spread over every core by the assets.
See SCALING.md beside this file for running the same code on Kubernetes or Celery.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
import yaml
from psycopg import sql

from pipelineos.db.pool import database_url, sqlalchemy_url
from pipelineos.settings import get_settings

DAGSTER_SCHEMA = "dagster"


def dagster_storage_url(url: str | None = None, schema: str = DAGSTER_SCHEMA) -> str:
    """The ``postgresql+psycopg2://`` URL Dagster uses: our server and database, search_path = ``schema``."""
    parts = urlsplit(sqlalchemy_url(url or database_url()))
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def instance_config(url: str | None = None, *, max_concurrent_runs: int = 2) -> dict[str, object]:
    """The ``dagster.yaml`` content as a dict."""
    storage_url = dagster_storage_url(url)
    return {
        "storage": {"postgres": {"postgres_url": storage_url}},
        "run_coordinator": {
            "module": "dagster._core.run_coordinator",
            "class": "QueuedRunCoordinator",
            "config": {"dequeue_interval_seconds": 1},
        },
        "concurrency": {
            "runs": {
                "max_concurrent_runs": max_concurrent_runs,
                "tag_concurrency_limits": [
                    {"key": "pipelineos/blueprint", "value": {"applyLimitPerUniqueValue": True}, "limit": 1}
                ],
            }
        },
        "run_monitoring": {"enabled": True, "start_timeout_seconds": 180, "poll_interval_seconds": 30},
        "telemetry": {"enabled": False},
        "nux": {"enabled": False},
    }


def ensure_dagster_schema(url: str | None = None, schema: str = DAGSTER_SCHEMA) -> int:
    """Create Dagster's schema in the application database; return how many tables it already holds."""
    with psycopg.connect(url or database_url(), autocommit=True) as conn:
        conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
        row = conn.execute(
            "select count(*) from information_schema.tables where table_schema = %s", (schema,)
        ).fetchone()
    return int(row[0]) if row else 0


def initialize_dagster_storage(home: Path) -> None:
    """Let Dagster create its run, event and schedule tables now, from one process.

    The daemon and the webserver start together and would otherwise both try to create them.
    """
    from dagster import DagsterInstance

    DagsterInstance.from_config(str(home)).dispose()


def ensure_dagster_home(
    home: Path | None = None,
    url: str | None = None,
    *,
    max_concurrent_runs: int | None = None,
    set_env: bool = False,
) -> Path:
    """Write ``dagster.yaml`` into ``home`` (default: settings.dagster_home), create Dagster's tables when the
    schema is new, and return the directory.

    ``max_concurrent_runs`` defaults to ``PIPELINEOS_DAGSTER_MAX_CONCURRENT_RUNS``; ``set_env=True`` also points
    this process's ``DAGSTER_HOME`` at the directory.
    """
    settings = get_settings()
    home = Path(home or settings.dagster_home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    existing_tables = ensure_dagster_schema(url)
    limit = max_concurrent_runs or settings.dagster_max_concurrent_runs
    text = yaml.safe_dump(instance_config(url, max_concurrent_runs=limit), sort_keys=False)
    target = home / "dagster.yaml"
    if not target.exists() or target.read_text() != text:
        tmp = target.with_suffix(".yaml.tmp")
        tmp.write_text(text)
        os.replace(tmp, target)
    if not existing_tables:
        initialize_dagster_storage(home)
    if set_env:
        os.environ["DAGSTER_HOME"] = str(home)
    return home
