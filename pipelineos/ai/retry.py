"""Retrying Anthropic calls: exponential backoff with jitter, honouring the server's `retry-after`."""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import anthropic

from .base import VisionProviderError

logger = logging.getLogger(__name__)

T = TypeVar("T")

RETRYABLE_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry one request."""

    max_attempts: int = 4
    base_delay: float = 1.0
    """First backoff in seconds; doubles each attempt, then a random 50–100 % of it is used."""
    max_delay: float = 30.0
    max_retry_after: float = 60.0
    """Upper bound on a server-requested wait, so a bad header cannot stall a takeoff for hours."""


def is_retryable(exc: BaseException) -> bool:
    """Rate limits, overload, server errors, timeouts and dropped connections are worth another try."""
    if isinstance(exc, anthropic.APIConnectionError):
        return True
    if isinstance(exc, anthropic.APIStatusError):
        return exc.status_code in RETRYABLE_STATUS or exc.status_code >= 500
    return False


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def retry_after_seconds(exc: BaseException) -> float | None:
    """The wait the server asked for (`retry-after-ms`, or `retry-after` in seconds or as an HTTP date)."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    milliseconds, value = _number(response.headers.get("retry-after-ms")), response.headers.get("retry-after")
    if milliseconds is not None:
        return max(0.0, milliseconds / 1000.0)
    if value is None:
        return None
    if (seconds := _number(value)) is not None:
        return max(0.0, seconds)
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        logger.warning("ignoring unreadable retry-after header %r", value)
        return None


def backoff_delay(exc: BaseException, attempt: int, policy: RetryPolicy, rng: random.Random) -> float:
    """Seconds to wait after failed ``attempt`` (1-based)."""
    requested = retry_after_seconds(exc)
    if requested is not None:
        return min(requested, policy.max_retry_after)
    ceiling = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
    return ceiling * (0.5 + 0.5 * rng.random())


def describe(exc: BaseException) -> str:
    """Short, secret-free description of a failed request."""
    if isinstance(exc, anthropic.APITimeoutError):
        return "request timed out"
    if isinstance(exc, anthropic.APIConnectionError):
        return "connection failed"
    if isinstance(exc, anthropic.APIStatusError):
        detail = exc.api_message or exc.message
        return f"HTTP {exc.status_code}: {detail}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]


def _fatal_hint(exc: BaseException) -> str:
    if isinstance(exc, anthropic.AuthenticationError):
        return " Check ANTHROPIC_API_KEY, or set PIPELINEOS_AI_PROVIDER=offline."
    if isinstance(exc, anthropic.NotFoundError):
        return " Check PIPELINEOS_ANTHROPIC_MODEL and PIPELINEOS_ANTHROPIC_BASE_URL."
    if isinstance(exc, anthropic.PermissionDeniedError):
        return " The API key may not have access to this model."
    return ""


def call_with_retries(
    request: Callable[[], T],
    policy: RetryPolicy,
    *,
    where: str,
    errors: list[str],
    rng: random.Random | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[T, int]:
    """Run ``request`` until it succeeds; return its result and the number of attempts made.

    Each failed attempt is appended to ``errors``. Raises :class:`VisionProviderError` at once for errors a
    retry cannot fix (bad request, bad key), and after ``policy.max_attempts`` for the others.
    """
    rng = rng or random.Random()
    for attempt in range(1, policy.max_attempts + 1):
        try:
            return request(), attempt
        except anthropic.APIError as exc:
            reason = describe(exc)
            if not is_retryable(exc):
                errors.append(f"{where}: {reason} (not retried)")
                raise VisionProviderError(
                    f"Claude API rejected the request for {where}: {reason}.{_fatal_hint(exc)}"
                ) from exc
            if attempt == policy.max_attempts:
                errors.append(f"{where}: attempt {attempt} failed: {reason}; giving up")
                raise VisionProviderError(
                    f"Claude API failed for {where} after {attempt} attempts; last error: {reason}"
                ) from exc
            delay = backoff_delay(exc, attempt, policy, rng)
            errors.append(f"{where}: attempt {attempt} failed: {reason}; retrying in {delay:.2f}s")
            logger.warning("claude vision %s: %s; retry %d in %.2fs", where, reason, attempt, delay)
            sleep(delay)
    raise ValueError(f"RetryPolicy.max_attempts must be >= 1, got {policy.max_attempts}")
