"""Public lead intake (auto-reply sent within 5 s, honeypot, limits, validation, idempotency) and the
pipeline."""

from __future__ import annotations

import asyncio
import time
import uuid

import psycopg
import pytest
from api_helpers import assert_problem, bearer
from litestar.testing import AsyncTestClient
from psycopg.rows import dict_row

from pipelineos_api.app import create_app

pytestmark = pytest.mark.anyio
URL = "/api/leads?org=demo-plumbing"
LEAD = {
    "name": "Dana Rivera",
    "email": "dana@example.com",
    "phone": "(415) 555-0100",
    "message": "Need a bid for a 3-bath remodel",
}


async def test_lead_stored_with_auto_reply_sent_within_5s(api_config, users, smtp_sink, db_url) -> None:
    config = type(api_config)(**{**api_config.__dict__, "run_dispatcher": True})
    async with AsyncTestClient(app=create_app(config)) as client:
        started = time.monotonic()
        response = await client.post(URL, json={**LEAD, "email": "fast@example.com"})
        assert response.status_code == 202, response.text
        lead_id = response.json()["id"]
        while time.monotonic() - started < 5 and not any(m["To"] == "fast@example.com" for m in smtp_sink.messages):
            await asyncio.sleep(0.05)
        elapsed = time.monotonic() - started
        assert elapsed < 5, "auto-reply not delivered within 5 s"
        reply = next(m for m in smtp_sink.messages if m["To"] == "fast@example.com")
        assert "Demo Plumbing Co." in reply["Subject"]
        for _ in range(60):
            with psycopg.connect(db_url, row_factory=dict_row) as conn:
                lead = conn.execute("select * from leads where id = %s", (lead_id,)).fetchone()
            if lead["first_response_at"] is not None:
                break
            await asyncio.sleep(0.05)
    assert lead["phone"] == "+14155550100" and lead["status"] == "new"
    assert lead["first_response_at"] is not None


async def test_validation_honeypot_injection_and_idempotency(client, db_url) -> None:
    with psycopg.connect(db_url) as conn:
        before = conn.execute("select count(*) from leads").fetchone()[0]
        before_msgs = conn.execute("select count(*) from messages").fetchone()[0]
    for bad, status in (
        ({**LEAD, "email": "not-an-email"}, 422),
        ({**LEAD, "phone": "12"}, 422),
        ({"name": "No Contact"}, 422),
        ({**LEAD, "name": ""}, 400),
        ({**LEAD, "message": "x" * 5001}, 400),
        ({**LEAD, "extra": 1}, 400),
        ({**LEAD, "name": 7}, 400),
    ):
        assert_problem(await client.post(URL, json=bad), status)
    assert_problem(await client.post(URL, content=b"{", headers={"content-type": "application/json"}), 400)
    assert_problem(await client.post("/api/leads?org=nope", json=LEAD), 404)
    body = assert_problem(await client.post("/api/leads", json=LEAD), 404)  # two orgs here: org is required
    assert "?org=" in body["detail"]
    bot = await client.post(URL, json={**LEAD, "website": "http://spam.example"})
    assert bot.status_code == 202
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select count(*) from leads").fetchone()[0] == before
        assert conn.execute("select count(*) from messages").fetchone()[0] == before_msgs
    nasty = {**LEAD, "name": "Robert'); DROP TABLE leads;--", "message": "<script>alert(1)</script>"}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await client.post("/api/leads?org=demo-plumbing", json=nasty, headers=key)
    second = await client.post("/api/leads?org=demo-plumbing", json=nasty, headers=key)
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        row = conn.execute("select * from leads where id = %s", (first.json()["id"],)).fetchone()
        msgs = conn.execute("select * from messages where lead_id = %s", (row["id"],)).fetchall()
    assert row["name"] == nasty["name"] and row["message"] == nasty["message"]
    assert len(msgs) == 1 and msgs[0]["kind"] == "lead_auto_reply" and msgs[0]["recipient"] == "dana@example.com"
    assert "<script>" not in (msgs[0]["body_html"] or "")


async def test_pipeline_assign_notes_and_scoping(client, tokens, users, db_url) -> None:
    lead_id = (await client.post(URL, json={**LEAD, "name": "Pipeline Pat"})).json()["id"]
    h_est = bearer(tokens["estimator"])
    listed = await client.get("/api/leads?status=new&q=pipeline", headers=bearer(tokens["viewer"]))
    assert [x["id"] for x in listed.json()["items"]] == [lead_id]
    assigned = await client.patch(
        f"/api/leads/{lead_id}",
        headers=h_est,
        json={"status": "contacted", "assigned_to": users["estimator"]["id"]},
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["status"] == "contacted" and assigned.json()["first_response_at"] is not None
    assert_problem(await client.patch(f"/api/leads/{lead_id}", headers=h_est, json={"status": "new"}), 422)
    assert_problem(
        await client.patch(f"/api/leads/{lead_id}", headers=h_est, json={"assigned_to": users["other_admin"]["id"]}),
        422,
    )
    for step in ("bid_sent", "won"):
        r = await client.patch(f"/api/leads/{lead_id}", headers=h_est, json={"status": step})
        assert r.json()["status"] == step
    note = await client.post(f"/api/leads/{lead_id}/notes", headers=h_est, json={"body": "Called, left voicemail"})
    assert note.status_code == 201
    detail = (await client.get(f"/api/leads/{lead_id}", headers=bearer(tokens["viewer"]))).json()
    assert [n["body"] for n in detail["notes"]] == ["Called, left voicemail"]
    assert_problem(
        await client.patch(f"/api/leads/{lead_id}", headers=bearer(tokens["viewer"]), json={"status": "lost"}),
        403,
    )
    assert_problem(await client.get(f"/api/leads/{lead_id}", headers=bearer(tokens["other_admin"])), 404)
    assert_problem(await client.get("/api/leads"), 401)
    with psycopg.connect(db_url) as conn:
        audits = conn.execute(
            "select count(*) from audit_log where entity = 'lead' and entity_id = %s", (lead_id,)
        ).fetchone()[0]
    assert audits == 3
