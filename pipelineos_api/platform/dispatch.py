"""Background outbox dispatch inside the API process: every ~1 s, and at once when a lead arrives."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from typing import Any

import structlog
from litestar import Litestar

from pipelineos_api.platform.db import blocking

log = structlog.get_logger("pipelineos_api.dispatch")


def dispatch_once() -> int:
    """Send due outbox messages (if the notify package is installed) and record first responses."""
    sent = 0
    try:
        from pipelineos.notify import dispatcher
    except ImportError:
        dispatcher = None  # type: ignore[assignment]
    if dispatcher is not None:
        report: Any = dispatcher.dispatch_due()
        sent = int(report.get("sent", 0)) if isinstance(report, dict) else 0
    from pipelineos.db.pool import connection
    from pipelineos.leads.service import sync_first_responses

    with connection() as conn:
        sync_first_responses(conn)
    return sent


class Dispatcher:
    """Owns the loop task and the wake-up event."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        """Run a dispatch pass now (called after a lead is stored)."""
        self.wake.set()

    async def run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=self.interval)
            self.wake.clear()
            try:
                await blocking(dispatch_once)
            except Exception as exc:  # keep the loop alive; the outbox retries with backoff
                log.warning("dispatch_failed", error=f"{type(exc).__name__}: {str(exc)[:200]}")


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
