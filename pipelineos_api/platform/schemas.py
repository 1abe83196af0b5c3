"""Helpers shared by every domain's msgspec DTOs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import msgspec

T = TypeVar("T")


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
    return [to_struct(r, kind) for r in rows]


class Input(msgspec.Struct, forbid_unknown_fields=True):
    """Base for request bodies: unknown fields are refused with 400."""
