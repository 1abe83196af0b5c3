"""Property-based run of the app's own OpenAPI schema: no 5xx, and every response matches the schema.

The schema object is built at import (``schemathesis.pytest.from_fixture`` breaks on pytest 9); the app only
touches the database per request, after the ``seeded`` fixture has pointed the pool at this module's database.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from psycopg.rows import dict_row
from schemathesis.specs.openapi.checks import positive_data_acceptance

from pipelineos.auth.service import authenticate
from pipelineos.auth.tokens import create_access_token
from pipelineos_api.app import create_app
from pipelineos_api.config import ApiConfig

CONFIG = ApiConfig(
    jwt_secret="schemathesis-test-secret-at-least-32-bytes",
    rate_limit_per_second=100_000,
    rate_limit_burst=100_000,
    lead_rate_limit_per_minute=6_000_000,
    lead_rate_limit_burst=100_000,
    run_dispatcher=False,
    upload_max_bytes=1024 * 1024,
    public_url="http://127.0.0.1:5000",
)
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", create_app(CONFIG))


@pytest.fixture(scope="module")
def admin_headers(seeded: dict[str, str], db_url: str) -> dict[str, str]:
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        user = authenticate(conn, seeded["admin_email"], seeded["admin_password"])
    assert user is not None
    return {"Authorization": f"Bearer {create_access_token(user, CONFIG.jwt_secret, 60)}"}


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case: Any, admin_headers: dict[str, str]) -> None:
    # Business rules JSON Schema cannot express (a lead needs an email OR a phone; phone numbers must exist;
    # emails must pass email-validator) answer 422 to some schema-valid bodies by design, so the
    # "positive data acceptance" check is left out; every response-conformance check runs.
    case.call_and_validate(headers=admin_headers, excluded_checks=[positive_data_acceptance])
