"""Every protected operation refuses anonymous callers (401), callers below its role (403) and other
organizations (404)."""

from __future__ import annotations

import re

import pytest
from api_helpers import assert_problem, bearer, seed_blueprint

pytestmark = pytest.mark.anyio
DUMMY = "00000000-0000-4000-8000-000000000000"
ESTIMATOR_OPS = {
    "uploadBlueprint",
    "createReviewDecision",
    "createBid",
    "repriceBid",
    "sendBid",
    "setBidStatus",
    "setProposalText",
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
    "createCatalogItem",
    "deleteCatalogItem",
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
    assert checked >= 38


async def test_other_organization_ids_answer_404_everywhere(client, tokens, users, db_url) -> None:
    """An admin of another organization, sending real ids of this one to every operation that takes an id,
    gets 404 (never 403, which would confirm the id exists) and changes nothing."""
    seeded = seed_blueprint(db_url, users["organization_id"], ["water_closet"])
    own = bearer(tokens["admin"])
    bid = (await client.post(f"/api/blueprints/{seeded.id}/bids", headers=own, json={})).json()["id"]
    lead = (await client.post("/api/leads?org=demo-plumbing", json={"name": "L", "phone": "+14155550100"})).json()
    key = (await client.post("/api/api-keys", headers=own, json={"name": "k"})).json()["api_key"]["id"]
    catalog = (await client.get("/api/catalogs", headers=own)).json()[0]["id"]
    sku = (await client.get(f"/api/catalogs/{catalog}", headers=own)).json()["items"][0]["sku"]
    real = {
        "blueprint_id": seeded.id,
        "bid_id": bid,
        "lead_id": lead["id"],
        "key_id": key,
        "catalog_id": catalog,
        "sku": sku,
        "sha256": seeded.page_image_sha256,
        "part": "items",
    }
    bodies = {
        "createReviewDecision": {"action": "accept", "detection_id": seeded.detection_ids[0], "reason": "ok"},
        "createBid": {},
        "sendBid": {"recipient_email": "x@example.com"},
        "setBidStatus": {"status": "accepted"},
        "setProposalText": {"scope": ["Changed by another organization"]},
        "updateLead": {"status": "contacted"},
        "addLeadNote": {"body": "hello"},
        "updateCatalogItem": {"material_cost": 1},
        "createCatalogItem": {"sku": "X-1", "description": "x", "material_cost": 1},
        "setCatalogActive": {"is_active": False},
    }
    schema = (await client.get("/schema/openapi.json")).json()
    checked = 0
    for path, item in schema["paths"].items():
        if "{" not in path:
            continue
        url = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: real[m.group(1)], path)
        for method, op in item.items():
            body = bodies.get(op["operationId"])
            response = await client.request(method.upper(), url, headers=bearer(tokens["other_admin"]), json=body)
            assert_problem(response, 404)
            checked += 1
    assert checked >= 24
    after = (await client.get(f"/api/leads/{lead['id']}", headers=own)).json()
    assert after["status"] == "new" and after["notes"] == []
    assert (await client.get(f"/api/bids/{bid}", headers=own)).json()["status"] == "draft"
