"""Every protected operation refuses anonymous callers (401) and callers below its role (403)."""

from __future__ import annotations

import re

import pytest
from api_helpers import assert_problem, bearer

pytestmark = pytest.mark.anyio
DUMMY = "00000000-0000-4000-8000-000000000000"
ESTIMATOR_OPS = {
    "uploadBlueprint",
    "createReviewDecision",
    "createBid",
    "repriceBid",
    "sendBid",
    "setBidStatus",
    "updateLead",
    "addLeadNote",
}
ADMIN_OPS = {
    "listUsers",
    "createUser",
    "listApiKeys",
    "createApiKey",
    "revokeApiKey",
    "updateCatalogItem",
    "setCatalogActive",
    "importCatalog",
}


async def test_every_protected_operation_refuses(client, tokens) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    checked = 0
    for path, item in schema["paths"].items():
        url = re.sub(
            r"\{(\w+)(:\w+)?\}",
            lambda m: "a" * 64 if m.group(1) == "sha256" else ("items" if m.group(1) == "part" else DUMMY),
            path,
        )
        for method, op in item.items():
            if op.get("security") == [{}]:
                continue
            checked += 1
            anonymous = await client.request(method.upper(), url)
            assert_problem(anonymous, 401)
            needed = (
                "admin"
                if op["operationId"] in ADMIN_OPS
                else ("estimator" if op["operationId"] in ESTIMATOR_OPS else "viewer")
            )
            low = {"admin": ["viewer", "estimator"], "estimator": ["viewer"], "viewer": []}[needed]
            for role in low:
                refused = await client.request(method.upper(), url, headers=bearer(tokens[role]))
                assert_problem(refused, 403)
    assert checked >= 35
