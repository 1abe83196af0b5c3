"""Run blocking core services (psycopg) in a worker thread, each call one transaction."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import anyio
from anyio.to_thread import run_sync

from pipelineos.db.pool import connection

T = TypeVar("T")
_limiter: list[anyio.CapacityLimiter] = []


def _limiter_instance() -> anyio.CapacityLimiter:
    if not _limiter:
        _limiter.append(anyio.CapacityLimiter(32))
    return _limiter[0]


def _in_transaction(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    with connection() as conn:
        return fn(conn, *args, **kwargs)


async def tx(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``fn(conn, *args, **kwargs)`` in a thread on a pooled connection; commit on success, rollback on
    error."""
    return await run_sync(partial(_in_transaction, fn, args, kwargs), limiter=_limiter_instance())


async def blocking(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Any other blocking call (files, rendering) in a worker thread."""
    return await run_sync(partial(fn, *args, **kwargs), limiter=_limiter_instance())
