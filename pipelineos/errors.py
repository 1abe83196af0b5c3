"""Domain exceptions shared by every PipelineOS package.

The core raises these; the API maps each to an HTTP status and an RFC 9457 problem+json body, the CLI prints
the message. Messages say what was wrong and what to do, and never contain internals.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: a request the domain refuses. ``status`` is the HTTP status the API answers with."""

    status: int = 400
    title: str = "Bad request"

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotFoundError(DomainError):
    """The thing does not exist, or belongs to another organization (never reveal which)."""

    status = 404
    title = "Not found"


class ConflictError(DomainError):
    """The request clashes with the current state (duplicate, wrong status transition)."""

    status = 409
    title = "Conflict"


class ValidationError(DomainError):
    """Input that is well-formed but not acceptable."""

    status = 422
    title = "Validation failed"


class PermissionDenied(DomainError):
    """The caller is known but may not do this."""

    status = 403
    title = "Forbidden"


class AuthenticationFailed(DomainError):
    """Missing, wrong or expired credentials."""

    status = 401
    title = "Unauthorized"


class UnsupportedMediaType(DomainError):
    """A file whose bytes are none of the accepted types."""

    status = 415
    title = "Unsupported media type"


class PayloadTooLarge(DomainError):
    """A body or file over the configured limit."""

    status = 413
    title = "Payload too large"


class RateLimited(DomainError):
    """Too many requests from one client."""

    status = 429
    title = "Too many requests"


class Unavailable(DomainError):
    """A component this action needs is not installed or not reachable right now."""

    status = 503
    title = "Service unavailable"
