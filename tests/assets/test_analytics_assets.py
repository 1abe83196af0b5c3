"""Daily analytics snapshots: computed from real rows, one slice per (day, metric set), idempotent, checked."""

from __future__ import annotations

import dagster as dg
import polars as pl
import psycopg
import pytest

from pipelineos.blueprints.processing.analytics_checks import violations
from pipelineos_assets.defs.analytics.assets import analytics_assets
from pipelineos_assets.defs.analytics.checks import analytics_checks_defs


@pytest.fixture(scope="module")
def activity(seeded, db_url: str) -> dict[str, str]:
    """Leads: new, contacted after 30 min, won after 90 min. Bids: accepted (1000), declined (500)."""
    org = seeded["organization_id"]
    with psycopg.connect(db_url) as conn:
        conn.execute(
            "insert into leads (organization_id, name, status, created_at, first_response_at) values "
            "(%(o)s, 'A', 'new', '2026-03-01 10:00Z', null),"
            "(%(o)s, 'B', 'contacted', '2026-03-01 10:00Z', '2026-03-01 10:30Z'),"
            "(%(o)s, 'C', 'won', '2026-03-02 09:00Z', '2026-03-02 10:30Z')",
            {"o": org},
        )
        bp = conn.execute(
            "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256) "
            "values (%s, 'x.pdf', 'application/pdf', 1, repeat('b', 64)) returning id",
            (org,),
        ).fetchone()[0]
        catalog = conn.execute("select id from price_catalogs where organization_id = %s limit 1", (org,)).fetchone()[0]
        conn.execute(
            "insert into bids (organization_id, blueprint_id, catalog_id, catalog_version, status, total, "
            "sent_at, "
            "accepted_at, declined_at) values "
            "(%(o)s, %(b)s, %(c)s, 1, 'accepted', 1000, '2026-03-03Z', '2026-03-05Z', null),"
            "(%(o)s, %(b)s, %(c)s, 1, 'declined', 500, '2026-03-03Z', null, '2026-03-06Z')",
            {"o": org, "b": bp, "c": catalog},
        )
    return {"organization_id": org}


def _metrics(db: psycopg.Connection, day: str, metric_set: str) -> dict[tuple[str, str], float]:
    rows = db.execute(
        "select metric, dimension, value from analytics_metrics where snapshot_date = %s and metric_set = %s",
        (day, metric_set),
    ).fetchall()
    db.commit()
    return {(r["metric"], r["dimension"]): r["value"] for r in rows}


def test_daily_snapshots_hold_hand_computed_values(instance, resources, activity, db: psycopg.Connection) -> None:
    result = dg.materialize(analytics_assets, partition_key="2026-03-10", instance=instance, resources=resources)
    assert result.success
    bids = _metrics(db, "2026-03-10", "bids")
    assert bids[("bids.bids", "all")] == 2 and bids[("bids.won", "all")] == 1 and bids[("bids.lost", "all")] == 1
    assert bids[("bids.win_rate", "all")] == pytest.approx(0.5)
    assert bids[("revenue.revenue", "2026-03-01")] == 1000
    leads = _metrics(db, "2026-03-10", "leads")
    assert leads[("funnel.leads", "new")] == 1 and leads[("funnel.leads", "won")] == 1
    assert leads[("funnel.leads", "lost")] == 0
    assert leads[("response_minutes.count", "all")] == 2
    assert leads[("response_minutes.median", "all")] == pytest.approx(60.0)
    # a second day is its own slice; re-materializing a day replaces it without duplicates
    dg.materialize(analytics_assets, partition_key="2026-03-11", instance=instance, resources=resources)
    dg.materialize(analytics_assets, partition_key="2026-03-10", instance=instance, resources=resources)
    assert _metrics(db, "2026-03-10", "bids") == bids
    count = db.execute("select count(*) as n from analytics_metrics where metric_set = 'bids'").fetchone()["n"]
    assert count == 2 * len(bids)


def _check_results(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.asset_key.path[-1]: e for e in result.get_asset_check_evaluations()}


def test_sanity_checks_pass_on_real_snapshots_and_fail_on_a_bad_one(
    instance, resources, activity, db: psycopg.Connection
) -> None:
    everything = [*analytics_assets, *analytics_checks_defs]
    day = "2026-03-12"
    checks = _check_results(dg.materialize(everything, partition_key=day, instance=instance, resources=resources))
    assert set(checks) == {a.key.path[-1] for a in analytics_assets}
    assert all(c.passed for c in checks.values()), {k: c.metadata for k, c in checks.items()}
    # a lead answered before it arrived (a clock or import error) makes the response time negative
    db.execute(
        "insert into leads (organization_id, name, status, created_at, first_response_at) "
        "values (%s, 'Skewed', 'contacted', '2026-03-04 12:00Z', '2026-03-04 09:00Z')",
        (activity["organization_id"],),
    )
    db.commit()
    try:
        result = dg.materialize(everything, partition_key=day, instance=instance, resources=resources)
    finally:
        db.execute("delete from leads where name = 'Skewed'")
        db.commit()
    checks = _check_results(result)
    assert result.success  # a failed check is reported, the snapshot is still written
    assert checks["analytics_bids"].passed and not checks["analytics_leads"].passed
    listed = checks["analytics_leads"].metadata["violations"].value
    assert any(v.startswith("response_minutes.") and "expected ≥ 0" in v for v in listed), listed


@pytest.mark.parametrize(
    ("metric_set", "rows", "broken"),
    [
        ("bids", [("bids.win_rate", "all", 0.5), ("revenue.revenue", "2026-03-01", 10.0)], []),
        ("bids", [("bids.win_rate", "all", 1.5)], ["bids.win_rate[all] = 1.5 (expected 0..1)"]),
        ("bids", [("revenue.revenue", "2026-03-01", -5.0)], ["revenue.revenue[2026-03-01] = -5 (expected ≥ 0)"]),
        ("bids", [("bids.win_rate", "all", None)], []),  # no decided bid yet: no rate, not a violation
        (
            "bids",
            [("bids.bids", "all", 3.0), ("bids.won", "all", 1.0), ("bids.lost", "all", 1.0), ("bids.open", "all", 0.0)],
            ["organization o: won 1 + lost 1 + open 0 ≠ bids 3"],
        ),
        (
            "leads",
            [("funnel.leads", "new", 1.0), ("funnel.leads", "won", 1.0), ("response_minutes.count", "all", 3.0)],
            ["organization o: 3 answered leads but only 2 in the funnel"],
        ),
        ("detection_accuracy", [("accuracy.recall", "wc", 1.2)], ["accuracy.recall[wc] = 1.2 (expected 0..1)"]),
        ("fixture_mix", [("fixtures.count", "wc", -1.0)], ["fixtures.count[wc] = -1 (expected ≥ 0)"]),
    ],
)
def test_violations(metric_set: str, rows: list[tuple], broken: list[str]) -> None:
    frame = pl.DataFrame(
        [("o", *row) for row in rows], schema=["organization_id", "metric", "dimension", "value"], orient="row"
    )
    assert violations(metric_set, frame) == broken
