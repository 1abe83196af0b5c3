"""Bad input on every text field and parameter: a 4xx problem naming what is wrong, never a 500, nothing stored."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest
from api_helpers import assert_problem, bearer, seed_blueprint

pytestmark = pytest.mark.anyio
TABLES = ("leads", "lead_notes", "messages", "users", "api_keys", "bids", "review_decisions", "audit_log")
LEAD = {"name": "Dana Rivera", "email": "dana@example.com", "message": "Need a bid."}


def _counts(db_url: str) -> dict[str, int]:
    with psycopg.connect(db_url) as conn:
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]


@pytest.fixture()
async def ids(client: Any, tokens: dict[str, str], users: dict[str, Any], db_url: str) -> dict[str, str]:
    """A lead, a blueprint with a detection, a bid and a catalog SKU to aim the requests at."""
    lead = (await client.post("/api/leads?org=demo-plumbing", json=LEAD)).json()["id"]
    blueprint = seed_blueprint(db_url, users["organization_id"], ["water_closet"])
    bid = await client.post(f"/api/blueprints/{blueprint.id}/bids", headers=bearer(tokens["estimator"]), json={})
    with psycopg.connect(db_url) as conn:
        catalog, sku = conn.execute(
            "select c.id, i.sku from price_catalogs c join price_items i on i.catalog_id = c.id "
            "where c.organization_id = %s limit 1",
            (users["organization_id"],),
        ).fetchone()  # type: ignore[misc]
    return {
        "lead": lead,
        "blueprint": blueprint.id,
        "detection": blueprint.detection_ids[0],
        "bid": bid.json()["id"],
        "catalog": str(catalog),
        "sku": sku,
    }


def _cases(ids: dict[str, str]) -> list[tuple[str, str, dict[str, Any], str]]:
    """(method, url, a valid body, one of its text fields) for every text field of every JSON body."""
    review = {"action": "reject", "detection_id": ids["detection"], "reason": "duplicate", "fixture_class": "urinal"}
    bodies: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/api/auth/login", {"email": "admin@example.com", "password": "x"}),
        (
            "POST",
            "/api/users",
            {"email": "x@example.com", "password": "long-password", "role": "viewer", "full_name": "X"},
        ),
        ("POST", "/api/api-keys", {"name": "erp"}),
        (
            "POST",
            "/api/leads?org=demo-plumbing",
            {**LEAD, "phone": "+14155550100", "company": "C", "address": "A", "source": "web", "website": ""},
        ),
        ("POST", f"/api/leads/{ids['lead']}/notes", {"body": "called"}),
        ("PATCH", f"/api/leads/{ids['lead']}", {"assigned_to": ids["lead"]}),
        ("POST", f"/api/blueprints/{ids['blueprint']}/reviews", review),
        (
            "POST",
            f"/api/blueprints/{ids['blueprint']}/bids",
            {"name": "B", "customer_name": "C", "customer_email": "c@example.com", "catalog_id": ids["catalog"]},
        ),
        ("POST", f"/api/bids/{ids['bid']}/send", {"recipient_email": "c@example.com"}),
        (
            "PATCH",
            f"/api/catalogs/{ids['catalog']}/items/{ids['sku']}",
            {"description": "D", "unit": "ea", "supplier": "S"},
        ),
    ]
    return [
        (method, url, body, field)
        for method, url, body in bodies
        for field, value in body.items()
        if isinstance(value, str) and field not in ("password", "action", "role")
    ]


async def test_control_characters_refused_in_every_text_field(client, tokens, ids, db_url) -> None:
    before = _counts(db_url)
    cases = _cases(ids)
    assert len(cases) >= 25
    for method, url, body, field in cases:
        for bad in ("a\x00b", "a\x1bb", "a\x7fb"):
            response = await client.request(method, url, json={**body, field: bad}, headers=bearer(tokens["admin"]))
            problem = assert_problem(response, 400)
            assert [e["key"] for e in problem["errors"]] == [field], (url, field, problem)
            assert "control characters" in problem["errors"][0]["message"]
    assert _counts(db_url) == before


async def test_injection_text_is_stored_verbatim(client, tokens, ids, db_url) -> None:
    sql, markup = "x'); DROP TABLE leads; --", "<script>alert('x')</script><img src=x onerror=alert(1)>"
    note = await client.post(
        f"/api/leads/{ids['lead']}/notes", headers=bearer(tokens["estimator"]), json={"body": f"{sql}\n{markup}"}
    )
    assert note.status_code == 201
    review = await client.post(
        f"/api/blueprints/{ids['blueprint']}/reviews",
        headers=bearer(tokens["estimator"]),
        json={"action": "accept", "detection_id": ids["detection"], "reason": markup},
    )
    assert review.status_code == 201 and review.json()["reason"] == markup
    found = await client.get(f"/api/leads?q={sql[:10]}", headers=bearer(tokens["viewer"]))
    assert found.status_code == 200
    with psycopg.connect(db_url) as conn:
        stored = conn.execute("select body from lead_notes where id = %s", (note.json()["id"],)).fetchone()[0]
        assert conn.execute("select count(*) from leads").fetchone()[0] >= 1  # the table is still there
    assert stored == f"{sql}\n{markup}"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/api/bids?offset=99999999999999999999", "offset"),
        ("/api/bids?offset=1000001", "offset"),
        ("/api/leads?limit=0", "limit"),
        ("/api/blueprints?limit=abc", "limit"),
        ("/api/leads?q=%00", "control character"),
        ("/api/leads?assigned_to=a%0Ab", "control character"),
        ("/api/blueprints/%00", "control character"),
        ("/api/catalogs/x/csv/other", "part"),
    ],
)
async def test_bad_parameters(client, tokens, path: str, reason: str) -> None:
    problem = assert_problem(await client.get(path, headers=bearer(tokens["viewer"])), 400)
    assert reason in str(problem)


async def test_wrong_json_types_and_shapes(client, tokens, ids) -> None:
    headers = bearer(tokens["admin"])
    as_json = {**headers, "content-type": "application/json"}
    url = f"/api/catalogs/{ids['catalog']}/active"
    for body, key in (
        (b'{"is_active": 0}', "is_active"),
        (b'{"is_active": "true"}', "is_active"),
        (b'{"is_active": true, "extra": 1}', "body"),
        (b"[]", "body"),
    ):
        problem = assert_problem(
            await client.post(url, content=body, headers={**headers, "content-type": "application/json"}), 400
        )
        assert problem["errors"][0]["key"] == key
    empty = assert_problem(await client.post(url, headers=headers), 400)
    assert empty["errors"][0]["message"] == "A JSON body is required."
    nan = await client.patch(
        f"/api/catalogs/{ids['catalog']}/items/{ids['sku']}",
        content=b'{"material_cost": "nan"}',
        headers=as_json,
    )
    assert assert_problem(nan, 400)["errors"][0]["key"] == "material_cost"
    spaced = await client.post(
        "/api/leads?org=demo-plumbing", json=LEAD, headers={"Idempotency-Key": "has spaces in it"}
    )
    assert_problem(spaced, 400)


async def test_lead_and_auto_reply_are_one_transaction(client, db_url, monkeypatch) -> None:
    """When storing the auto-reply fails (here: a channel the messages table refuses), the lead is not kept
    either: both are one statement."""
    from pipelineos.leads import intake

    real = intake.message_params

    def broken(**kwargs: Any) -> dict[str, Any]:
        return {**real(**kwargs), "channel": "pigeon"}

    monkeypatch.setattr(intake, "message_params", broken)
    before = _counts(db_url)
    name = f"Atomic {uuid.uuid4().hex[:6]}"
    response = await client.post("/api/leads?org=demo-plumbing", json={**LEAD, "name": name})
    body = assert_problem(response, 422)
    assert "pigeon" not in response.text and "database rule" in body["detail"]
    assert _counts(db_url) == before
