"""Running repository queries: driver errors become domain errors, so callers never see psycopg exceptions.

The API validates input before it reaches SQL (lengths, ranges, no control characters); this is the backstop
for whatever still gets through — a value out of a column's range, a NUL byte PostgreSQL cannot store in text,
a malformed id, a duplicate key — which would otherwise surface as an internal error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, LiteralString

import psycopg
from psycopg.rows import dict_row

from pipelineos.errors import ConflictError, NotFoundError, ValidationError

Row = dict[str, Any]


@contextmanager
def domain_errors() -> Iterator[None]:
    """Translate psycopg errors raised inside the block into :mod:`pipelineos.errors` exceptions."""
    try:
        yield
    except psycopg.errors.UniqueViolation as exc:
        raise ConflictError("A record with the same key already exists.") from exc
    except psycopg.errors.ForeignKeyViolation as exc:
        raise NotFoundError("A record this refers to does not exist.") from exc
    except psycopg.errors.InvalidTextRepresentation as exc:
        raise NotFoundError("No such record: the id is not a valid identifier.") from exc
    except (psycopg.errors.CheckViolation, psycopg.errors.NotNullViolation) as exc:
        raise ValidationError(f"Rejected by a database rule: {exc.diag.constraint_name or exc.sqlstate}.") from exc
    except psycopg.DataError as exc:
        raise ValidationError(
            "A value cannot be stored: it is out of range for its field or contains a NUL character; "
            "correct it and retry."
        ) from exc


def fetch_all(conn: psycopg.Connection, query: LiteralString, params: Mapping[str, Any]) -> list[Row]:
    """Run ``query`` with named ``params``; its rows as dicts (none for statements without a result)."""
    with domain_errors(), conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        return list(cur.fetchall()) if cur.description else []
