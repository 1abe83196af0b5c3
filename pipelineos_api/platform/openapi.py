"""OpenAPI: security schemes, the shared problem+json schema and the error responses every operation can give.

Litestar generates paths from the handlers; :func:`finish_schema` then adds what it cannot infer (the
streaming upload's multipart body, documented error statuses) to the cached schema document.
"""

from __future__ import annotations

from typing import Any

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
ERROR_STATUSES = {
    "400": "Malformed request (bad JSON, wrong types, unknown fields).",
    "401": "Missing, forged or expired credentials.",
    "403": "Your role may not do this.",
    "404": "No such resource in your organization.",
    "405": "Method not allowed.",
    "409": "Conflicts with the current state.",
    "413": "Body or file larger than allowed.",
    "415": "File type not accepted.",
    "422": "Well-formed but not acceptable values.",
    "429": "Too many requests; see Retry-After.",
    "500": "Internal error (logged with the request id).",
    "503": "A dependency is unavailable.",
}


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
    """Add problem responses to every operation and the multipart body of the streaming upload."""
    from litestar._openapi.plugin import OpenAPIPlugin

    schema = app.plugins.get(OpenAPIPlugin).provide_openapi_schema()
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    _close_input_schemas(schema["components"]["schemas"])
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete") or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for status, text in ERROR_STATUSES.items():
                responses[status] = {
                    "description": text,
                    "content": {"application/problem+json": {"schema": ref}},
                }
            if path == "/api/blueprints/upload" and method == "post":
                operation["requestBody"] = UPLOAD_BODY


def _close_input_schemas(components: dict[str, Any]) -> None:
    """Request DTOs refuse unknown fields (``forbid_unknown_fields``); say so in their schemas."""
    from pipelineos_api.platform.schemas import Input

    pending, names = list(Input.__subclasses__()), set()
    while pending:
        cls = pending.pop()
        names.add(cls.__name__)
        pending.extend(cls.__subclasses__())
    for name, component in components.items():
        if name.rsplit("_", 1)[-1] in names and component.get("type") == "object":
            component["additionalProperties"] = False
