"""Background outbox dispatch inside the API process: at once when a lead arrives, and every ~1 s.

Passes are at least ``min_gap`` seconds apart (back to back while full batches are waiting), so under a flood
of leads the replies go out in batches (one claim statement and one SMTP connection per batch) instead of one
pass per lead. The transports are built once per process. After each pass the leads whose auto-replies were sent get
their ``first_response_at``; a full catch-up of that (for replies sent elsewhere, e.g. by the Dagster retry
schedule) runs every ``catch_up_seconds``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import structlog
from litestar import Litestar

from pipelineos.notify.dispatcher import default_transports

log = structlog.get_logger("pipelineos_api.dispatch")


BATCH = 200
"""Messages per pass: one claim statement for all of them."""
T = TypeVar("T")
NICENESS = 10
"""How much lower the dispatcher's threads run than request handling (Linux thread niceness)."""
SWITCH_INTERVAL = 0.001
"""The dispatcher's threads build and send emails (pure Python) beside the event loop; handing the GIL back
every 1 ms instead of Python's default 5 ms keeps a batch from adding milliseconds to request latency."""
SENDERS = 3
"""SMTP connections a full pass sends over side by side (see ``dispatch_due``)."""


def dispatch_once(catch_up: bool = False, transports: dict[str, Any] | None = None) -> int:
    """Send due outbox messages and record the first response of the leads they answer; returns how many
    were sent."""
    from pipelineos.db.pool import connection
    from pipelineos.leads.service import sync_first_responses
    from pipelineos.notify import dispatcher

    report: dict[str, Any] = dispatcher.dispatch_due(limit=BATCH, transports=transports, senders=SENDERS)
    if report["ids"] or catch_up:
        with connection() as conn:
            sync_first_responses(conn, None if catch_up else [str(i) for i in report["ids"]])
    return int(report.get("sent", 0))


def _lower_priority() -> None:
    """Run this thread (and the sender threads it starts, which inherit it) at a lower CPU priority, so under
    a flood the requests are served first and the replies go out with the CPU that is left."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


class Dispatcher:
    """Owns the loop task, the wake-up event and the thread the passes run in."""

    def __init__(self, interval: float, min_gap: float = 0.1, catch_up_seconds: float = 30.0) -> None:
        self.interval, self.min_gap, self.catch_up_seconds = interval, min_gap, catch_up_seconds
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.transports: dict[str, Any] | None = None
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="outbox-dispatch", initializer=_lower_priority)

    async def _in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.thread, fn, *args)

    def kick(self) -> None:
        """Run a dispatch pass now (called after a lead is stored)."""
        self.wake.set()

    async def run(self) -> None:
        """Dispatch until cancelled; a failed pass is logged and retried on the next one."""
        last_catch_up = 0.0
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=self.interval)
            self.wake.clear()
            catch_up = time.monotonic() - last_catch_up >= self.catch_up_seconds
            try:
                if self.transports is None:
                    self.transports = await self._in_thread(default_transports)
                sent = await self._in_thread(dispatch_once, catch_up, self.transports)
                last_catch_up = time.monotonic() if catch_up else last_catch_up
            except Exception as exc:  # keep the loop alive; the outbox retries with backoff
                log.warning("dispatch_failed", error=f"{type(exc).__name__}: {str(exc)[:200]}")
                sent = 0
            if sent < BATCH:
                await asyncio.sleep(self.min_gap)


@contextlib.asynccontextmanager
async def dispatcher_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Start the dispatcher loop for the app's lifetime (when enabled in ApiConfig)."""
    config = app.state.config
    dispatcher = Dispatcher(config.dispatch_interval_seconds)
    app.state.dispatcher = dispatcher
    if config.run_dispatcher:
        dispatcher.task = asyncio.create_task(dispatcher.run(), name="outbox-dispatcher")
        sys.setswitchinterval(SWITCH_INTERVAL)
    gc.freeze()  # start-up objects (imports, routes) leave the collector's generations: shorter GC pauses
    try:
        yield
    finally:
        if dispatcher.task is not None:
            dispatcher.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await dispatcher.task
        dispatcher.thread.shutdown(wait=False)
