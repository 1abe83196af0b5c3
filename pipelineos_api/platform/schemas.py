"""Helpers shared by every domain's msgspec DTOs: row conversion, the request base class and text types.

Text fields of request bodies are declared as ``Annotated[str, line(n)]`` (one line: no control characters)
or ``Annotated[str, text(n)]`` (tab and line breaks allowed). Both refuse NUL and the other control characters
in the DTO itself, so a bad value is a 400 naming the field, the OpenAPI schema says so (``pattern``), and such
a value never reaches PostgreSQL (which cannot store NUL in text).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import msgspec

T = TypeVar("T")

LINE_PATTERN = "^[^\\x00-\\x1f\\x7f]*$"
"""No control characters (C0 and DEL)."""
TEXT_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"
"""Like :data:`LINE_PATTERN` but tab, line feed and carriage return are allowed."""


def line(max_length: int, min_length: int = 0, examples: list[str] | None = None) -> msgspec.Meta:
    """Constraints of a single-line text field (``Annotated[str, line(200)]``): no control characters."""
    return msgspec.Meta(min_length=min_length, max_length=max_length, pattern=LINE_PATTERN, examples=examples)


def text(max_length: int, min_length: int = 0, examples: list[str] | None = None) -> msgspec.Meta:
    """Constraints of a multi-line text field: like :func:`line` but tab and line breaks are allowed."""
    return msgspec.Meta(min_length=min_length, max_length=max_length, pattern=TEXT_PATTERN, examples=examples)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value
    return value


def to_struct(row: dict[str, Any], kind: type[T]) -> T:
    """Convert a repository row (UUID, Decimal, datetime values) into the DTO ``kind``; extra keys are
    dropped."""
    return msgspec.convert(_plain(row), kind, strict=False)


def to_structs(rows: list[dict[str, Any]], kind: type[T]) -> list[T]:
    """:func:`to_struct` for each row."""
    return [to_struct(r, kind) for r in rows]


class Input(msgspec.Struct, forbid_unknown_fields=True):
    """Base for request bodies: decoded strictly (no "1" for 1, no 0 for false) and unknown fields are
    refused with 400 (see :mod:`pipelineos_api.platform.strict`)."""
