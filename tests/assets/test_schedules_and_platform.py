"""Schedules' jobs (follow-ups, stale-bid reminders, outbox retry) and the DAGSTER_HOME our platform writes."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import psycopg
import pytest
import yaml
from asset_helpers import insert_sent_bids

from pipelineos.platform.dagster_home import ensure_dagster_home
from pipelineos_assets.defs.leads.schedules import lead_follow_up_job, stale_bid_reminder_job
from pipelineos_assets.defs.proposals.schedules import outbox_retry_job, outbox_retry_schedule


@pytest.fixture(scope="module")
def sent_bids(seeded, db_url: str) -> dict[str, str]:
    """A bid sent 2 hours ago and one sent 20 days ago, both to customers, both unanswered."""
    cases = {"fresh": ("sent", "2 hours"), "stale": ("sent", "20 days")}
    return insert_sent_bids(
        db_url, seeded["organization_id"], cases, project="Harbor Lofts", total=1234.5, sha_char="c"
    )


def _messages(db: psycopg.Connection, bid_id: str) -> list[dict]:
    rows = db.execute(
        "select kind, recipient, dedupe_key, next_attempt_at from messages where bid_id = %s order by dedupe_key",
        (bid_id,),
    ).fetchall()
    db.commit()
    return rows


def test_follow_ups_are_queued_once_per_cadence_step(sent_bids, db: psycopg.Connection) -> None:
    config = {"ops": {"queue_follow_ups": {"config": {"hours": [24, 72, 168]}}}}
    assert lead_follow_up_job.execute_in_process(run_config=config).success
    assert lead_follow_up_job.execute_in_process(run_config=config).success  # idempotent
    fresh = _messages(db, sent_bids["fresh"])
    assert [m["dedupe_key"] for m in fresh] == [f"bid:{sent_bids['fresh']}:follow_up:{h}h" for h in ("168", "24", "72")]
    assert {m["recipient"] for m in fresh} == {"fresh@example.com"}
    # 20 days ago is past the 7-day cadence window: no follow-ups for it
    assert [m for m in _messages(db, sent_bids["stale"]) if m["kind"] == "follow_up"] == []


def test_stale_bid_reminder_goes_to_the_estimator(sent_bids, seeded, db: psycopg.Connection) -> None:
    config = {"ops": {"queue_stale_reminders": {"config": {"days": 14}}}}
    assert stale_bid_reminder_job.execute_in_process(run_config=config).success
    assert stale_bid_reminder_job.execute_in_process(run_config=config).success
    stale = [m for m in _messages(db, sent_bids["stale"]) if m["kind"] == "stale_bid_reminder"]
    assert len(stale) == 1 and stale[0]["dedupe_key"] == f"bid:{sent_bids['stale']}:stale:14d"
    assert not [m for m in _messages(db, sent_bids["fresh"]) if m["kind"] == "stale_bid_reminder"]


def test_outbox_retry_sends_due_messages(sent_bids, smtp_sink, db: psycopg.Connection) -> None:
    db.execute(
        "update messages set next_attempt_at = now() - interval '1 minute' where bid_id = %s", (sent_bids["fresh"],)
    )
    db.commit()
    before = len(smtp_sink.messages)
    result = outbox_retry_job.execute_in_process()
    assert result.success
    received = smtp_sink.messages[before:]
    # the three follow-ups made due above, and the stale-bid reminder (due at once) to the organization's office
    assert sorted(m["To"] for m in received) == ["fresh@example.com"] * 3 + ["office@demo-plumbing.example"]
    statuses = db.execute("select distinct status from messages where bid_id = %s", (sent_bids["fresh"],)).fetchall()
    assert [s["status"] for s in statuses] == ["sent"]


def test_follow_up_cadence_comes_from_the_setting(
    sent_bids, db: psycopg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelineos.settings import get_settings

    monkeypatch.setenv("PIPELINEOS_FOLLOW_UP_HOURS", "[1, 48]")
    get_settings.cache_clear()
    try:
        assert lead_follow_up_job.execute_in_process().success  # no run config: the setting decides
    finally:
        get_settings.cache_clear()
    keys = {m["dedupe_key"] for m in _messages(db, sent_bids["fresh"])}
    assert {f"bid:{sent_bids['fresh']}:follow_up:{h}h" for h in (1, 48)} <= keys


def test_outbox_schedule_starts_a_run_only_when_a_message_is_due(
    sent_bids, instance, resources, db: psycopg.Connection
) -> None:
    db.execute("update messages set next_attempt_at = now() + interval '1 hour' where status in ('queued', 'sending')")
    db.commit()
    with dg.build_schedule_context(instance=instance, resources=resources) as context:
        assert isinstance(outbox_retry_schedule(context), dg.SkipReason)
    db.execute(
        "insert into messages (organization_id, bid_id, channel, kind, recipient, dedupe_key) "
        "select organization_id, id, 'email', 'follow_up', 'due@example.com', 'due-now' "
        "from bids where id = %s",
        (sent_bids["fresh"],),
    )
    db.commit()
    with dg.build_schedule_context(instance=instance, resources=resources) as context:
        request = outbox_retry_schedule(context)
    assert isinstance(request, dg.RunRequest) and request.tags["pipelineos/due_messages"] == "1"


def test_dagster_home_uses_postgres_and_the_queued_coordinator(db_url: str, tmp_path: Path, app_env) -> None:
    home = ensure_dagster_home(tmp_path / "dh", db_url, max_concurrent_runs=3)
    config = yaml.safe_load((home / "dagster.yaml").read_text())
    url = config["storage"]["postgres"]["postgres_url"]
    assert url.startswith("postgresql+psycopg2://") and "search_path%3Ddagster" in url
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 3
    with psycopg.connect(db_url) as conn:  # the tables exist before any Dagster process starts (no race)
        tables = conn.execute("select count(*) from information_schema.tables where table_schema = 'dagster'")
        assert tables.fetchone()[0] >= 10
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    assert ensure_dagster_home(tmp_path / "dh", db_url, max_concurrent_runs=3) == home  # rewriting is a no-op
