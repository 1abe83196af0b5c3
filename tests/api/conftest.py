"""API test fixtures: the app from the factory on the module's real database, and logged-in clients per
role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from api_helpers import PASSWORD, login
from litestar.testing import AsyncTestClient
from psycopg.rows import dict_row

from pipelineos.auth.service import create_user
from pipelineos_api.app import create_app
from pipelineos_api.config import ApiConfig


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def api_config(app_env: dict[str, str]) -> ApiConfig:
    """Generous limits so only the tests about limits hit them."""
    return ApiConfig.from_settings(
        rate_limit_per_second=1000,
        rate_limit_burst=1000,
        lead_rate_limit_per_minute=6000,
        lead_rate_limit_burst=1000,
        run_dispatcher=False,
        upload_max_bytes=2 * 1024 * 1024,
    )


@pytest.fixture(scope="module")
def users(seeded: dict[str, str], db_url: str) -> dict[str, Any]:
    """An estimator and a viewer in the demo org, and an admin in a second organization."""
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        org = seeded["organization_id"]
        other = conn.execute(
            "insert into organizations (name, slug) values ('Other Co', 'other-co') "
            "on conflict (slug) do update set name = excluded.name returning id"
        ).fetchone()["id"]
        made = {
            "estimator": create_user(
                conn, organization_id=org, email="estimator@example.com", password=PASSWORD, role="estimator"
            ),
            "viewer": create_user(
                conn, organization_id=org, email="viewer@example.com", password=PASSWORD, role="viewer"
            ),
            "other_admin": create_user(
                conn, organization_id=str(other), email="boss@other.example", password=PASSWORD, role="admin"
            ),
        }
    return {
        "organization_id": org,
        "other_organization_id": str(other),
        **made,
        "admin_email": seeded["admin_email"],
        "admin_password": seeded["admin_password"],
    }


@pytest.fixture()
async def client(api_config: ApiConfig, users: dict[str, Any]) -> AsyncIterator[AsyncTestClient]:
    app = create_app(api_config)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture()
async def tokens(client: AsyncTestClient, users: dict[str, Any]) -> dict[str, str]:
    """Access tokens per role."""
    return {
        "admin": (await login(client, users["admin_email"], users["admin_password"]))["access_token"],
        "estimator": (await login(client, "estimator@example.com", PASSWORD))["access_token"],
        "viewer": (await login(client, "viewer@example.com", PASSWORD))["access_token"],
        "other_admin": (await login(client, "boss@other.example", PASSWORD))["access_token"],
    }
