"""Run one function over a blueprint's pages on every core, keeping page order and per-page errors."""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


PRELOAD = ["pipelineos.blueprints.processing.page_worker"]
"""Imported once by the fork server (see :mod:`~pipelineos.blueprints.processing.page_worker`)."""


def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def prestart() -> None:
    """Start the fork server now, without waiting for it.

    It imports and warms up the page code in its own process while this one goes on (a run does this when it
    starts, so the first page pool does not wait seconds for the imports).
    """
    _context()
    multiprocessing.forkserver.ensure_running()


def worker_count(requested: int | None = None) -> int:
    """Workers to use: ``requested`` or one per available core."""
    if requested:
        return max(1, requested)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def map_pages(
    fn: Callable[..., T],
    calls: Sequence[tuple[Any, ...]],
    *,
    workers: int | None = None,
    on_done: Callable[[int], None] | None = None,
) -> list[T]:
    """``[fn(*args) for args in calls]`` in a pool of processes forked from a clean fork server.

    The fork server is started once per process with the page code loaded and warmed up, so a pool starts in
    milliseconds and workers inherit no threads or locks from the caller (Dagster, psycopg pool).

    A single call, or ``workers=1``, runs in this process. ``fn`` must be a module-level function; its
    exceptions propagate (catch them inside ``fn`` to keep one bad page from sinking the rest).
    ``on_done(i)`` is called in this process as each call finishes, in page order.
    """
    count = min(worker_count(workers), len(calls))
    if count <= 1:
        results = []
        for i, args in enumerate(calls):
            results.append(fn(*args))
            if on_done:
                on_done(i)
        return results
    with ProcessPoolExecutor(max_workers=count, mp_context=_context()) as pool:
        futures = [pool.submit(fn, *args) for args in calls]
        for i, future in enumerate(futures):
            future.result()
            if on_done:
                on_done(i)
        return [f.result() for f in futures]
