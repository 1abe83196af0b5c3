"""Resources shared by every domain: the database and the Polars IO manager.

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
from pipelineos.blueprints.processing.errors import FrameSchemaError, describe


class PipelineDatabase(dg.ConfigurableResource):
    """The PipelineOS PostgreSQL database (``PIPELINEOS_DATABASE_URL``, else the embedded server)."""

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection; the block is one transaction."""
        from pipelineos.db.pool import connection

        with connection() as conn:
            yield conn


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
        try:
            with self.database.connection() as conn:
                written = frames.replace_partition(conn, table, obj, partition)
        except (FrameSchemaError, psycopg.Error) as exc:
            raise dg.Failure(description=write_failure(table, partition, exc)) from exc
        context.add_output_metadata(
            {"table": table, "rows": written, **{f"partition.{k}": str(v) for k, v in partition.items()}}
        )

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        table, partition = self._target(context)
        with self.database.connection() as conn:
            return frames.read_partition(conn, table, partition)


def write_failure(table: str, partition: dict[str, Any], exc: Exception) -> str:
    """A one-line reason for a refused partition write, naming the blueprint when the partition is one."""
    owner = f"blueprint {partition['blueprint_id']}" if "blueprint_id" in partition else f"{table} {partition}"
    if isinstance(exc, psycopg.errors.ForeignKeyViolation) and "blueprint_id" in partition:
        return f"{owner}: the blueprint was deleted while it was being processed"
    reason = str(exc) if isinstance(exc, FrameSchemaError) else describe(exc)
    return f"{owner}: {table} rows not written: {reason}"
