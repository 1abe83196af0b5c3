"""Background outbox dispatch inside the API process: at once when a lead arrives, and every ~1 s.

Passes are at least ``min_gap`` seconds apart, so under a flood of leads the replies go out in batches (one
claim query per batch) instead of one pass per lead. After each pass the leads whose auto-replies were sent get
their ``first_response_at``; a full catch-up of that (for replies sent elsewhere, e.g. by the Dagster retry
schedule) runs every ``catch_up_seconds``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator
from typing import Any

import structlog
from litestar import Litestar

from pipelineos_api.platform.db import blocking

log = structlog.get_logger("pipelineos_api.dispatch")


def dispatch_once(catch_up: bool = False) -> int:
    """Send due outbox messages and record the first response of the leads they answer; returns how many
    were sent."""
    from pipelineos.db.pool import connection
    from pipelineos.leads.service import sync_first_responses
    from pipelineos.notify import dispatcher

    report: dict[str, Any] = dispatcher.dispatch_due()
    with connection() as conn:
        sync_first_responses(conn, None if catch_up else [str(i) for i in report.get("ids", [])])
    return int(report.get("sent", 0))


class Dispatcher:
    """Owns the loop task and the wake-up event."""

    def __init__(self, interval: float, min_gap: float = 0.1, catch_up_seconds: float = 30.0) -> None:
        self.interval, self.min_gap, self.catch_up_seconds = interval, min_gap, catch_up_seconds
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

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
                await blocking(dispatch_once, catch_up)
                last_catch_up = time.monotonic() if catch_up else last_catch_up
            except Exception as exc:  # keep the loop alive; the outbox retries with backoff
                log.warning("dispatch_failed", error=f"{type(exc).__name__}: {str(exc)[:200]}")
            await asyncio.sleep(self.min_gap)


@contextlib.asynccontextmanager
async def dispatcher_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Start the dispatcher loop for the app's lifetime (when enabled in ApiConfig)."""
    config = app.state.config
    dispatcher = Dispatcher(config.dispatch_interval_seconds)
    app.state.dispatcher = dispatcher
    if config.run_dispatcher:
        dispatcher.task = asyncio.create_task(dispatcher.run(), name="outbox-dispatcher")
    gc.freeze()  # start-up objects (imports, routes) leave the collector's generations: shorter GC pauses
    try:
        yield
    finally:
        if dispatcher.task is not None:
            dispatcher.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await dispatcher.task
