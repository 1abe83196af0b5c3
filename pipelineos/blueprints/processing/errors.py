"""Errors raised while processing one blueprint; each message names the blueprint and the cause."""

from __future__ import annotations


class ProcessingError(RuntimeError):
    """A blueprint could not be processed; the message is safe to store on the row and show to a user."""

    def __init__(self, blueprint_id: str, cause: str, *, transient: bool = False) -> None:
        super().__init__(f"blueprint {blueprint_id}: {cause}")
        self.blueprint_id = blueprint_id
        self.cause = cause
        self.transient = transient


class BlueprintGone(ProcessingError):
    """The blueprint row was deleted (or never existed); nothing is left to mark."""


class ReviewDecisionError(ProcessingError):
    """A review decision cannot be applied (unknown class, missing page, …)."""


class FrameSchemaError(ValueError):
    """A DataFrame does not fit the table it is written to; the message names the column and both types."""


def describe(exc: BaseException) -> str:
    """A one-line, user-readable cause for ``exc`` (no traceback, no internals beyond the exception text)."""
    if isinstance(exc, ProcessingError):
        return exc.cause
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    return f"{name}: {text}"[:500] if text else name


_TRANSIENT_NAMES = (
    "RateLimit",
    "APIConnection",
    "APITimeout",
    "InternalServer",
    "Overloaded",
    "ServiceUnavailable",
    "SMTPServerDisconnected",
    "SMTPConnectError",
    "PoolTimeout",
)


def is_transient(exc: BaseException) -> bool:
    """True for errors worth retrying with backoff: network, database connection, AI provider, SMTP."""
    if isinstance(exc, ProcessingError):
        return exc.transient
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    import psycopg

    if isinstance(exc, psycopg.OperationalError):
        return True
    return any(name in type(exc).__name__ for name in _TRANSIENT_NAMES)
