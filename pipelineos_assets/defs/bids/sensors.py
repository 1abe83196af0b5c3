"""Bid requests → bid runs; review decisions → reviewed takeoff and base bid recomputed (no email).

Both cursors are :class:`~pipelineos_assets.cursor.WindowCursor` s, so a request or decision committed late is
still seen, and each is turned into a run once.
"""

from collections import defaultdict

import dagster as dg

from pipelineos.blueprints.processing import repository as repo
from pipelineos.blueprints.processing.bidding import BASE
from pipelineos_assets.cursor import WindowCursor
from pipelineos_assets.defs.bids.jobs import BID_JOB, alternate_bid_job
from pipelineos_assets.defs.bids.partitions import bid_key, bid_variant_partitions
from pipelineos_assets.defs.blueprints.jobs import BASE_BID_ASSETS, PIPELINE_JOB, blueprint_pipeline_job
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.guard import TAGS_BLUEPRINT, TAGS_REASON, TAGS_SEND
from pipelineos_assets.resources import PipelineDatabase

BATCH = 200


def _bid_run(request: dict) -> dg.RunRequest:
    """A base request re-prices the base bid in the blueprint's job; any other variant gets its own partition."""
    tags = {
        TAGS_BLUEPRINT: request["blueprint_id"],
        TAGS_REASON: request["reason"],
        TAGS_SEND: "true" if request["send_proposal"] else "false",
    }
    run_key = f"bid-request-{request['key']}"
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
    """One run per new request; of several requests for one bid within a tick the latest wins."""
    cursor = WindowCursor.parse(context.cursor)
    with database.connection() as conn:
        found = repo.rows(conn, "bid_requests_since", since=cursor.since, seen=cursor.seen_keys, limit=BATCH)
    if not found:
        return dg.SensorResult(skip_reason="no new bid requests")
    latest = {(r["blueprint_id"], r["variant"]): r for r in sorted(found, key=lambda r: int(r["key"]))}
    return dg.SensorResult(
        run_requests=[_bid_run(r) for r in latest.values()],
        cursor=cursor.advance((r["key"], r["at"]) for r in found).dumps(),
        dynamic_partitions_requests=[
            blueprint_partitions.build_add_request(sorted({r["blueprint_id"] for r in found})),
            bid_variant_partitions.build_add_request(sorted({r["variant"] for r in found})),
        ],
    )


@dg.sensor(job_name=PIPELINE_JOB, minimum_interval_seconds=5, default_status=dg.DefaultSensorStatus.RUNNING)
def review_completed_sensor(context: dg.SensorEvaluationContext, database: PipelineDatabase) -> dg.SensorResult:
    """New review decisions: recompute the reviewed takeoff and re-price the base bid (no new email)."""
    cursor = WindowCursor.parse(context.cursor)
    with database.connection() as conn:
        found = repo.rows(conn, "review_decisions_since", since=cursor.since, seen=cursor.seen_keys, limit=BATCH)
    if not found:
        return dg.SensorResult(skip_reason="no new review decisions")
    last_at: dict[str, str] = defaultdict(str)
    for row in found:
        last_at[row["blueprint_id"]] = max(last_at[row["blueprint_id"]], row["at"].isoformat())
    selection = [dg.AssetKey("reviewed_takeoff"), *(dg.AssetKey(name) for name in BASE_BID_ASSETS)]
    requests = [
        dg.RunRequest(
            partition_key=blueprint_id,
            run_key=f"review-{blueprint_id}-{at}",
            asset_selection=selection,
            tags={TAGS_BLUEPRINT: blueprint_id, TAGS_REASON: "review", TAGS_SEND: "false"},
        )
        for blueprint_id, at in last_at.items()
    ]
    return dg.SensorResult(
        run_requests=requests,
        cursor=cursor.advance((r["key"], r["at"]) for r in found).dumps(),
        dynamic_partitions_requests=[blueprint_partitions.build_add_request(list(last_at))],
    )
