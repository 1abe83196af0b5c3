"""Health, request ids, security headers, CORS, rate limit, problem+json for unknown routes and crashes."""

from __future__ import annotations

import pytest
from api_helpers import assert_problem, bearer
from litestar.testing import AsyncTestClient

from pipelineos_api.app import create_app

pytestmark = pytest.mark.anyio


async def test_health_and_readiness(client) -> None:
    assert (await client.get("/api/health")).json() == {"status": "ok"}
    ready = await client.get("/api/health/ready")
    body = ready.json()
    assert ready.status_code == 200 and body["ready"] is True
    assert set(body["components"]) == {"database", "storage", "dagster", "ai_provider"}
    assert body["components"]["database"]["status"] == "ok"
    assert body["components"]["ai_provider"]["detail"].startswith("offline")


async def test_request_id_and_security_headers(client) -> None:
    echoed = await client.get("/api/health", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    generated = await client.get("/api/health", headers={"X-Request-ID": "bad id with spaces;<x>"})
    assert len(generated.headers["x-request-id"]) == 32
    headers = generated.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers["x-content-type-options"] == "nosniff"
    missing = await client.get("/api/nothing-here", headers={"X-Request-ID": "rid-404"})
    assert assert_problem(missing, 404)["request_id"] == "rid-404"
    assert missing.headers["x-content-type-options"] == "nosniff"
    assert_problem(await client.put("/api/health"), 405)


async def test_cors_preflight(client) -> None:
    allowed = await client.options(
        "/api/leads", headers={"Origin": "http://localhost:8501", "Access-Control-Request-Method": "POST"}
    )
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:8501"
    denied = await client.options(
        "/api/leads", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in denied.headers


async def test_rate_limit_answers_429_with_retry_after(api_config, users) -> None:
    config = type(api_config)(**{**api_config.__dict__, "rate_limit_per_second": 10.0, "rate_limit_burst": 10})
    async with AsyncTestClient(app=create_app(config)) as client:
        codes = [(await client.get("/api/auth/me")).status_code for _ in range(12)]
        assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
        limited = await client.get("/api/auth/me")
        assert_problem(limited, 429)
        assert int(limited.headers["retry-after"]) >= 1
        assert (await client.get("/api/health")).status_code == 200


async def test_unhandled_error_is_problem_without_trace(client, tokens, monkeypatch) -> None:
    from pipelineos.analytics import service

    def boom(conn, organization_id):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internal detail /etc/passwd")

    monkeypatch.setattr(service, "summary", boom)
    response = await client.get("/api/analytics/summary", headers=bearer(tokens["viewer"]))
    body = assert_problem(response, 500)
    assert "secret" not in response.text and body["request_id"] in body["detail"]


async def test_openapi_document(client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    ops = [op for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert all(op.get("operationId") for op in ops)
    upload = schema["paths"]["/api/blueprints/upload"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert schema["paths"]["/api/leads"]["post"]["security"] == [{}]
