"""Login, refresh rotation and reuse, logout, forged/expired/alg-none tokens, roles, API keys."""

from __future__ import annotations

import base64
import dataclasses
import json
import time

import anyio
import jwt
import pytest
from api_helpers import PASSWORD, assert_problem, bearer, login
from litestar.testing import AsyncTestClient

from pipelineos.auth.tokens import create_access_token
from pipelineos_api.app import create_app

pytestmark = pytest.mark.anyio


async def test_login_me_and_wrong_password(client, users) -> None:
    pair = await login(client, "estimator@example.com", PASSWORD)
    assert pair["token_type"] == "bearer" and pair["expires_in"] == 900
    me = await client.get("/api/auth/me", headers=bearer(pair["access_token"]))
    assert me.json() == {
        "organization_id": users["organization_id"],
        "role": "estimator",
        "kind": "user",
        "user_id": users["estimator"]["id"],
        "email": "estimator@example.com",
    }
    wrong = await client.post("/api/auth/login", json={"email": "estimator@example.com", "password": "nope"})
    assert_problem(wrong, 401)
    assert "access_token" not in wrong.text


async def test_refresh_rotates_and_reuse_revokes_family(client) -> None:
    pair = await login(client, "viewer@example.com", PASSWORD)
    first = await client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert first.status_code == 200
    rotated = first.json()["refresh_token"]
    assert rotated != pair["refresh_token"]
    reuse = await client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert "already used" in assert_problem(reuse, 401)["detail"]
    after = await client.post("/api/auth/refresh", json={"refresh_token": rotated})
    assert_problem(after, 401)
    assert_problem(await client.get("/api/auth/me", headers=bearer(first.json()["access_token"])), 401)


async def test_logout_revokes_refresh(client) -> None:
    pair = await login(client, "viewer@example.com", PASSWORD)
    out = await client.post("/api/auth/logout", json={"refresh_token": pair["refresh_token"]})
    assert out.status_code == 204
    assert_problem(await client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}), 401)


async def test_logout_ends_the_access_token_on_every_instance(client, api_config) -> None:
    pair = await login(client, "viewer@example.com", PASSWORD)
    other_login = await login(client, "viewer@example.com", PASSWORD)
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    assert (
        claims["sid"]
        and claims["sid"] != jwt.decode(other_login["access_token"], options={"verify_signature": False})["sid"]
    )
    old = bearer(pair["access_token"])
    second_instance = create_app(dataclasses.replace(api_config, session_check_seconds=0.2))
    async with AsyncTestClient(app=second_instance) as second:
        assert (await second.get("/api/auth/me", headers=old)).status_code == 200, "checked, and cached as active"
        assert (await client.get("/api/auth/me", headers=old)).status_code == 200
        assert (await client.post("/api/auth/logout", json={"refresh_token": pair["refresh_token"]})).status_code == 204
        body = assert_problem(await client.get("/api/auth/me", headers=old), 401)
        assert "logged out" in body["detail"]
        await anyio.sleep(0.3)
        assert "logged out" in assert_problem(await second.get("/api/auth/me", headers=old), 401)["detail"]
    assert (await client.get("/api/auth/me", headers=bearer(other_login["access_token"]))).status_code == 200
    again = await client.post("/api/auth/logout", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 204, "logout is idempotent"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_forged_expired_and_alg_none_tokens_refused(client, users, api_config) -> None:
    user = {"id": users["estimator"]["id"], "organization_id": users["organization_id"], "role": "admin"}
    forged = create_access_token(user, "not-the-secret-but-long-enough-32b", 15)
    expired = create_access_token(user, api_config.jwt_secret, 15, now=time.time() - 3600)
    claims = jwt.decode(create_access_token(user, api_config.jwt_secret, 15), options={"verify_signature": False})
    none_token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    for token, reason in (
        (forged, "not valid"),
        (expired, "expired"),
        (none_token, "not valid"),
        ("garbage", "not valid"),
    ):
        body = assert_problem(await client.get("/api/auth/me", headers=bearer(token)), 401)
        assert reason in body["detail"]
    assert_problem(await client.get("/api/auth/me"), 401)
    assert_problem(await client.get("/api/auth/me", headers={"Authorization": "Basic abc"}), 401)


async def test_roles_on_user_admin_routes(client, tokens) -> None:
    assert (await client.get("/api/users", headers=bearer(tokens["admin"]))).status_code == 200
    for role in ("estimator", "viewer"):
        body = assert_problem(await client.get("/api/users", headers=bearer(tokens[role])), 403)
        assert "admin" in body["detail"]
    created = await client.post(
        "/api/users",
        headers=bearer(tokens["admin"]),
        json={"email": "new.viewer@example.com", "password": "long-password", "role": "viewer"},
    )
    assert created.status_code == 201 and created.json()["role"] == "viewer"
    dup = await client.post(
        "/api/users",
        headers=bearer(tokens["admin"]),
        json={"email": "NEW.viewer@example.com", "password": "long-password", "role": "viewer"},
    )
    assert_problem(dup, 409)
    other = await client.get("/api/users", headers=bearer(tokens["other_admin"]))
    assert [u["email"] for u in other.json()] == ["boss@other.example"]


async def test_api_key_lifecycle(client, tokens) -> None:
    made = await client.post("/api/api-keys", headers=bearer(tokens["admin"]), json={"name": "erp", "role": "viewer"})
    assert made.status_code == 201
    key = made.json()["key"]
    me = await client.get("/api/auth/me", headers={"X-API-Key": key})
    assert me.status_code == 200 and me.json()["kind"] == "api_key" and me.json()["role"] == "viewer"
    assert_problem(await client.get("/api/users", headers={"X-API-Key": key}), 403)
    gone = await client.delete(f"/api/api-keys/{made.json()['api_key']['id']}", headers=bearer(tokens["admin"]))
    assert gone.status_code == 204
    assert_problem(await client.get("/api/auth/me", headers={"X-API-Key": key}), 401)


async def test_bad_bodies(client) -> None:
    malformed = await client.post("/api/auth/login", content=b"{not json", headers={"Content-Type": "application/json"})
    assert_problem(malformed, 400)
    wrong_type = await client.post("/api/auth/login", json={"email": 5, "password": []})
    assert_problem(wrong_type, 400)
    unknown = await client.post("/api/auth/login", json={"email": "a@b.co", "password": "x", "admin": True})
    assert_problem(unknown, 400)
    huge = await client.post(
        "/api/auth/login",
        content=b'{"email": "' + b"a" * (2 * 1024 * 1024) + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert_problem(huge, 413)
