"""Liveness and readiness endpoints."""

from __future__ import annotations

from typing import Literal

import msgspec
from litestar import Controller, Response, get

from pipelineos_api.platform.db import blocking
from pipelineos_api.platform.health import readiness
from pipelineos_api.platform.openapi import PUBLIC


class Health(msgspec.Struct):
    status: Literal["ok"]


class Component(msgspec.Struct):
    status: Literal["ok", "error"]
    detail: str
    latency_ms: float


class Readiness(msgspec.Struct):
    ready: bool
    components: dict[str, Component]


class HealthController(Controller):
    path = "/api/health"
    tags = ["platform"]

    @get("/", operation_id="health", security=PUBLIC)
    async def health(self) -> Health:
        """Liveness: the process answers."""
        return Health(status="ok")

    @get("/ready", operation_id="readiness", security=PUBLIC)
    async def ready(self) -> Response[Readiness]:
        """Readiness per component (database, storage, Dagster webserver, AI provider); 503 when a critical
        component (database or storage) fails."""
        result = msgspec.convert(await blocking(readiness), Readiness)
        return Response(result, status_code=200 if result.ready else 503)
