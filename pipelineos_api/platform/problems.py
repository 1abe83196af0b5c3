"""One exception map: domain errors, Litestar HTTP errors and anything unexpected become RFC 9457
problem+json.

Unexpected exceptions are logged with the request id and answered with a generic 500 that never carries a
stack trace or internal message.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap

from pipelineos.errors import DomainError

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("pipelineos_api.errors")


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(
    request: Request[Any, Any, Any] | None,
    status: int,
    detail: str,
    *,
    errors: list[Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    """Build the problem+json response (type about:blank, title = HTTP phrase, detail = what to do)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _title(status),
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.url.path
        request_id = request.scope.get("state", {}).get("request_id")
        if request_id:
            body["request_id"] = request_id
    if errors:
        body["errors"] = errors
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    if "retry_after" in exc.extra:
        headers["Retry-After"] = str(exc.extra["retry_after"])
    return problem_response(request, exc.status, exc.message, headers=headers or None)


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    detail = exc.detail or _title(status)
    errors: list[Any] | None = None
    if isinstance(exc, ValidationException):
        detail = _validation_detail(exc)
        errors = _validation_errors(exc)
    elif status == 413:
        detail = "The request body is larger than allowed; send a smaller body or file."
    elif status >= 500:
        log.error("http_error", status=status, detail=exc.detail)
        detail = _title(status)
    headers = dict(exc.headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return problem_response(request, status, detail, errors=errors, headers=headers or None)


def _validation_errors(exc: ValidationException) -> list[Any] | None:
    if not isinstance(exc.extra, list):
        return None
    return [_field_error(e) if isinstance(e, dict) else str(e)[:300] for e in exc.extra[:20]]


def _field_error(error: dict[str, Any]) -> dict[str, str]:
    """One field's error in plain words: no regexes, no enum reprs."""
    out = {k: str(v)[:300] for k, v in error.items()}
    if "matching regex" in out.get("message", ""):
        out["message"] = "Must not contain control characters (NUL, escape codes; line breaks only in multi-line text)."
    if out.get("key") == "data" and out.get("message") == "'data'":
        out["message"] = "A JSON body is required."
    if "source" in out:
        out["source"] = out["source"].removeprefix("ParamType.").lower()
    return out


def _validation_detail(exc: ValidationException) -> str:
    detail = exc.detail or "Invalid request."
    if "malformed" in detail.lower() or "decode" in detail.lower():
        return "The body is not valid JSON; send a JSON object."
    return f"{detail[:300]}. Fix the fields listed in 'errors' and retry."


def undecodable_handler(request: Request[Any, Any, Any], exc: UnicodeDecodeError) -> Response[dict[str, Any]]:
    """Text form fields or parameters that are not UTF-8 (Litestar raises this while parsing multipart)."""
    return problem_response(
        request,
        400,
        "A text field of the request is not valid UTF-8; send files as file parts (with a filename) and text as UTF-8.",
    )


def unhandled_exception_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.error("unhandled_exception", path=request.url.path, exc_info=exc)
    request_id = request.scope.get("state", {}).get("request_id", "")
    return problem_response(
        request, 500, f"An internal error occurred. Quote request id {request_id} when reporting it."
    )


def exception_handlers() -> ExceptionHandlersMap:
    """The app's exception map."""
    return {
        DomainError: domain_error_handler,  # type: ignore[dict-item]
        HTTPException: http_exception_handler,  # type: ignore[dict-item]
        UnicodeDecodeError: undecodable_handler,  # type: ignore[dict-item]
        Exception: unhandled_exception_handler,
    }
