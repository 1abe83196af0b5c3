"""The process-wide psycopg connection pool.

``database_url()`` resolves the server: ``PIPELINEOS_DATABASE_URL`` when set, else the embedded server under
the data directory, started on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from pipelineos.settings import get_settings

_lock = threading.Lock()
_pool: ConnectionPool | None = None


@cache
def database_url() -> str:
    """The psycopg URL of the application database (cached per process)."""
    settings = get_settings()
    if settings.database_url:
        return settings.database_url
    from pipelineos.db.embedded import ensure_embedded_server

    return ensure_embedded_server(settings.pgdata_dir)


def sqlalchemy_url(url: str | None = None) -> str:
    """The same server as a ``postgresql+psycopg2://`` URL, the form Dagster's storage needs."""
    url = url or database_url()
    scheme, _, rest = url.partition("://")
    return f"postgresql+psycopg2://{rest}" if scheme.startswith("postgres") else url


def get_pool() -> ConnectionPool:
    """Open the pool on first use; connections return rows as dicts."""
    global _pool
    with _lock:
        if _pool is None:
            settings = get_settings()
            _pool = ConnectionPool(
                database_url(),
                min_size=settings.db_pool_min,
                max_size=settings.db_pool_max,
                kwargs={"row_factory": dict_row, "autocommit": False},
                open=True,
                name="pipelineos",
            )
        return _pool


def close_pool() -> None:
    """Close the pool (tests and shutdown hooks)."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.close()
            _pool = None


@contextmanager
def connection() -> Iterator[psycopg.Connection]:
    """Borrow a pooled connection; the block is one transaction (commit on success, rollback on error)."""
    with get_pool().connection() as conn:
        yield conn
