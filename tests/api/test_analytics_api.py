"""Analytics summaries computed from hand-made rows."""

from __future__ import annotations

import psycopg
import pytest
from api_helpers import assert_problem, bearer

pytestmark = pytest.mark.anyio


async def test_summary_values(client, tokens, users, db_url) -> None:
    org = users["organization_id"]
    with psycopg.connect(db_url) as conn:
        bp = conn.execute(
            "insert into blueprints (organization_id, original_name, content_type, size_bytes, "
            "sha256) values (%s, 'a.pdf', 'application/pdf', 1, %s) returning id",
            (org, "b" * 64),
        ).fetchone()[0]
        cat = conn.execute("select id from price_catalogs where organization_id = %s limit 1", (org,)).fetchone()[0]
        for status, total, accepted in (
            ("accepted", 1000, "2026-03-05"),
            ("accepted", 500, "2026-03-20"),
            ("accepted", 250, "2026-04-01"),
            ("declined", 900, None),
            ("sent", 1, None),
        ):
            conn.execute(
                "insert into bids (organization_id, blueprint_id, catalog_id, catalog_version, status, "
                "total, accepted_at) values (%s, %s, %s, 1, %s, %s, %s)",
                (org, bp, cat, status, total, accepted),
            )
        for i, (status, seconds) in enumerate((("won", 10), ("lost", 30), ("new", None), ("contacted", 20))):
            conn.execute(
                "insert into leads (organization_id, name, email, status, created_at, first_response_at) "
                "values (%s, %s, 'x@example.com', %s, now() - interval '1 hour', "
                "now() - interval '1 hour' + make_interval(secs => %s))",
                (org, f"L{i}", status, seconds),
            )
        dets = []
        for cls in ("water_closet", "water_closet", "lavatory", "urinal"):
            dets.append(
                conn.execute(
                    "insert into fixture_detections (id, organization_id, blueprint_id, page_index, "
                    "fixture_class, "
                    "x0, y0, x1, y1, confidence, method, detector_version) values (gen_random_uuid(), %s, "
                    "%s, 0, %s, "
                    "0, 0, 0.1, 0.1, 0.9, 'vector_tag', 't') returning id",
                    (org, bp, cls),
                ).fetchone()[0]
            )
        decisions = (
            (dets[0], "reject", None),
            (dets[0], "accept", None),
            (dets[1], "accept", None),
            (dets[2], "reject", None),
            (dets[3], "relabel", "lavatory"),
        )
        for det, action, cls in decisions:  # one transaction: created_at must still keep their order
            conn.execute(
                "insert into review_decisions (organization_id, blueprint_id, detection_id, action, "
                "fixture_class, reason) values (%s, %s, %s, %s, %s, 'r')",
                (org, bp, det, action, cls),
            )
    response = await client.get("/api/analytics/summary", headers=bearer(tokens["viewer"]))
    assert response.status_code == 200, response.text
    s = response.json()
    assert s["win_rate"]["bids_won"] == 3 and s["win_rate"]["bids_lost"] == 1 and s["win_rate"]["bid_win_rate"] == 0.75
    assert s["revenue_by_month"] == [
        {"month": "2026-03", "bids": 2, "revenue": 1500.0},
        {"month": "2026-04", "bids": 1, "revenue": 250.0},
    ]
    funnel = {f["status"]: f["count"] for f in s["lead_funnel"]}
    assert (
        funnel["won"] >= 1 and funnel["lost"] >= 1 and list(funnel) == ["new", "contacted", "bid_sent", "won", "lost"]
    )
    assert s["response_times"]["median_seconds"] == pytest.approx(20.0, abs=0.5)
    mix = {m["fixture_class"]: m["count"] for m in s["fixture_mix"]}
    assert mix["water_closet"] >= 2
    # latest decision per detection: accept, accept, reject, relabel → precision 2 / 4
    assert s["detection_precision"]["precision"] == 0.5 and s["detection_precision"]["reviewed"] == 4
    other = (await client.get("/api/analytics/summary", headers=bearer(tokens["other_admin"]))).json()
    assert other["win_rate"]["bids_total"] == 0 and other["fixture_mix"] == []
    assert_problem(await client.get("/api/analytics/summary"), 401)
