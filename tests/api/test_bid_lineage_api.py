"""A bid names what produced it (runs, detector, code/data and catalog versions); its status history; its
proposal text."""

from __future__ import annotations

import re

import psycopg
import pytest
from api_helpers import assert_problem, bearer, seed_blueprint

from pipelineos.blueprints.bidding import takeoff_for
from pipelineos.blueprints.processing import bidding as pipeline_bidding
from pipelineos.blueprints.processing.versions import code_version
from pipelineos.db.pool import connection
from pipelineos.takeoff.models import DETECTOR_VERSION

pytestmark = pytest.mark.anyio


async def test_bid_priced_by_a_pipeline_run_names_its_lineage(client, tokens, users, db_url) -> None:
    bp = seed_blueprint(db_url, users["organization_id"], ["water_closet", "lavatory"]).id
    with psycopg.connect(db_url) as conn:
        conn.execute("update fixture_detections set run_id = 'takeoff-run-7' where blueprint_id = %s", (bp,))
        catalog = conn.execute(
            "select id::text, version from price_catalogs where organization_id = %s and is_active",
            (users["organization_id"],),
        ).fetchone()
    with connection() as conn:
        takeoff = takeoff_for(conn, bp)
    priced = pipeline_bidding.price(bp, "base", takeoff, run_id="dagster-run-42")

    h = bearer(tokens["viewer"])
    bid = (await client.get(f"/api/bids/{priced['id']}", headers=h)).json()
    assert bid["run_id"] == "dagster-run-42"
    assert bid["takeoff_run_id"] == "takeoff-run-7"
    assert bid["detector_version"] == DETECTOR_VERSION
    assert bid["code_version"] == code_version()
    assert re.fullmatch(r"[0-9a-f]{16}", bid["data_version"])
    assert bid["variant"] == "base"
    assert catalog is not None and (bid["catalog_id"], bid["catalog_version"]) == (catalog[0], catalog[1])
    listed = (await client.get(f"/api/bids?blueprint_id={bp}", headers=h)).json()["items"]
    assert [(b["id"], b["run_id"]) for b in listed] == [(priced["id"], "dagster-run-42")]
    detail = (await client.get(f"/api/blueprints/{bp}", headers=h)).json()
    assert detail["bid"]["takeoff_run_id"] == "takeoff-run-7"

    by_api = await client.post(f"/api/blueprints/{bp}/bids", headers=bearer(tokens["estimator"]), json={})
    assert by_api.status_code == 201, by_api.text
    made = by_api.json()
    assert made["run_id"] is None and made["catalog_version"] == catalog[1]
    assert made["takeoff_run_id"] == "takeoff-run-7", "a bid created through the API names the takeoff it priced"
    assert made["detector_version"] and made["code_version"] and made["data_version"]


async def test_status_history_with_who_and_when(client, tokens, users, db_url) -> None:
    bp = seed_blueprint(db_url, users["organization_id"], ["water_closet"]).id
    h_est = bearer(tokens["estimator"])
    bid = (await client.post(f"/api/blueprints/{bp}/bids", headers=h_est, json={})).json()
    assert (await client.post(f"/api/bids/{bid['id']}/send", headers=h_est, json={})).status_code == 202
    assert (
        await client.post(f"/api/bids/{bid['id']}/status", headers=h_est, json={"status": "declined"})
    ).status_code == 200

    history = await client.get(f"/api/bids/{bid['id']}/history", headers=bearer(tokens["viewer"]))
    assert history.status_code == 200, history.text
    steps = [(e["from_status"], e["to_status"]) for e in history.json()]
    assert steps == [(None, "draft"), ("draft", "sent"), ("sent", "declined")]
    assert {e["user_email"] for e in history.json()} == {"estimator@example.com"}
    times = [e["changed_at"] for e in history.json()]
    assert times == sorted(times)
    assert_problem(await client.get(f"/api/bids/{bid['id']}/history", headers=bearer(tokens["other_admin"])), 404)
    assert_problem(await client.get(f"/api/bids/{bid['id']}/history"), 401)
    assert_problem(await client.get("/api/bids/not-a-uuid/history", headers=h_est), 404)


async def test_proposal_text_edit_and_guards(client, tokens, users, db_url) -> None:
    bp = seed_blueprint(db_url, users["organization_id"], ["lavatory"]).id
    h_est, h_view = bearer(tokens["estimator"]), bearer(tokens["viewer"])
    bid = (await client.post(f"/api/blueprints/{bp}/bids", headers=h_est, json={})).json()
    url = f"/api/bids/{bid['id']}/proposal-text"
    default = (await client.get(url, headers=h_view)).json()
    assert default["scope"] and default["terms"] and default["show_cost_breakdown"] is False

    changed = await client.put(
        url, headers=h_est, json={"scope": ["Rough-in only.", "  "], "show_cost_breakdown": True}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["scope"] == ["Rough-in only."] and changed.json()["show_cost_breakdown"] is True
    assert changed.json()["terms"] == default["terms"], "fields left out are kept"
    assert (await client.get(url, headers=h_view)).json() == changed.json()
    restored = (await client.put(url, headers=h_est, json={"scope": []})).json()
    assert restored["scope"] == default["scope"]

    assert_problem(await client.put(url, headers=h_view, json={"scope": ["x"]}), 403)
    assert_problem(await client.put(url, headers=bearer(tokens["other_admin"]), json={"scope": ["x"]}), 404)
    assert_problem(await client.get(url, headers=bearer(tokens["other_admin"])), 404)
    assert_problem(await client.put(url, headers=h_est, json={"scope": "not a list"}), 400)
    assert_problem(await client.put(url, headers=h_est, json={"scope": ["bad\x00byte"]}), 400)
    assert_problem(await client.put(url, headers=h_est, json={"title": "x"}), 400)

    assert (await client.post(f"/api/bids/{bid['id']}/send", headers=h_est, json={})).status_code == 202
    body = assert_problem(await client.put(url, headers=h_est, json={"scope": ["Late change."]}), 409)
    assert "sent" in body["detail"]
    with psycopg.connect(db_url) as conn:
        audit = conn.execute(
            "select count(*) from audit_log where entity = 'bid' and entity_id = %s and action = 'proposal_text'",
            (bid["id"],),
        ).fetchone()
    assert audit == (2,)
