"""Health, request ids, security headers, CORS, rate limit, problem+json for unknown routes and crashes."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from api_helpers import assert_problem, bearer
from litestar.testing import AsyncTestClient

from pipelineos.net import free_loopback_port
from pipelineos_api.app import create_app

pytestmark = pytest.mark.anyio


class _ServerInfo(BaseHTTPRequestHandler):
    """Answers ``/server_info`` the way the Dagster webserver does."""

    def do_GET(self) -> None:
        body = json.dumps({"dagster_webserver_version": "1.13.0", "dagster_version": "1.13.0"}).encode()
        self.send_response(200 if self.path == "/server_info" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


async def test_health_and_readiness(client, monkeypatch) -> None:
    from pipelineos.settings import get_settings

    assert (await client.get("/api/health")).json() == {"status": "ok"}
    monkeypatch.setenv("PIPELINEOS_DAGSTER_PORT", str(free_loopback_port()))  # nothing listens there
    get_settings.cache_clear()
    body = (await client.get("/api/health/ready")).json()
    assert body["ready"] is True  # Dagster is not critical: uploads queue until it is back
    assert set(body["components"]) == {"database", "storage", "dagster", "ai_provider"}
    assert body["components"]["database"]["status"] == "ok" and body["components"]["storage"]["status"] == "ok"
    assert body["components"]["dagster"]["status"] == "error"
    assert body["components"]["ai_provider"]["detail"].startswith("offline")
    dagster = ThreadingHTTPServer(("127.0.0.1", 0), _ServerInfo)
    threading.Thread(target=dagster.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("PIPELINEOS_DAGSTER_PORT", str(dagster.server_address[1]))
        get_settings.cache_clear()
        component = (await client.get("/api/health/ready")).json()["components"]["dagster"]
        assert component["status"] == "ok" and "1.13.0" in component["detail"], component
    finally:
        dagster.shutdown()
        get_settings.cache_clear()


async def test_readiness_503_when_a_critical_component_fails(client, monkeypatch) -> None:
    from pipelineos_api.platform import health

    def down() -> str:
        raise OSError("connection refused")

    monkeypatch.setattr(health, "_database", down)
    response = await client.get("/api/health/ready")
    assert response.status_code == 503
    assert response.json()["ready"] is False
    assert response.json()["components"]["database"] == {
        "status": "error",
        "detail": "OSError: connection refused",
        "latency_ms": response.json()["components"]["database"]["latency_ms"],
    }


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
    components = schema["components"]["schemas"]
    ops = {op["operationId"]: op for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)}
    assert len(ops) >= 44 and all(op.get("summary") or op.get("description") for op in ops.values())
    for name, op in ops.items():
        body = op.get("requestBody", {}).get("content", {})
        if "application/json" in body:
            component = components[body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]]
            assert component["additionalProperties"] is False, name
            assert any("examples" in _branch(p) for p in component["properties"].values()), f"{name} has no example"
        assert "500" in op["responses"] and "429" in op["responses"], name
    assert "401" not in ops["health"]["responses"] and "401" in ops["listLeads"]["responses"]
    assert "415" in ops["uploadBlueprint"]["responses"] and "415" not in ops["getBid"]["responses"]
    upload = ops["uploadBlueprint"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert ops["submitLead"]["security"] == [{}]
    # msgspec's own constraints survive (Litestar's generator drops ``minimum: 0`` and item bounds)
    cost = _branch(components["ItemUpdate"]["properties"]["material_cost"])
    assert cost["minimum"] == 0 and cost["maximum"] == 10_000_000
    bbox = _branch(components["ReviewCreate"]["properties"]["bbox"])
    assert bbox["items"] == {"type": "number", "minimum": 0, "maximum": 1} and bbox["minItems"] == 4
    name = components["LeadCreate"]["properties"]["name"]
    assert name["pattern"] and name["maxLength"] == 200
    offset = next(p for p in ops["listBids"]["parameters"] if p["name"] == "offset")
    assert offset["schema"]["maximum"] == 1_000_000
    docs = await client.get("/schema")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]


def _branch(prop: dict) -> dict:
    """The non-null branch of an optional property's schema."""
    return next((b for b in prop.get("anyOf", []) if b.get("type") != "null"), prop)
