"""Domain errors and small value types of estimating."""

from __future__ import annotations

from pipelineos.errors import ConflictError, ValidationError

BID_STATUSES = ("draft", "sent", "accepted", "declined", "expired")
PHASES = ("rough_in", "finish", "fixture", "trim")


class PricingInputError(ValidationError):
    """A takeoff, option or override the engine cannot price; the message says which field and why."""


class BidStateError(ConflictError):
    """The bid's status does not allow this (re-pricing a sent bid, an invalid status transition)."""


class InvalidTransition(BidStateError):
    """A bid status change the lifecycle does not allow, e.g. accepted → draft."""


class CatalogImportError(ValidationError):
    """A catalog file was refused; ``row`` (1-based, as in the file) and ``column`` name the bad cell."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        super().__init__(message, extra={"row": row, "column": column})
        self.row = row
        self.column = column
