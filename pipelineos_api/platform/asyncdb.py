"""An async connection pool for the API's hottest single-statement path (the public lead form).

Other routes run blocking core services in worker threads (:mod:`pipelineos_api.platform.db`); a handful of
requests per second do not notice the hop. The lead form is meant to take hundreds per second on two cores,
where handing every request to a thread and back costs more than its one statement, so that statement runs
on the event loop itself over psycopg's async connections (autocommit: one statement is atomic by itself).
The pool is opened on first use and closed with the app.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any, LiteralString

from litestar import Litestar
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from pipelineos.db.access import domain_errors
from pipelineos.db.pool import database_url


class AsyncStatements:
    """Run single statements on a lazily opened async pool of ``size`` autocommit connections."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._pool: AsyncConnectionPool | None = None
        self._opening = asyncio.Lock()

    async def _get_pool(self) -> AsyncConnectionPool:
        if self._pool is None:
            async with self._opening:
                if self._pool is None:
                    pool = AsyncConnectionPool(
                        database_url(),
                        min_size=0,
                        max_size=self.size,
                        kwargs={"row_factory": dict_row, "autocommit": True},
                        open=False,
                        name="pipelineos-api-async",
                    )
                    await pool.open()
                    self._pool = pool
        return self._pool

    async def fetch_one(self, query: LiteralString, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first row of ``query``; driver errors become domain errors, as in the repositories."""
        pool = await self._get_pool()
        async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cursor:
            with domain_errors():
                await cursor.execute(query, params)
                return await cursor.fetchone()

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()


@contextlib.asynccontextmanager
async def async_statements_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Give the app its :class:`AsyncStatements` (``app.state.statements``) and close its pool at shutdown."""
    statements = AsyncStatements(app.state.config.async_pool_size)
    app.state.statements = statements
    try:
        yield
    finally:
        await statements.close()
