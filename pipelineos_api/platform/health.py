"""Readiness checks of the components the API depends on."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import psycopg

from pipelineos.db.pool import database_url
from pipelineos.settings import get_settings
from pipelineos.storage import get_storage


def _timed(check: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = check()
        status = "ok"
    except Exception as exc:  # each component reports its own failure
        detail, status = f"{type(exc).__name__}: {str(exc)[:200]}", "error"
    return {
        "status": status,
        "detail": detail,
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
    }


def _database() -> str:
    with psycopg.connect(database_url(), connect_timeout=2) as conn:
        conn.execute("select 1")
    return "select 1 answered"


def _storage() -> str:
    storage = get_storage()
    probe = storage.put_bytes(b"pipelineos readiness probe\n")
    storage.read_bytes(probe.sha256)
    return f"writable at {storage.root}"


def _dagster() -> str:
    """The Dagster webserver answers ``/server_info`` (what ``pipelineos up`` waits for, too)."""
    url = f"http://127.0.0.1:{get_settings().dagster_port}/server_info"
    with urllib.request.urlopen(url, timeout=1.0) as response:
        info = json.loads(response.read(65536))
    version = info.get("dagster_webserver_version") or info.get("dagster_version") or "unknown version"
    return f"webserver at {url.removesuffix('/server_info')} answers (dagster {version})"


def _ai() -> str:
    settings = get_settings()
    if settings.ai_provider == "claude" and settings.anthropic_api_key is None:
        raise RuntimeError("ai_provider is 'claude' but ANTHROPIC_API_KEY is not set")
    if settings.ai_provider == "offline" or settings.anthropic_api_key is None:
        return "offline detection (no Claude key configured)"
    return f"claude ({settings.anthropic_model})"


CRITICAL = ("database", "storage")


def readiness() -> dict[str, Any]:
    """Per-component status; ``ready`` is true when the critical components (database, storage) are ok."""
    components = {
        "database": _timed(_database),
        "storage": _timed(_storage),
        "dagster": _timed(_dagster),
        "ai_provider": _timed(_ai),
    }
    ready = all(components[name]["status"] == "ok" for name in CRITICAL)
    return {"ready": ready, "components": components}
