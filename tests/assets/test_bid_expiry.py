"""The stale-bid job expires bids past their validity before it reminds estimators about the open ones."""

from __future__ import annotations

import psycopg
import pytest
from asset_helpers import insert_sent_bids

from pipelineos.proposals.context import VALID_DAYS
from pipelineos_assets.defs.leads.schedules import stale_bid_reminder_job, stale_bid_reminder_schedule

AGES = {
    "lapsed": ("sent", f"{VALID_DAYS + 1} days"),
    "stale": ("sent", "20 days"),
    "fresh": ("sent", "2 days"),
    "won": ("accepted", f"{VALID_DAYS + 10} days"),
}


@pytest.fixture(scope="module")
def bids(seeded, db_url: str) -> dict[str, str]:
    """One bid per case in :data:`AGES`: a status and how long ago it was sent."""
    return insert_sent_bids(db_url, seeded["organization_id"], AGES, project="Quay Street", total=900, sha_char="e")


def _state(db: psycopg.Connection, bids: dict[str, str]) -> dict[str, tuple[str, int, int]]:
    """Per bid: status, history rows into ``expired``, stale-bid reminders queued."""
    rows = db.execute(
        "select b.id::text as id, b.status, b.expired_at is not null as stamped, "
        "(select count(*) from bid_status_history h where h.bid_id = b.id and h.to_status = 'expired') as history, "
        "(select count(*) from messages m where m.bid_id = b.id and m.kind = 'stale_bid_reminder') as reminders "
        "from bids b where b.id = any(%s::uuid[])",
        (list(bids.values()),),
    ).fetchall()
    db.commit()
    by_id = {r["id"]: r for r in rows}
    out = {}
    for name, bid_id in bids.items():
        row = by_id[bid_id]
        assert row["stamped"] == (row["status"] == "expired")
        out[name] = (row["status"], row["history"], row["reminders"])
    return out


def test_the_daily_job_expires_lapsed_bids_and_reminds_only_open_ones(bids, db: psycopg.Connection) -> None:
    result = stale_bid_reminder_job.execute_in_process()  # no run config: validity and settings decide
    assert result.success
    assert result.output_for_node("expire_lapsed_bids") == [bids["lapsed"]]
    assert stale_bid_reminder_job.execute_in_process().success  # the next day's run changes nothing
    assert _state(db, bids) == {
        "lapsed": ("expired", 1, 0),  # expired first, so no reminder about a bid whose prices lapsed
        "stale": ("sent", 0, 1),
        "fresh": ("sent", 0, 0),
        "won": ("accepted", 0, 0),
    }


def test_expiry_age_is_configurable_per_run(bids, db: psycopg.Connection) -> None:
    config = {"ops": {"expire_lapsed_bids": {"config": {"days": 15}}}}
    result = stale_bid_reminder_job.execute_in_process(run_config=config)
    assert result.success and result.output_for_node("expire_lapsed_bids") == [bids["stale"]]
    assert _state(db, bids)["stale"] == ("expired", 1, 1)  # reminded yesterday, expired today
    assert _state(db, bids)["fresh"] == ("sent", 0, 0)


def test_the_schedule_runs_the_expiring_job() -> None:
    assert stale_bid_reminder_schedule.job_name == stale_bid_reminder_job.name
    assert "expire_lapsed_bids" in {node.name for node in stale_bid_reminder_job.nodes}
