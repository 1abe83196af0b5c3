"""Polars DataFrames in and out of PostgreSQL tables, one partition at a time, with COPY.

:func:`replace_partition` deletes a partition's rows and COPYs the frame in, in the caller's transaction, so a
re-run never duplicates rows. Before writing, every column is checked against the table: unknown columns,
missing required columns and incompatible types are refused with a message naming the column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
import psycopg
from psycopg import sql

from pipelineos.blueprints.processing.errors import FrameSchemaError

_TEXT = {"text", "character", "character varying", "uuid", "inet", "jsonb", "json"}
_INT = {"smallint", "integer", "bigint"}
_FLOAT = {"double precision", "real", "numeric"}
_TS = {"timestamp with time zone", "timestamp without time zone"}

_READ_TYPES: dict[str, Any] = {
    "smallint": pl.Int16,
    "integer": pl.Int32,
    "bigint": pl.Int64,
    "double precision": pl.Float64,
    "real": pl.Float32,
    "numeric": pl.Float64,
    "boolean": pl.Boolean,
    "date": pl.Date,
    "timestamp with time zone": pl.Datetime("us", "UTC"),
    "timestamp without time zone": pl.Datetime("us"),
}


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    nullable: bool
    has_default: bool


def table_columns(conn: psycopg.Connection, table: str) -> dict[str, Column]:
    """The table's columns in order; FrameSchemaError when the table does not exist."""
    found = conn.execute(
        "select column_name, data_type, is_nullable, column_default from information_schema.columns "
        "where table_schema = current_schema() and table_name = %s order by ordinal_position",
        (table,),
    ).fetchall()
    if not found:
        raise FrameSchemaError(f"table {table!r} does not exist; run `pipelineos db migrate`")
    columns: dict[str, Column] = {}
    for row in found:
        values = list(row.values()) if isinstance(row, dict) else list(row)
        name, data_type, nullable, default = values
        columns[name] = Column(name, data_type, nullable == "YES", default is not None)
    return columns


def _compatible(dtype: pl.DataType, data_type: str) -> bool:
    if dtype == pl.Null:
        return True
    if dtype == pl.String or dtype == pl.Categorical:
        return data_type in _TEXT
    if dtype.is_integer():
        return data_type in _INT | _FLOAT
    if dtype.is_float() or isinstance(dtype, pl.Decimal):
        return data_type in _FLOAT
    if dtype == pl.Boolean:
        return data_type == "boolean"
    if dtype == pl.Date:
        return data_type == "date"
    if isinstance(dtype, pl.Datetime):
        return data_type in _TS
    return False


def check_frame(frame: pl.DataFrame, table: str, columns: dict[str, Column]) -> None:
    """Refuse a frame that does not fit ``table``: unknown or missing columns, incompatible types, nulls."""
    for name, dtype in frame.schema.items():
        column = columns.get(name)
        if column is None:
            raise FrameSchemaError(f"column {name!r} is not in table {table!r} (columns: {', '.join(columns)})")
        if not _compatible(dtype, column.data_type):
            raise FrameSchemaError(
                f"column {name!r} of table {table!r} is {column.data_type}, but the frame holds {dtype}"
            )
        if not column.nullable and frame[name].null_count():
            raise FrameSchemaError(f"column {name!r} of table {table!r} is NOT NULL but the frame has nulls")
    missing = [c.name for c in columns.values() if not c.nullable and not c.has_default and c.name not in frame]
    if missing:
        raise FrameSchemaError(f"table {table!r} needs columns the frame lacks: {', '.join(missing)}")


def replace_partition(
    conn: psycopg.Connection, table: str, frame: pl.DataFrame, partition: dict[str, Any] | None = None
) -> int:
    """Delete the rows matching ``partition`` (all when None), then COPY ``frame`` in; return rows written.

    Runs in the caller's transaction: commit it to publish the new rows atomically. Partition columns missing
    from the frame are added with the partition's value.
    """
    partition = partition or {}
    columns = table_columns(conn, table)
    for name, value in partition.items():
        if name not in frame.columns:
            literal = pl.lit(str(value), dtype=pl.String)
            if columns.get(name) and columns[name].data_type == "date":
                literal = literal.str.to_date()
            frame = frame.with_columns(literal.alias(name))
        elif frame.height and frame[name].cast(pl.String).ne(str(value)).any():
            raise FrameSchemaError(f"rows of {table!r} must all have {name} = {value}; the frame has others")
    check_frame(frame, table, columns)
    where = sql.SQL(" and ").join(
        sql.SQL("{} = {}").format(sql.Identifier(k), sql.Literal(str(v))) for k, v in partition.items()
    )
    delete = sql.SQL("delete from {}").format(sql.Identifier(table))
    conn.execute(delete + sql.SQL(" where ") + where if partition else delete)
    if frame.height == 0:
        return 0
    copy = sql.SQL("copy {} ({}) from stdin").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in frame.columns)
    )
    with conn.cursor() as cur, cur.copy(copy) as writer:
        for row in frame.iter_rows():
            writer.write_row(row)
    return frame.height


def read_partition(conn: psycopg.Connection, table: str, partition: dict[str, Any] | None = None) -> pl.DataFrame:
    """The partition's rows as a frame typed from the table (uuid/text/json columns as strings)."""
    columns = table_columns(conn, table)
    select = sql.SQL(", ").join(
        sql.SQL("{}::text").format(sql.Identifier(c.name)) if c.data_type in _TEXT else sql.Identifier(c.name)
        for c in columns.values()
    )
    query = sql.SQL("select {} from {}").format(select, sql.Identifier(table))
    if partition:
        query += sql.SQL(" where ") + sql.SQL(" and ").join(
            sql.SQL("{} = {}").format(sql.Identifier(k), sql.Literal(str(v))) for k, v in partition.items()
        )
    with conn.cursor() as cur:
        cur.execute(query)
        data = cur.fetchall()
    schema = {c.name: _READ_TYPES.get(c.data_type, pl.String) for c in columns.values()}
    values = [list(r.values()) if isinstance(r, dict) else list(r) for r in data]
    if values:
        values = [
            [float(v) if schema[n] == pl.Float64 and v is not None else v for n, v in zip(schema, r, strict=True)]
            for r in values
        ]
    return pl.DataFrame(values, schema=schema, orient="row")
