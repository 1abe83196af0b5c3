"""Demo activity is deterministic, idempotent, and the loaders read it back with fixed schemas."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row

from pipelineos.reporting import load_frames, win_rate
from pipelineos.reporting.demo import insert_demo_activity
from pipelineos.storage import Storage


def test_demo_activity_is_idempotent_and_loads(seeded, db_url, tmp_path):
    storage = Storage(tmp_path)
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        first = insert_demo_activity(
            conn,
            seeded["organization_id"],
            storage,
            blueprints=20,
            detections_per_blueprint=15,
            reviewed_blueprints=3,
            leads=10,
            seed=7,
        )
        second = insert_demo_activity(
            conn,
            seeded["organization_id"],
            storage,
            blueprints=20,
            detections_per_blueprint=15,
            reviewed_blueprints=3,
            leads=10,
            seed=7,
        )
        counts = conn.execute(
            "select (select count(*) from blueprints) as bp, "
            "(select count(*) from fixture_detections) as det, "
            "(select count(*) from review_decisions) as dec, (select count(*) from leads) as leads"
        ).fetchone()
        frames = load_frames(conn, seeded["organization_id"])
    assert first.blueprint_ids == second.blueprint_ids
    assert counts == {"bp": 20, "det": 300, "dec": 3 * 15 + 3, "leads": 10}
    assert storage.exists(second.image_sha256)
    assert frames["detections"].height == 300
    assert frames["bids"].schema["total"].is_float()
    assert frames["assembly_items"].height > 0
    by_status = frames["bids"]["status"].value_counts()
    won = int(by_status.filter(by_status["status"] == "accepted")["count"].sum())
    assert win_rate(frames["bids"])["won"].to_list() == [won]
