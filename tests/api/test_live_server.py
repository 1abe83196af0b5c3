"""The API under uvicorn, over real HTTP and raw sockets: what the in-process test client cannot show.

Auto-reply mail through a real SMTP server, per-address limits behind a trusted proxy (and shared by two
instances), an upload cut off mid-body or announced too large, structured logs carrying the request id.
"""

from __future__ import annotations

import itertools
import json
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from api_helpers import PASSWORD
from live_server import LiveServer, live_server
from psycopg.rows import dict_row

from pipelineos.auth.service import create_user
from pipelineos.settings import get_settings
from pipelineos.testing import SmtpSink

SERVER_ENV = {
    "PIPELINEOS_TRUSTED_PROXIES": '["127.0.0.1"]',
    # a burst of 20, refilled slowly: a loaded CI machine must not refill the bucket between two requests
    "PIPELINEOS_RATE_LIMIT_PER_SECOND": "1",
    "PIPELINEOS_RATE_LIMIT_BURST": "20",
    "PIPELINEOS_LEAD_RATE_LIMIT_PER_MINUTE": "3",
    "PIPELINEOS_LEAD_RATE_LIMIT_BURST": "3",
    "PIPELINEOS_UPLOAD_MAX_BYTES": str(2 * 1024 * 1024),
    "PIPELINEOS_LOG_JSON": "true",
}
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))
LEAD = {"name": "Dana Rivera", "message": "Please quote a 2-bath remodel."}


@pytest.fixture(scope="module")
def server(
    app_env: dict[str, str], seeded: dict[str, str], smtp_sink: SmtpSink, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    with live_server(SERVER_ENV, tmp_path_factory.mktemp("live") / "api.log") as running:
        yield running


@pytest.fixture(scope="module")
def estimator_token(server: LiveServer, seeded: dict[str, str], db_url: str) -> str:
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        create_user(
            conn,
            organization_id=seeded["organization_id"],
            email="live.estimator@example.com",
            password=PASSWORD,
            role="estimator",
        )
    login = {"email": "live.estimator@example.com", "password": PASSWORD}
    response = httpx.post(f"{server.url}/api/auth/login", json=login, headers=_from(next(_addresses)))
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _from(address: str, **headers: str) -> dict[str, str]:
    """Headers of a request the trusted proxy (127.0.0.1) forwards for ``address``."""
    return {"X-Forwarded-For": address, **headers}


def test_lead_auto_reply_delivered_by_smtp_within_5_s(server: LiveServer, smtp_sink: SmtpSink, db_url: str) -> None:
    email = f"lead-{uuid.uuid4().hex[:8]}@example.com"
    started = time.monotonic()
    response = httpx.post(
        f"{server.url}/api/leads?org=demo-plumbing", json={**LEAD, "email": email}, headers=_from(next(_addresses))
    )
    assert response.status_code == 202, response.text
    while time.monotonic() - started < 5 and not any(m["To"] == email for m in smtp_sink.messages):
        time.sleep(0.05)
    assert any(m["To"] == email for m in smtp_sink.messages), "no auto-reply within 5 s"
    reply = next(m for m in smtp_sink.messages if m["To"] == email)
    assert "Demo Plumbing Co." in reply["Subject"]
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        message = conn.execute(
            "select status, attempts from messages where lead_id = %s", (response.json()["id"],)
        ).fetchone()
    assert message["status"] == "sent"


def test_lead_limit_per_address_holds_across_instances(
    server: LiveServer, app_env: dict[str, str], tmp_path: Path, db_url: str
) -> None:
    address, other = next(_addresses), next(_addresses)
    path, lead = "/api/leads?org=demo-plumbing", {**LEAD, "phone": "+14155550100"}
    codes = [httpx.post(server.url + path, json=lead, headers=_from(address)).status_code for _ in range(3)]
    assert codes == [202, 202, 202]
    with live_server(SERVER_ENV, tmp_path / "second.log") as second:
        refused = httpx.post(second.url + path, json=lead, headers=_from(address))
        assert refused.status_code == 429, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert "try again" in refused.json()["detail"]
        fresh = httpx.post(second.url + path, json=lead, headers=_from(other))
        assert fresh.status_code == 202
    with psycopg.connect(db_url) as conn:
        stored = conn.execute("select count(*) from leads where client_ip = %s", (address,)).fetchone()[0]
    assert stored == 3


def test_rate_limit_per_forwarded_address(server: LiveServer) -> None:
    address, spoofing, bystander = next(_addresses), next(_addresses), next(_addresses)
    with httpx.Client(base_url=server.url) as client:
        codes = [client.get("/api/auth/me", headers=_from(address)).status_code for _ in range(40)]
        assert codes[:15] == [401] * 15 and 429 in codes
        limited = client.get("/api/auth/me", headers=_from(address))
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert limited.json()["status"] == 429
        # a client cannot escape by prepending its own X-Forwarded-For hop: the proxy's hop is the one believed
        assert client.get("/api/auth/me", headers=_from(f"{spoofing}, {address}")).status_code == 429
        assert client.get("/api/auth/me", headers=_from(bystander)).status_code == 401
        assert client.get("/api/health", headers=_from(address)).status_code == 200  # liveness is never limited


def _stored(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _blueprint_count(db_url: str) -> int:
    with psycopg.connect(db_url) as conn:
        return int(conn.execute("select count(*) from blueprints").fetchone()[0])


def _upload_head(server: LiveServer, token: str, boundary: str, extra: str) -> bytes:
    return (
        f"POST /api/blueprints/upload HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Authorization: Bearer {token}\r\nX-Forwarded-For: {next(_addresses)}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n{extra}\r\n"
    ).encode()


def _file_part(boundary: str) -> bytes:
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="plan.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    ).encode()


def test_cut_off_upload_leaves_nothing(server: LiveServer, estimator_token: str, db_url: str) -> None:
    root, rows = get_settings().storage_dir, _blueprint_count(db_url)
    before = _stored(root)
    boundary = uuid.uuid4().hex
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(_upload_head(server, estimator_token, boundary, "Content-Length: 1900000\r\n"))
        sock.sendall(_file_part(boundary) + b"x" * 1_000_000)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not _stored(root / "tmp"):
            time.sleep(0.02)
        assert _stored(root / "tmp"), "the server should be streaming the part into a temp file by now"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _stored(root) - before:
        time.sleep(0.05)
    assert _stored(root) - before == set()
    assert _blueprint_count(db_url) == rows
    assert httpx.get(f"{server.url}/api/health").status_code == 200


def test_oversized_upload_refused_before_the_body_is_read(
    server: LiveServer, estimator_token: str, db_url: str
) -> None:
    root, rows = get_settings().storage_dir, _blueprint_count(db_url)
    before = _stored(root)
    boundary = uuid.uuid4().hex
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(_upload_head(server, estimator_token, boundary, "Content-Length: 3000000\r\n"))
        answer = sock.recv(65536)  # nothing of the body was sent
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(_upload_head(server, estimator_token, boundary, "Transfer-Encoding: chunked\r\n"))
        body = _file_part(boundary) + b"y" * (3 * 1024 * 1024)
        try:
            for start in range(0, len(body), 256 * 1024):
                piece = body[start : start + 256 * 1024]
                sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed while we were still sending
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"application/problem+json" in answer
    assert _stored(root) - before == set() and _blueprint_count(db_url) == rows


def test_every_request_log_line_is_json_with_the_request_id(server: LiveServer) -> None:
    rid = f"live-{uuid.uuid4().hex[:12]}"
    headers = _from(next(_addresses), **{"X-Request-ID": rid})
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/api/health", headers=headers).headers["x-request-id"] == rid
        assert client.get("/api/nowhere", headers=headers).status_code == 404
        assert client.post("/api/auth/login", json={"email": "x@example.com"}, headers=headers).status_code == 400
    time.sleep(0.2)
    records = [json.loads(line) for line in server.log_lines() if line.strip()]  # every line is JSON
    requests = [r for r in records if "method" in r]
    assert requests and all(r.get("request_id") for r in requests)
    ours = [r for r in records if r.get("request_id") == rid]
    assert sorted(r["status"] for r in ours if "status" in r) == [200, 400, 404]
    assert all({"timestamp", "level", "event"} <= set(r) for r in records)


def test_security_headers_and_cors_over_http(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/api/health", headers={"Origin": "http://localhost:8501"})
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["access-control-allow-origin"] == "http://localhost:8501"
    foreign = httpx.get(f"{server.url}/api/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in foreign.headers
