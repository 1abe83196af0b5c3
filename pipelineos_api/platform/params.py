"""Query and header parameters shared by several routes, each bounded so no value can overflow a column."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

from pipelineos_api.platform.schemas import LINE_PATTERN

MAX_OFFSET = 1_000_000

Limit = Annotated[int, Parameter(ge=1, le=500, description="Page size.")]
Offset = Annotated[int, Parameter(ge=0, le=MAX_OFFSET, description="Rows to skip (newest first).")]
OptionalId = Annotated[
    str | None, Parameter(max_length=64, pattern=LINE_PATTERN, description="Filter by this id.", required=False)
]
SearchText = Annotated[
    str | None,
    Parameter(max_length=200, pattern=LINE_PATTERN, description="Case-insensitive text search.", required=False),
]
IdempotencyKey = Annotated[
    str | None,
    Parameter(
        header="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern="^[\\x21-\\x7e]+$",
        required=False,
        description="Any printable ASCII key (e.g. a UUID); a retry with the same key returns the first result.",
    ),
]
PathId = Annotated[
    str,
    Parameter(max_length=64, pattern=LINE_PATTERN, description="The id (a UUID) of a row in your organization."),
]
Sku = Annotated[str, Parameter(max_length=100, pattern=LINE_PATTERN, description="The item's SKU.")]
