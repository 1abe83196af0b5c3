"""Revision compare of a blueprint against the previous version of the same project: deltas and overlay PNG."""

from __future__ import annotations

import io

import psycopg
import pytest
from api_helpers import assert_problem, bearer, seed_blueprint
from PIL import Image

pytestmark = pytest.mark.anyio


async def test_revision_compare_counts_and_overlay(client, tokens, users, db_url) -> None:
    first = seed_blueprint(db_url, users["organization_id"], ["water_closet", "water_closet", "lavatory"]).id
    second = seed_blueprint(db_url, users["organization_id"], ["water_closet", "lavatory", "lavatory", "urinal"]).id
    h = bearer(tokens["viewer"])

    response = await client.get(f"/api/blueprints/{second}/revision-compare", headers=h)
    assert response.status_code == 200, response.text
    compared = response.json()
    assert (compared["blueprint_id"], compared["previous_blueprint_id"]) == (second, first)
    deltas = {d["fixture_class"]: (d["previous"], d["current"], d["delta"]) for d in compared["deltas"]}
    assert deltas == {"lavatory": (1, 2, 1), "urinal": (0, 1, 1), "water_closet": (2, 1, -1)}
    (sheet,) = compared["sheets"]
    assert sheet["sheet_number"] == "P-101" and "urinal" in sheet["added"]
    assert compared["overlay_url"] == f"/api/blueprints/{second}/revision-compare/overlay.png"

    overlay = await client.get(compared["overlay_url"], headers=h)
    assert overlay.status_code == 200 and overlay.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(overlay.content))
    assert image.format == "PNG" and image.width == 1000
    assert any(r > 150 and g < 120 for r, g, _ in image.convert("RGB").getdata()), "removed fixtures drawn in red"

    missing = assert_problem(await client.get(f"/api/blueprints/{first}/revision-compare", headers=h), 404)
    assert "no previous version" in missing["detail"]
    other = bearer(tokens["other_admin"])
    assert_problem(await client.get(f"/api/blueprints/{second}/revision-compare", headers=other), 404)
    assert_problem(await client.get(compared["overlay_url"], headers=other), 404)
    assert_problem(await client.get(compared["overlay_url"]), 401)
    assert_problem(await client.get("/api/blueprints/nope/revision-compare", headers=h), 404)


async def test_previous_version_of_another_organization_is_not_shown(client, tokens, users, db_url) -> None:
    foreign = seed_blueprint(db_url, users["other_organization_id"], ["urinal"]).id
    mine = seed_blueprint(db_url, users["organization_id"], ["urinal"]).id
    with psycopg.connect(db_url) as conn:
        conn.execute("update blueprints set previous_blueprint_id = %s where id = %s", (foreign, mine))
    h = bearer(tokens["viewer"])
    assert_problem(await client.get(f"/api/blueprints/{mine}/revision-compare", headers=h), 404)
    assert_problem(await client.get(f"/api/blueprints/{mine}/revision-compare/overlay.png", headers=h), 404)
