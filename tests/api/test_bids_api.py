"""Bids from a reviewed takeoff, re-pricing, status, exports, proposal PDF and send; catalogs."""

from __future__ import annotations

import io

import openpyxl
import psycopg
import pytest
from api_helpers import assert_problem, bearer, seed_blueprint

pytestmark = pytest.mark.anyio


async def test_bid_lifecycle(client, tokens, users, db_url) -> None:
    bp = seed_blueprint(db_url, users["organization_id"], ["water_closet", "water_closet", "lavatory"]).id
    h_est = bearer(tokens["estimator"])
    created = await client.post(f"/api/blueprints/{bp}/bids", headers=h_est, json={"name": "Base bid"})
    assert created.status_code == 201, created.text
    bid = created.json()
    qty = {line["fixture_class"]: line["quantity"] for line in bid["lines"] if line["fixture_class"]}
    assert qty["water_closet"] == 2 and qty["lavatory"] == 1
    assert bid["status"] == "draft" and bid["total"] > 0
    assert bid["customer_email"] == "owner@example.com"
    assert_problem(await client.post(f"/api/blueprints/{bp}/bids", headers=bearer(tokens["viewer"]), json={}), 403)
    assert_problem(await client.get(f"/api/bids/{bid['id']}", headers=bearer(tokens["other_admin"])), 404)

    detail = (await client.get(f"/api/blueprints/{bp}", headers=bearer(tokens["viewer"]))).json()
    assert detail["bid"]["id"] == bid["id"] and detail["bid"]["total"] == bid["total"]

    wc_ids = [f["detection_id"] for f in detail["fixtures"] if f["fixture_class"] == "water_closet"]
    await client.post(
        f"/api/blueprints/{bp}/reviews",
        headers=h_est,
        json={"action": "reject", "detection_id": wc_ids[0], "reason": "duplicate"},
    )
    repriced = (await client.post(f"/api/bids/{bid['id']}/reprice", headers=h_est)).json()
    qty = {line["fixture_class"]: line["quantity"] for line in repriced["lines"] if line["fixture_class"]}
    assert qty["water_closet"] == 1 and repriced["total"] < bid["total"]

    csv_text = (await client.get(f"/api/bids/{bid['id']}/export.csv", headers=h_est)).text
    assert csv_text.splitlines()[0].startswith("line_no,fixture_class,description")
    book = openpyxl.load_workbook(
        io.BytesIO((await client.get(f"/api/bids/{bid['id']}/export.xlsx", headers=h_est)).content)
    )
    totals = {row[0]: row[1] for row in book["Totals"].iter_rows(min_row=2, values_only=True)}
    assert totals["total"] == pytest.approx(repriced["total"])

    pdf = await client.get(f"/api/bids/{bid['id']}/proposal.pdf", headers=h_est)
    assert pdf.status_code == 200, pdf.text
    assert pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    sent = await client.post(f"/api/bids/{bid['id']}/send", headers=h_est, json={})
    assert sent.status_code == 202, sent.text
    assert sent.json()["status"] == "sent"
    assert_problem(await client.post(f"/api/bids/{bid['id']}/reprice", headers=h_est), 409)
    won = await client.post(f"/api/bids/{bid['id']}/status", headers=h_est, json={"status": "accepted"})
    assert won.json()["status"] == "accepted"
    assert_problem(await client.post(f"/api/bids/{bid['id']}/status", headers=h_est, json={"status": "declined"}), 409)
    with psycopg.connect(db_url) as conn:
        msg = conn.execute("select recipient, kind from messages where bid_id = %s", (bid["id"],)).fetchone()
        audit = [
            r[0]
            for r in conn.execute(
                "select action from audit_log where entity = 'bid' and entity_id = %s order by id",
                (bid["id"],),
            ).fetchall()
        ]
    assert msg == ("owner@example.com", "proposal")
    assert audit == ["create", "reprice", "send", "status.accepted"]
    listed = (await client.get(f"/api/bids?blueprint_id={bp}&status=accepted", headers=h_est)).json()
    assert [b["id"] for b in listed["items"]] == [bid["id"]]


async def test_catalog_crud_import_export(client, tokens) -> None:
    h_admin, h_view = bearer(tokens["admin"]), bearer(tokens["viewer"])
    catalogs = (await client.get("/api/catalogs", headers=h_view)).json()
    assert catalogs and catalogs[0]["item_count"] > 0
    cid = catalogs[0]["id"]
    exported = await client.get(f"/api/catalogs/{cid}/export.xlsx", headers=h_admin)
    assert exported.status_code == 200
    imported = await client.post(
        "/api/catalogs/import",
        headers=h_admin,
        files={"workbook": ("c.xlsx", exported.content, "application/octet-stream")},
    )
    assert imported.status_code == 201, imported.text
    new = imported.json()
    assert new["version"] == catalogs[0]["version"] + 1 and new["item_count"] == catalogs[0]["item_count"]
    sku = new["items"][0]["sku"]
    edited = await client.patch(
        f"/api/catalogs/{new['id']}/items/{sku}", headers=h_admin, json={"material_cost": 123.45}
    )
    assert edited.status_code == 200 and edited.json()["material_cost"] == 123.45
    assert_problem(
        await client.patch(f"/api/catalogs/{new['id']}/items/{sku}", headers=h_view, json={"material_cost": 1}),
        403,
    )
    assert_problem(
        await client.patch(f"/api/catalogs/{new['id']}/items/{sku}", headers=h_admin, json={"material_cost": -1}),
        400,
    )
    bad = await client.post(
        "/api/catalogs/import",
        headers=h_admin,
        files={"items": ("i.csv", b"sku,description\nX,\n"), "assemblies": ("a.csv", b"x\n")},
    )
    assert_problem(bad, 422)
    items_csv = await client.get(f"/api/catalogs/{cid}/csv/items", headers=h_admin)
    assert items_csv.text.startswith("sku,description,unit,material_cost")
    off = await client.post(f"/api/catalogs/{new['id']}/active", headers=h_admin, json={"is_active": False})
    assert off.json()["is_active"] is False
    assert_problem(await client.get(f"/api/catalogs/{cid}", headers=bearer(tokens["other_admin"])), 404)


async def test_catalog_items_create_and_delete(client, tokens, users, db_url) -> None:
    h_admin = bearer(tokens["admin"])
    catalogs = (await client.get("/api/catalogs", headers=h_admin)).json()
    source = catalogs[0]["id"]
    workbook = (await client.get(f"/api/catalogs/{source}/export.xlsx", headers=h_admin)).content
    new = (await client.post("/api/catalogs/import", headers=h_admin, files={"workbook": ("c.xlsx", workbook)})).json()
    item = {"sku": "HB-TEST-1", "description": "Hose bibb, frost-free", "material_cost": 41.5, "supplier": "Ferguson"}
    created = await client.post(f"/api/catalogs/{new['id']}/items", headers=h_admin, json=item)
    assert created.status_code == 201, created.text
    assert created.json()["sku"] == "HB-TEST-1" and created.json()["unit"] == "ea"
    assert_problem(await client.post(f"/api/catalogs/{new['id']}/items", headers=h_admin, json=item), 409)
    assert_problem(
        await client.post(f"/api/catalogs/{new['id']}/items", headers=bearer(tokens["estimator"]), json=item), 403
    )
    assert_problem(
        await client.post(f"/api/catalogs/{new['id']}/items", headers=h_admin, json={**item, "material_cost": -1}), 400
    )
    detail = (await client.get(f"/api/catalogs/{new['id']}", headers=h_admin)).json()
    assert detail["item_count"] == new["item_count"] + 1
    with psycopg.connect(db_url) as conn:
        in_assembly = conn.execute(
            "select i.sku from price_items i join assembly_items ai on ai.item_id = i.id where i.catalog_id = %s "
            "limit 1",
            (new["id"],),
        ).fetchone()[0]
    used = assert_problem(await client.delete(f"/api/catalogs/{new['id']}/items/{in_assembly}", headers=h_admin), 409)
    assert "assemblies" in used["detail"]
    gone = await client.delete(f"/api/catalogs/{new['id']}/items/HB-TEST-1", headers=h_admin)
    assert gone.status_code == 204
    assert_problem(await client.delete(f"/api/catalogs/{new['id']}/items/HB-TEST-1", headers=h_admin), 404)
    assert_problem(
        await client.delete(f"/api/catalogs/{new['id']}/items/{in_assembly}", headers=bearer(tokens["other_admin"])),
        404,
    )
    bp = seed_blueprint(db_url, users["organization_id"], ["water_closet"]).id
    used_catalog = await client.post(
        f"/api/blueprints/{bp}/bids", headers=bearer(tokens["estimator"]), json={"catalog_id": new["id"]}
    )
    assert used_catalog.status_code == 201, used_catalog.text
    frozen = await client.post(f"/api/catalogs/{new['id']}/items", headers=h_admin, json={**item, "sku": "HB-2"})
    assert "frozen" in assert_problem(frozen, 409)["detail"]
    with psycopg.connect(db_url) as conn:
        actions = [
            r[0]
            for r in conn.execute(
                "select action from audit_log where entity = 'price_item' and entity_id like %s order by id",
                (f"{new['id']}:HB-TEST-1",),
            ).fetchall()
        ]
    assert actions == ["create", "delete"]
