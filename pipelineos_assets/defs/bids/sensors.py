"""Bid requests → bid runs; review decisions → reviewed takeoff and base bid recomputed (no email)."""

import datetime as dt

import dagster as dg

from pipelineos.blueprints.processing import repository as repo
from pipelineos.blueprints.processing.bidding import BASE
from pipelineos_assets.defs.bids.jobs import BID_JOB, alternate_bid_job
from pipelineos_assets.defs.bids.partitions import bid_key, bid_variant_partitions
from pipelineos_assets.defs.blueprints.jobs import BASE_BID_ASSETS, PIPELINE_JOB, blueprint_pipeline_job
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.guard import TAGS_BLUEPRINT, TAGS_REASON, TAGS_SEND
from pipelineos_assets.resources import PipelineDatabase

BATCH = 100


def _bid_run(request: dict) -> dg.RunRequest:
    """A base request re-prices the base bid in the blueprint's job; any other variant gets its own partition."""
    tags = {
        TAGS_BLUEPRINT: request["blueprint_id"],
        TAGS_REASON: request["reason"],
        TAGS_SEND: "true" if request["send_proposal"] else "false",
    }
    run_key = f"bid-request-{request['seq']}"
    if request["variant"] == BASE:
        return dg.RunRequest(
            job_name=PIPELINE_JOB,
            partition_key=request["blueprint_id"],
            run_key=run_key,
            tags=tags,
            asset_selection=[dg.AssetKey(name) for name in BASE_BID_ASSETS],
        )
    return dg.RunRequest(
        job_name=BID_JOB,
        partition_key=bid_key(request["blueprint_id"], request["variant"]),
        run_key=run_key,
        tags=tags,
    )


@dg.sensor(
    jobs=[blueprint_pipeline_job, alternate_bid_job],
    minimum_interval_seconds=2,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def bid_request_sensor(context: dg.SensorEvaluationContext, database: PipelineDatabase) -> dg.SensorResult:
    """One run per new request (the latest request per bid wins within a tick); cursor = last request seq."""
    after = int(context.cursor or 0)
    with database.connection() as conn:
        found = repo.rows(conn, "bid_requests_after", after_seq=after, limit=BATCH)
    if not found:
        return dg.SensorResult(skip_reason="no new bid requests")
    latest = {(r["blueprint_id"], r["variant"]): r for r in found}
    return dg.SensorResult(
        run_requests=[_bid_run(r) for r in latest.values()],
        cursor=str(found[-1]["seq"]),
        dynamic_partitions_requests=[
            blueprint_partitions.build_add_request(sorted({r["blueprint_id"] for r in found})),
            bid_variant_partitions.build_add_request(sorted({r["variant"] for r in found})),
        ],
    )


@dg.sensor(job_name=PIPELINE_JOB, minimum_interval_seconds=5, default_status=dg.DefaultSensorStatus.RUNNING)
def review_completed_sensor(context: dg.SensorEvaluationContext, database: PipelineDatabase) -> dg.SensorResult:
    """New review decisions: recompute the reviewed takeoff and re-price the base bid (no new email)."""
    after = dt.datetime.fromisoformat(context.cursor) if context.cursor else repo.EPOCH
    with database.connection() as conn:
        found = repo.rows(conn, "reviewed_blueprints_after", after_at=after)
    if not found:
        return dg.SensorResult(skip_reason="no new review decisions")
    selection = [dg.AssetKey("reviewed_takeoff"), *(dg.AssetKey(name) for name in BASE_BID_ASSETS)]
    requests = [
        dg.RunRequest(
            partition_key=r["blueprint_id"],
            run_key=f"review-{r['blueprint_id']}-{r['last_at'].isoformat()}",
            asset_selection=selection,
            tags={TAGS_BLUEPRINT: r["blueprint_id"], TAGS_REASON: "review", TAGS_SEND: "false"},
        )
        for r in found
    ]
    cursor = max(r["last_at"] for r in found).isoformat()
    added = blueprint_partitions.build_add_request([r["blueprint_id"] for r in found])
    return dg.SensorResult(run_requests=requests, cursor=cursor, dynamic_partitions_requests=[added])
