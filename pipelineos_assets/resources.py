"""Resources shared by every domain: the database, the takeoff engine and the Polars IO manager.

No ``from __future__ import annotations`` in Dagster modules: Dagster reads parameter and field annotations at
run time to inject contexts and resources.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg
import polars as pl
import psycopg

from pipelineos.blueprints.processing import frames


class PipelineDatabase(dg.ConfigurableResource):
    """The PipelineOS PostgreSQL database (``PIPELINEOS_DATABASE_URL``, else the embedded server)."""

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection; the block is one transaction."""
        from pipelineos.db.pool import connection

        with connection() as conn:
            yield conn


class TakeoffEngine(dg.ConfigurableResource):
    """How pages are rendered and analysed: resolution, worker processes (0 = one per core) and the vision
    provider (``offline``, ``auto``, ``claude``; empty = the ``PIPELINEOS_AI_PROVIDER`` setting, whose API key
    comes from ``ANTHROPIC_API_KEY``)."""

    render_dpi: int = 100
    workers: int = 0
    ai_provider: str = ""

    def worker_count(self) -> int | None:
        return self.workers or None


class PostgresPolarsIOManager(dg.ConfigurableIOManager):
    """Stores Polars DataFrames in PostgreSQL tables with COPY, one partition at a time.

    The table is the asset's ``table`` metadata (default: the asset name); the partition key goes in the
    column named by ``partition_column`` metadata, and ``fixed_columns`` metadata (``{"metric_set": "bids"}``)
    lets several assets share one table, each owning its slice. Writing deletes the partition's rows and
    inserts the frame in one
    transaction, after checking the frame's columns and types against the table.
    """

    database: PipelineDatabase

    @staticmethod
    def _target(context: dg.OutputContext | dg.InputContext) -> tuple[str, dict[str, Any]]:
        output = context.upstream_output if isinstance(context, dg.InputContext) else context
        assert output is not None
        metadata = output.definition_metadata or {}
        table = str(metadata.get("table") or context.asset_key.path[-1])
        column = metadata.get("partition_column")
        partition: dict[str, Any] = {}
        if column and context.has_asset_partitions:
            partition[str(column)] = context.asset_partition_key
        partition.update(metadata.get("fixed_columns") or {})
        return table, partition

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame) -> None:
        if obj is None:
            return
        if not isinstance(obj, pl.DataFrame):
            raise TypeError(f"{context.asset_key.to_user_string()} must return a polars DataFrame, not {type(obj)}")
        table, partition = self._target(context)
        with self.database.connection() as conn:
            written = frames.replace_partition(conn, table, obj, partition)
        context.add_output_metadata(
            {"table": table, "rows": written, **{f"partition.{k}": str(v) for k, v in partition.items()}}
        )

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        table, partition = self._target(context)
        with self.database.connection() as conn:
            return frames.read_partition(conn, table, partition)
