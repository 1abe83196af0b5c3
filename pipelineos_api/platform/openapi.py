"""OpenAPI: security schemes, the shared problem+json schema and the error responses every operation can give.

Litestar generates paths from the handlers; :func:`finish_schema` then adds what it cannot infer (the
streaming upload's multipart body, documented error statuses) to the cached schema document.
"""

from __future__ import annotations

import inspect
from typing import Any

import msgspec
from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Tag

PUBLIC: list[dict[str, list[str]]] = [{}]
"""``security=PUBLIC`` marks a route that needs no credentials (``security=[]`` is dropped by Litestar)."""

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {"type": "array", "items": {}},
    },
}
ERROR_TEXT = {
    "400": "Malformed request (bad JSON, wrong types, unknown fields, control characters).",
    "401": "Missing, forged or expired credentials.",
    "403": "Your role may not do this.",
    "404": "No such resource in your organization.",
    "409": "Conflicts with the current state.",
    "413": "Body or file larger than allowed.",
    "415": "File type not accepted.",
    "422": "Well-formed but not acceptable values.",
    "429": "Too many requests; see Retry-After.",
    "500": "Internal error (logged with the request id).",
    "503": "A dependency is unavailable.",
}
CREDENTIAL_EXCHANGES = {"login", "refreshToken"}
UNAVAILABLE_WHEN = {"readiness", "sendBid", "downloadProposal", "createBid", "repriceBid"}


def error_statuses(operation: dict[str, Any], method: str) -> list[str]:
    """The error statuses an operation can answer with (documented per operation so that status-code
    conformance checks mean something)."""
    statuses = {"400", "429", "500"}
    if operation.get("security") != [{}]:
        statuses |= {"401", "403"}
    if operation.get("operationId") in CREDENTIAL_EXCHANGES:
        statuses.add("401")
    if operation.get("operationId") not in ("health", "readiness"):
        statuses.add("404")
    if method in ("post", "put", "patch", "delete"):
        statuses |= {"409", "413", "422"}
    content = operation.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        statuses.add("415")
    if operation.get("operationId") in UNAVAILABLE_WHEN:
        statuses.add("503")
    return sorted(statuses)


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="PipelineOS API",
        version="0.1.0",
        description="Blueprints, takeoffs, bids, proposals, leads and analytics for plumbing contractors. "
        "Authenticate with `POST /api/auth/login` and send `Authorization: Bearer <access_token>`, or send "
        "an "
        "integration key as `X-API-Key`. Errors are RFC 9457 problem+json.",
        path="/schema",
        render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT"),
                "ApiKey": SecurityScheme(type="apiKey", name="X-API-Key", security_scheme_in="header"),
            }
        ),
        security=[{"BearerToken": []}, {"ApiKey": []}],
        tags=[
            Tag(name=n) for n in ("auth", "users", "blueprints", "bids", "catalog", "leads", "analytics", "platform")
        ],
        use_handler_docstrings=True,
        create_examples=False,
    )


UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "PDF, PNG, JPEG, TIFF or DXF drawing (checked by its bytes).",
                    },
                    "project_name": {"type": "string", "maxLength": 200},
                    "customer_name": {"type": "string", "maxLength": 200},
                    "customer_email": {"type": "string", "maxLength": 254},
                },
            }
        }
    },
}


def finish_schema(app: Litestar) -> None:
    """Make the cached schema exact: msgspec's own JSON Schema for every DTO (Litestar drops some constraints,
    e.g. ``minimum: 0`` and item bounds), the streaming upload's multipart body, and each operation's problem
    responses."""
    from litestar._openapi.plugin import OpenAPIPlugin

    schema = app.plugins.get(OpenAPIPlugin).provide_openapi_schema()
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(_dto_components(set(components)))
    components["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete") or not isinstance(operation, dict):
                continue
            if path == "/api/blueprints/upload" and method == "post":
                operation["requestBody"] = UPLOAD_BODY
            responses = operation.setdefault("responses", {})
            _http_dates(responses)
            for status in error_statuses(operation, method):
                responses[status] = {
                    "description": ERROR_TEXT[status],
                    "content": {"application/problem+json": {"schema": ref}},
                }


def _http_dates(responses: dict[str, Any]) -> None:
    """``Last-Modified`` is an HTTP-date (RFC 9110), not an RFC 3339 ``date-time`` as Litestar documents it."""
    for response in responses.values():
        header = response.get("headers", {}).get("last-modified")
        if header:
            header["schema"].pop("format", None)


def _dto_components(names: set[str]) -> dict[str, Any]:
    """JSON Schema components, generated by msgspec itself, of the API's msgspec DTOs Litestar named ``names``
    (and of the DTOs nested in them)."""
    found: dict[str, type[msgspec.Struct]] = {}
    pending = list(msgspec.Struct.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        in_api = cls.__module__.startswith("pipelineos_api.") and cls.__name__ in names
        if in_api and found.setdefault(cls.__name__, cls) is not cls:
            raise RuntimeError(f"two API DTOs are named {cls.__name__}; OpenAPI components need unique names")
    _, components = msgspec.json.schema_components(list(found.values()), ref_template="#/components/schemas/{name}")
    for component in components.values():
        if "description" in component:
            component["description"] = inspect.cleandoc(component["description"])
    return components
