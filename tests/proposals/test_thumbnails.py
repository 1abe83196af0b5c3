"""Plan thumbnails mark exactly the fixtures the bid counted: relabels and added marks yes, rejections no."""

from __future__ import annotations

import io
import uuid

import numpy as np
import polars as pl
import psycopg
from PIL import Image
from proposal_helpers import plan_png

from pipelineos.pricing.engine import TAKEOFF_SCHEMA
from pipelineos.pricing.service import price_bid
from pipelineos.proposals.service import counted_thumbnails
from pipelineos.proposals.thumbnails import class_colors, mark_fixtures
from pipelineos.storage import get_storage

BOXES = {
    "counted": (0.10, 0.10, 0.15, 0.16),
    "rejected": (0.40, 0.40, 0.45, 0.46),
    "relabeled": (0.60, 0.20, 0.65, 0.26),
    "added": (0.80, 0.70, 0.85, 0.76),
}


def _blueprint_with_review(db: psycopg.Connection, org: str) -> tuple[str, dict[str, str]]:
    bp = str(
        db.execute(
            "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256) "
            "values (%s, 'p.pdf', 'application/pdf', 1, %s) returning id",
            (org, uuid.uuid4().hex * 2),
        ).fetchone()["id"]  # type: ignore[index]
    )
    sha = get_storage().put_bytes(plan_png()).sha256
    db.execute(
        "insert into blueprint_pages (organization_id, blueprint_id, page_index, width_pt, height_pt, render_dpi, "
        "image_sha256, is_vector, sheet_number) values (%s, %s, 0, 1224, 792, 100, %s, true, 'P-101')",
        (org, bp, sha),
    )
    ids = {name: str(uuid.uuid4()) for name in BOXES}
    for name, cls in (("counted", "water_closet"), ("rejected", "water_closet"), ("relabeled", "lavatory")):
        db.execute(
            "insert into fixture_detections (id, organization_id, blueprint_id, page_index, fixture_class, x0, y0, "
            "x1, y1, confidence, method, detector_version) values (%s, %s, %s, 0, %s, %s, %s, %s, %s, 0.9, "
            "'vector_text', 't')",
            (ids[name], org, bp, cls, *BOXES[name]),
        )
    db.execute(
        "insert into review_decisions (id, organization_id, blueprint_id, action, fixture_class, page_index, "
        "x0, y0, x1, y1) values (%s, %s, %s, 'add', 'floor_drain', 0, %s, %s, %s, %s)",
        (ids["added"], org, bp, *BOXES["added"]),
    )
    return bp, ids


def test_counted_thumbnails_follow_the_reviewed_takeoff(seeded: dict[str, str], db: psycopg.Connection) -> None:
    org = seeded["organization_id"]
    bp, ids = _blueprint_with_review(db, org)
    rows = [("counted", "water_closet", "detected"), ("relabeled", "service_sink", "relabeled")]
    rows += [("added", "floor_drain", "added")]
    reviewed = pl.DataFrame(
        [
            {"detection_id": ids[n], "page_index": 0, "sheet_number": "P-101", "fixture_class": c, "source": src}
            for n, c, src in rows
        ],
        schema=TAKEOFF_SCHEMA,
    )
    bid = price_bid(db, organization_id=org, blueprint_id=bp, takeoff=reviewed)
    (thumb,) = counted_thumbnails(db, get_storage(), bid)
    assert thumb["sheet"] == "P-101"
    assert sorted((b["fixture_class"], b["bbox"]) for b in thumb["boxes"]) == sorted(
        [
            ("water_closet", BOXES["counted"]),
            ("service_sink", BOXES["relabeled"]),
            ("floor_drain", BOXES["added"]),
        ]
    )
    colors = class_colors(b["fixture_class"] for b in thumb["boxes"])
    marked = np.array(Image.open(io.BytesIO(mark_fixtures(thumb["png"], thumb["boxes"], colors=colors))).convert("RGB"))
    h, w, _ = marked.shape

    def coloured(box: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = (int(box[0] * w) - 6, int(box[1] * h) - 6, int(box[2] * w) + 6, int(box[3] * h) + 6)
        patch = marked[y0:y1, x0:x1].astype(int)
        return bool((patch.max(axis=2) - patch.min(axis=2) > 60).any())

    assert coloured(BOXES["counted"]) and coloured(BOXES["relabeled"]) and coloured(BOXES["added"])
    assert not coloured(BOXES["rejected"]), "a rejected detection is not marked on the plan"
    db.rollback()
