"""Bid requests → bid runs; review decisions → re-computed reviewed takeoff (which requests re-pricing)."""

import datetime as dt

import dagster as dg

from pipelineos.blueprints.processing import repository as repo
from pipelineos_assets.defs.bids.partitions import bid_key, bid_variant_partitions
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.guard import TAGS_BLUEPRINT, TAGS_REASON, TAGS_SEND
from pipelineos_assets.resources import PipelineDatabase

BID_JOB = "price_and_send_bid"
TAKEOFF_JOB = "blueprint_takeoff"
BATCH = 100


@dg.sensor(job_name=BID_JOB, minimum_interval_seconds=2, default_status=dg.DefaultSensorStatus.RUNNING)
def bid_request_sensor(context: dg.SensorEvaluationContext, database: PipelineDatabase) -> dg.SensorResult:
    """One bid run per new request (latest request per bid wins within a tick); cursor = last request seq."""
    after = int(context.cursor or 0)
    with database.connection() as conn:
        found = repo.rows(conn, "bid_requests_after", after_seq=after, limit=BATCH)
    if not found:
        return dg.SensorResult(skip_reason="no new bid requests")
    latest = {(r["blueprint_id"], r["variant"]): r for r in found}
    requests = [
        dg.RunRequest(
            partition_key=bid_key(r["blueprint_id"], r["variant"]),
            run_key=f"bid-request-{r['seq']}",
            tags={
                TAGS_BLUEPRINT: r["blueprint_id"],
                TAGS_REASON: r["reason"],
                TAGS_SEND: "true" if r["send_proposal"] else "false",
            },
        )
        for r in latest.values()
    ]
    return dg.SensorResult(
        run_requests=requests,
        cursor=str(found[-1]["seq"]),
        dynamic_partitions_requests=[
            blueprint_partitions.build_add_request(sorted({r["blueprint_id"] for r in found})),
            bid_variant_partitions.build_add_request(sorted({r["variant"] for r in found})),
        ],
    )


@dg.sensor(job_name=TAKEOFF_JOB, minimum_interval_seconds=5, default_status=dg.DefaultSensorStatus.RUNNING)
def review_completed_sensor(
    context: dg.SensorEvaluationContext, database: PipelineDatabase
) -> dg.SensorResult:
    """New review decisions: recompute the blueprint's reviewed takeoff, which re-prices its draft bids."""
    after = dt.datetime.fromisoformat(context.cursor) if context.cursor else repo.EPOCH
    with database.connection() as conn:
        found = repo.rows(conn, "reviewed_blueprints_after", after_at=after)
    if not found:
        return dg.SensorResult(skip_reason="no new review decisions")
    requests = [
        dg.RunRequest(
            partition_key=r["blueprint_id"],
            run_key=f"review-{r['blueprint_id']}-{r['last_at'].isoformat()}",
            asset_selection=[dg.AssetKey("reviewed_takeoff")],
            tags={TAGS_BLUEPRINT: r["blueprint_id"], TAGS_REASON: "review"},
        )
        for r in found
    ]
    cursor = max(r["last_at"] for r in found).isoformat()
    added = blueprint_partitions.build_add_request([r["blueprint_id"] for r in found])
    return dg.SensorResult(run_requests=requests, cursor=cursor, dynamic_partitions_requests=[added])
