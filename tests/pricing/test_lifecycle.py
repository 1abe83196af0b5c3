"""Bid status transitions with timestamps and actor; revision compare deltas and overlay image."""

from __future__ import annotations

import io
import uuid

import numpy as np
import psycopg
import pytest
from PIL import Image, ImageDraw
from pricing_helpers import make_blueprint, takeoff

from pipelineos.errors import NotFoundError
from pipelineos.pricing.lifecycle import (
    compare_revisions,
    compare_with_previous,
    expire_stale_bids,
    history,
    transition,
)
from pipelineos.pricing.models import InvalidTransition
from pipelineos.pricing.service import price_bid
from pipelineos.storage import get_storage


def _bid(db: psycopg.Connection, org: str, blueprint_id: str, created_by: str | None = None) -> str:
    bid = price_bid(
        db,
        organization_id=org,
        blueprint_id=blueprint_id,
        takeoff=takeoff(("water_closet", 0, "P-101", "vector_text")),
        created_by=created_by,
    )
    return str(bid["id"])


def test_draft_sent_accepted_with_timestamps_and_actor(
    seeded: dict[str, str], db: psycopg.Connection, blueprint_id: str
) -> None:
    org = seeded["organization_id"]
    admin = db.execute("select id from users where organization_id = %s", (org,)).fetchone()["id"]  # type: ignore[index]
    bid_id = _bid(db, org, blueprint_id)
    sent = transition(db, organization_id=org, bid_id=bid_id, to_status="sent", user_id=str(admin))
    assert sent["status"] == "sent" and sent["sent_at"] is not None and sent["status_changed_by"] == admin
    accepted = transition(db, organization_id=org, bid_id=bid_id, to_status="accepted", user_id=str(admin))
    assert accepted["accepted_at"] is not None and accepted["declined_at"] is None
    with pytest.raises(InvalidTransition, match="An accepted bid cannot become draft"):
        transition(db, organization_id=org, bid_id=bid_id, to_status="draft")


def test_history_keeps_every_change_with_time_and_actor(
    seeded: dict[str, str], db: psycopg.Connection, blueprint_id: str
) -> None:
    org = seeded["organization_id"]
    admin = str(db.execute("select id from users where organization_id = %s", (org,)).fetchone()["id"])  # type: ignore[index]
    other = str(
        db.execute(
            "insert into users (organization_id, email, role, password_hash) values (%s, %s, 'estimator', 'x') "
            "returning id",
            (org, f"est-{uuid.uuid4().hex[:6]}@example.com"),
        ).fetchone()["id"]  # type: ignore[index]
    )
    bid_id = _bid(db, org, blueprint_id, created_by=admin)
    db.commit()
    transition(db, organization_id=org, bid_id=bid_id, to_status="sent", user_id=admin)
    db.commit()
    transition(db, organization_id=org, bid_id=bid_id, to_status="declined", user_id=other)
    db.commit()
    trail = history(db, organization_id=org, bid_id=bid_id)
    assert [(h["from_status"], h["to_status"], str(h["user_id"])) for h in trail] == [
        (None, "draft", admin),
        ("draft", "sent", admin),
        ("sent", "declined", other),
    ]
    bid = db.execute("select created_at, sent_at, declined_at from bids where id = %s", (bid_id,)).fetchone()
    assert [h["changed_at"] for h in trail] == [bid["created_at"], bid["sent_at"], bid["declined_at"]]  # type: ignore[index]
    assert trail[0]["changed_at"] < trail[1]["changed_at"] < trail[2]["changed_at"]
    with pytest.raises(InvalidTransition):
        transition(db, organization_id=org, bid_id=bid_id, to_status="accepted", user_id=admin)
    assert len(history(db, organization_id=org, bid_id=bid_id)) == 3, "a refused change leaves no trace"


@pytest.mark.parametrize("target", ["accepted", "declined", "expired", "bogus"])
def test_draft_cannot_skip_sending(
    seeded: dict[str, str], db: psycopg.Connection, blueprint_id: str, target: str
) -> None:
    bid_id = _bid(db, seeded["organization_id"], blueprint_id)
    with pytest.raises(InvalidTransition):
        transition(db, organization_id=seeded["organization_id"], bid_id=bid_id, to_status=target)


def _page(marks: list[tuple[int, int]]) -> bytes:
    image = Image.new("L", (1000, 647), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 980, 627), outline=0, width=3)
    for x, y in marks:
        draw.ellipse((x, y, x + 30, y + 30), outline=0, width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _revision(
    db: psycopg.Connection, org: str, marks: list[tuple[str, int, int]], previous: str | None, project: str = ""
) -> str:
    bp = make_blueprint(db, org)
    if project:
        db.execute("update blueprints set project_name = %s where id = %s", (project, bp))
    sha = get_storage().put_bytes(_page([(x, y) for _, x, y in marks])).sha256
    db.execute("update blueprints set previous_blueprint_id = %s where id = %s", (previous, bp))
    db.execute(
        "insert into blueprint_pages (organization_id, blueprint_id, page_index, width_pt, height_pt, "
        "render_dpi, image_sha256, is_vector, sheet_number) values (%s, %s, 0, 1224, 792, 100, %s, true, "
        "'P-101')",
        (org, bp, sha),
    )
    for cls, x, y in marks:
        db.execute(
            "insert into fixture_detections (id, organization_id, blueprint_id, page_index, fixture_class, "
            "x0, y0, x1, y1, confidence, method, detector_version) values (%s, %s, %s, 0, %s, %s, %s, %s, "
            "%s, 0.9, 'vector_text', 't')",
            (uuid.uuid4(), org, bp, cls, x / 1000, y / 647, (x + 30) / 1000, (y + 30) / 647),
        )
    db.commit()
    return bp


def test_compare_revisions_deltas_and_overlay(seeded: dict[str, str], db: psycopg.Connection, app_env) -> None:  # type: ignore[no-untyped-def]
    org = seeded["organization_id"]
    old = _revision(db, org, [("water_closet", 100, 100), ("water_closet", 200, 100), ("lavatory", 300, 300)], None)
    new = _revision(
        db,
        org,
        [
            ("water_closet", 100, 100),
            ("lavatory", 300, 300),
            ("lavatory", 600, 400),
            ("floor_drain", 800, 500),
        ],
        old,
    )
    result = compare_revisions(db, new, old)
    deltas = {d["fixture_class"]: d["delta"] for d in result["deltas"]}
    assert deltas == {"floor_drain": 1, "lavatory": 1, "water_closet": -1}
    (sheet,) = result["sheets"]
    assert sorted(sheet["added"]) == ["floor_drain", "lavatory"] and sheet["removed"] == ["water_closet"]
    assert len(sheet["changed_regions"]) == 3  # the removed WC, the added lavatory, the added drain
    overlay = np.array(Image.open(io.BytesIO(result["overlay_png"])).convert("RGB"))
    green = (overlay[:, :, 1] > 140) & (overlay[:, :, 0] < 80) & (overlay[:, :, 2] < 80)
    assert green[380:450, 580:650].any(), "the added lavatory is outlined in green"


def test_compare_counts_what_the_estimator_reviewed(seeded: dict[str, str], db: psycopg.Connection, app_env) -> None:  # type: ignore[no-untyped-def]
    org = seeded["organization_id"]
    old = _revision(db, org, [("water_closet", 100, 100), ("water_closet", 200, 100)], None)
    new = _revision(db, org, [("water_closet", 100, 100), ("water_closet", 200, 100)], old)
    wrong = db.execute(
        "select id from fixture_detections where blueprint_id = %s order by x0 limit 1", (old,)
    ).fetchone()["id"]
    db.execute(
        "insert into review_decisions (organization_id, blueprint_id, detection_id, action, reason) "
        "values (%s, %s, %s, 'reject', 'a legend symbol')",
        (org, old, wrong),
    )
    db.execute(
        "insert into review_decisions (organization_id, blueprint_id, action, fixture_class, page_index, "
        "x0, y0, x1, y1, reason) values (%s, %s, 'add', 'floor_drain', 0, 0.5, 0.5, 0.52, 0.52, 'missed')",
        (org, new),
    )
    db.commit()
    deltas = {d["fixture_class"]: (d["previous"], d["current"]) for d in compare_revisions(db, new, old)["deltas"]}
    assert deltas == {"water_closet": (1, 2), "floor_drain": (0, 1)}


def test_compare_with_previous_finds_the_earlier_upload_of_the_same_project(
    seeded: dict[str, str], db: psycopg.Connection, app_env
) -> None:  # type: ignore[no-untyped-def]
    org = seeded["organization_id"]
    project = f"Clinic {uuid.uuid4().hex[:6]}"
    with pytest.raises(NotFoundError, match="no previous version"):
        compare_with_previous(db, _revision(db, org, [("lavatory", 300, 300)], None, project="Lonely " + project))
    old = _revision(db, org, [("water_closet", 100, 100), ("water_closet", 200, 100)], None, project=project)
    new = _revision(db, org, [("water_closet", 100, 100), ("urinal", 500, 200)], None, project=project)
    result = compare_with_previous(db, new)
    assert result["previous_blueprint_id"] == old
    assert {d["fixture_class"]: (d["previous"], d["current"], d["delta"]) for d in result["deltas"]} == {
        "urinal": (0, 1, 1),
        "water_closet": (2, 1, -1),
    }
    assert result["overlay_png"].startswith(b"\x89PNG")


def test_sent_bids_expire_after_30_days(seeded: dict[str, str], db: psycopg.Connection, blueprint_id: str) -> None:
    org = seeded["organization_id"]
    old, fresh = _bid(db, org, blueprint_id), _bid(db, org, blueprint_id)
    for bid_id in (old, fresh):
        transition(db, organization_id=org, bid_id=bid_id, to_status="sent")
    db.execute("update bids set sent_at = now() - interval '31 days' where id = %s", (old,))
    assert expire_stale_bids(db, days=30) == [old]
    rows = db.execute(
        "select id::text, status, expired_at is not null as e from bids where id = any(%s::uuid[])",
        ([old, fresh],),
    ).fetchall()
    assert {r["id"]: (r["status"], r["e"]) for r in rows} == {old: ("expired", True), fresh: ("sent", False)}
