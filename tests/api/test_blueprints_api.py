"""Streaming upload (202, 413, 415, idempotency, nothing half-stored), status, pages, reviews, exports."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import openpyxl
import psycopg
import pytest
from api_helpers import assert_problem, bearer, seed_blueprint
from psycopg.rows import dict_row

from pipelineos.settings import get_settings

pytestmark = pytest.mark.anyio
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _files(data: bytes = PDF, name: str = "plan.pdf") -> dict:
    return {"file": (name, data, "application/pdf")}


def _stored_files() -> set[Path]:
    root = get_settings().storage_dir
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


async def test_upload_accepted_and_idempotent(client, tokens, db_url) -> None:
    headers = {**bearer(tokens["estimator"]), "Idempotency-Key": f"up-{uuid.uuid4()}"}
    first = await client.post(
        "/api/blueprints/upload",
        headers=headers,
        files=_files(name="../../etc/Plan A.pdf"),
        data={"project_name": "Clinic", "customer_email": "Dana@Example.com"},
    )
    assert first.status_code == 202, first.text
    body = first.json()
    bp = body["blueprint"]
    assert bp["status"] == "pending" and bp["original_name"] == "Plan A.pdf"
    assert bp["content_type"] == "application/pdf" and bp["size_bytes"] == len(PDF)
    assert bp["project_name"] == "Clinic" and bp["customer_email"] == "Dana@example.com"
    assert body["status_url"].endswith(f"/api/blueprints/{bp['id']}") and body["duplicate"] is False
    again = await client.post("/api/blueprints/upload", headers=headers, files=_files(b"%PDF-1.7 other"))
    assert again.status_code == 202 and again.json()["blueprint"]["id"] == bp["id"]
    assert again.json()["duplicate"] is True
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        audit = conn.execute(
            "select action from audit_log where entity = 'blueprint' and entity_id = %s", (bp["id"],)
        ).fetchall()
    assert [a["action"] for a in audit] == ["upload"]
    status = await client.get(body["status_url"].split("5000", 1)[-1], headers=bearer(tokens["viewer"]))
    assert status.status_code == 200
    detail = status.json()
    assert detail["status"] == "pending" and detail["fixtures"] == [] and detail["bid"] is None


async def test_upload_refusals_store_nothing(client, tokens, db_url) -> None:
    with psycopg.connect(db_url) as conn:
        before_rows = conn.execute("select count(*) from blueprints").fetchone()[0]
    before_files = _stored_files()
    headers = bearer(tokens["estimator"])
    body = assert_problem(
        await client.post(
            "/api/blueprints/upload", headers=headers, files=_files(b"MZ\x90\x00" + b"x" * 5000, "evil.pdf")
        ),
        415,
    )
    assert "PDF, PNG, JPEG, TIFF, DXF" in body["detail"]
    too_big = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024 + 10)
    assert_problem(await client.post("/api/blueprints/upload", headers=headers, files=_files(too_big)), 413)
    assert_problem(await client.post("/api/blueprints/upload", headers=headers, json={"file": "x"}), 415)
    assert_problem(await client.post("/api/blueprints/upload", headers=headers, files={"other": ("a.pdf", PDF)}), 422)
    assert_problem(await client.post("/api/blueprints/upload", headers=headers, files=_files(b"")), 422)
    assert_problem(await client.post("/api/blueprints/upload", headers=bearer(tokens["viewer"]), files=_files()), 403)
    assert_problem(await client.post("/api/blueprints/upload", files=_files()), 401)
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select count(*) from blueprints").fetchone()[0] == before_rows
    assert _stored_files() - before_files == set()


async def test_accepts_each_type_by_bytes(client, tokens) -> None:
    heads = {
        "a.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        "b.jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 64,
        "c.tif": b"II*\x00" + b"\x00" * 64,
        "d.dxf": b"  0\nSECTION\n  2\nHEADER\n  0\nENDSEC\n  0\nEOF\n",
    }
    for name, data in heads.items():
        r = await client.post(
            "/api/blueprints/upload",
            headers=bearer(tokens["estimator"]),
            files={"file": (name, data, "application/octet-stream")},
        )
        assert r.status_code == 202, (name, r.text)


async def test_detail_reviews_pages_and_exports(client, tokens, users, db_url) -> None:
    seeded = seed_blueprint(db_url, users["organization_id"], ["water_closet", "lavatory"])
    bp, (wc, lav) = seeded.id, seeded.detection_ids
    h_est, h_view = bearer(tokens["estimator"]), bearer(tokens["viewer"])
    detail = (await client.get(f"/api/blueprints/{bp}", headers=h_view)).json()
    assert detail["fixture_counts"] == {"lavatory": 1, "water_closet": 1}
    assert detail["pages"][0]["sheet_number"] == "P-101"
    assert detail["pages"][0]["notes"] == ["legend symbols taken from P-001"]
    image = await client.get(detail["pages"][0]["image_url"], headers=h_view)
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert_problem(await client.get(detail["pages"][0]["image_url"], headers=bearer(tokens["other_admin"])), 404)

    reject = await client.post(
        f"/api/blueprints/{bp}/reviews",
        headers=h_est,
        json={"action": "reject", "detection_id": lav, "reason": "duplicate tag"},
    )
    assert reject.status_code == 201, reject.text
    relabel = await client.post(
        f"/api/blueprints/{bp}/reviews",
        headers=h_est,
        json={
            "action": "relabel",
            "detection_id": wc,
            "fixture_class": "urinal",
            "reason": "symbol is a urinal",
        },
    )
    assert relabel.status_code == 201
    add = await client.post(
        f"/api/blueprints/{bp}/reviews",
        headers=h_est,
        json={
            "action": "add",
            "fixture_class": "floor_drain",
            "page_index": 0,
            "bbox": [0.5, 0.5, 0.55, 0.55],
            "reason": "missed drain",
        },
    )
    assert add.status_code == 201
    assert_problem(
        await client.post(
            f"/api/blueprints/{bp}/reviews", headers=h_est, json={"action": "reject", "detection_id": wc}
        ),
        422,
    )
    assert_problem(
        await client.post(
            f"/api/blueprints/{bp}/reviews", headers=h_view, json={"action": "accept", "detection_id": wc}
        ),
        403,
    )
    assert_problem(
        await client.post(
            f"/api/blueprints/{bp}/reviews",
            headers=h_est,
            json={"action": "accept", "detection_id": str(uuid.uuid4())},
        ),
        404,
    )
    detail = (await client.get(f"/api/blueprints/{bp}", headers=h_view)).json()
    assert detail["fixture_counts"] == {"floor_drain": 1, "urinal": 1}
    with psycopg.connect(db_url) as conn:
        actions = [
            r[0]
            for r in conn.execute("select action from audit_log where entity_id = %s order by id", (bp,)).fetchall()
        ]
    assert actions == ["review.reject", "review.relabel", "review.add"]

    csv_text = (await client.get(f"/api/blueprints/{bp}/takeoff.csv", headers=h_view)).text
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("page_index,sheet_number,fixture_class") and len(lines) == 3
    xlsx = await client.get(f"/api/blueprints/{bp}/takeoff.xlsx", headers=h_view)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sorted(row[2] for row in sheet.iter_rows(min_row=2, values_only=True)) == ["floor_drain", "urinal"]


async def test_other_organization_and_listing(client, tokens, users) -> None:
    listed = await client.get("/api/blueprints?status=pending&limit=2&offset=0", headers=bearer(tokens["viewer"]))
    assert listed.status_code == 200
    page = listed.json()
    assert page["limit"] == 2 and len(page["items"]) <= 2 and page["total"] >= len(page["items"])
    assert all(item["status"] == "pending" for item in page["items"])
    some_id = page["items"][0]["id"]
    assert_problem(await client.get(f"/api/blueprints/{some_id}", headers=bearer(tokens["other_admin"])), 404)
    assert_problem(await client.get("/api/blueprints/not-a-uuid", headers=bearer(tokens["viewer"])), 404)
    assert_problem(await client.get("/api/blueprints?status=bogus", headers=bearer(tokens["viewer"])), 400)
    assert_problem(await client.get("/api/blueprints?limit=100000", headers=bearer(tokens["viewer"])), 400)
    other = await client.get("/api/blueprints", headers=bearer(tokens["other_admin"]))
    assert other.json()["total"] == 0


async def test_bad_field_after_file_keeps_nothing(client, tokens, db_url) -> None:
    before_files = _stored_files()
    unique = b"%PDF-1.4\n" + uuid.uuid4().bytes
    response = await client.post(
        "/api/blueprints/upload",
        headers=bearer(tokens["estimator"]),
        files=_files(unique),
        data={"customer_email": "not-an-email"},
    )
    assert "email" in assert_problem(response, 422)["detail"]
    assert _stored_files() - before_files == set()
