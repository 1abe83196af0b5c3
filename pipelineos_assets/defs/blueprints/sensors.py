"""Upload sensor: each new pending blueprint becomes a partition and one pipeline run.

The cursor is the (created_at, id) of the last blueprint seen, and each run's ``run_key`` is the blueprint id
plus its sha256, so a daemon restart (or a replayed tick) never starts the same upload twice.
"""

import datetime as dt
import json

import dagster as dg

from pipelineos.blueprints.processing import repository as repo
from pipelineos_assets.defs.blueprints.jobs import PIPELINE_JOB
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.guard import TAGS_BLUEPRINT, TAGS_REASON
from pipelineos_assets.resources import PipelineDatabase

BATCH = 50


def _parse_cursor(cursor: str | None) -> tuple[dt.datetime | None, str]:
    if not cursor:
        return None, ""
    data = json.loads(cursor)
    return dt.datetime.fromisoformat(data["at"]), data["id"]


@dg.sensor(job_name=PIPELINE_JOB, minimum_interval_seconds=2, default_status=dg.DefaultSensorStatus.RUNNING)
def upload_sensor(context: dg.SensorEvaluationContext, database: PipelineDatabase) -> dg.SensorResult:
    """Add a partition and request a pipeline run for every blueprint uploaded since the cursor."""
    after_at, after_id = _parse_cursor(context.cursor)
    with database.connection() as conn:
        found = repo.pending_after(conn, after_at, after_id, limit=BATCH)
    if not found:
        return dg.SensorResult(skip_reason="no new uploads")
    ids = [row["id"] for row in found]
    requests = [
        dg.RunRequest(
            partition_key=row["id"],
            run_key=f"{row['id']}:{row['sha256'].strip()}",
            tags={TAGS_BLUEPRINT: row["id"], TAGS_REASON: "upload"},
        )
        for row in found
    ]
    last = found[-1]
    cursor = json.dumps({"at": last["created_at"].isoformat(), "id": last["id"]})
    return dg.SensorResult(
        run_requests=requests,
        cursor=cursor,
        dynamic_partitions_requests=[blueprint_partitions.build_add_request(ids)],
    )
