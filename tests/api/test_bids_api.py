"""Bids from a reviewed takeoff, re-pricing, status, exports, proposal PDF and send; catalogs."""

from __future__ import annotations

import io
import uuid

import openpyxl
import psycopg
import pytest
from api_helpers import assert_problem, bearer
from psycopg.rows import dict_row

pytestmark = pytest.mark.anyio


def _blueprint_with_detections(db_url: str, org: str, classes: list[str]) -> str:
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        bp = conn.execute(
            "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256, "
            "status, "
            "page_count, customer_email, project_name) values (%s, 'p.pdf', 'application/pdf', 10, %s, "
            "'completed', 1, 'owner@example.com', 'Clinic') returning id",
            (org, "c" * 64),
        ).fetchone()["id"]
        for i, cls in enumerate(classes):
            conn.execute(
                "insert into fixture_detections (id, organization_id, blueprint_id, page_index, "
                "fixture_class, x0, y0, x1, y1, confidence, method, detector_version) values "
                "(%s, %s, %s, 0, %s, %s, 0.1, %s, 0.2, 0.9, 'vector_tag', 't')",
                (str(uuid.uuid4()), org, bp, cls, 0.01 * i, 0.01 * i + 0.005),
            )
    return str(bp)


async def test_bid_lifecycle(client, tokens, users, db_url) -> None:
    bp = _blueprint_with_detections(db_url, users["organization_id"], ["water_closet", "water_closet", "lavatory"])
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
