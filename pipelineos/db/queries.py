"""Named SQL queries kept in ``queries.sql`` files next to each repository.

A file holds blocks that start with a ``-- name: query_name --`` header line; :func:`load_queries` returns them
as a mapping typed ``LiteralString`` so psycopg accepts them as static SQL.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import LiteralString, cast

_HEADER = re.compile(r"^--\s*name:\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*--\s*$", re.MULTILINE)


@cache
def load_queries(path: Path | str) -> dict[str, LiteralString]:
    """Parse ``path`` into ``{name: sql}``; duplicate names are an error."""
    text = Path(path).read_text()
    parts = _HEADER.split(text)
    queries: dict[str, LiteralString] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in queries:
            raise ValueError(f"{path}: query {name!r} is defined twice")
        queries[name] = cast(LiteralString, body.strip().rstrip(";"))
    return queries


def queries_beside(module_file: str) -> dict[str, LiteralString]:
    """Load the ``queries.sql`` that sits in the same folder as ``module_file``."""
    return load_queries(Path(module_file).with_name("queries.sql"))
