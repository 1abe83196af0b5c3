"""Upload sensor: each new pending blueprint becomes a partition and one pipeline run.

The cursor is a :class:`~pipelineos_assets.cursor.WindowCursor` over the blueprints' ``created_at`` (so an
upload whose transaction commits late is still picked up), and each run's ``run_key`` is the blueprint id plus
its sha256, so a daemon restart (or a replayed tick) never starts the same upload twice.
"""

import dagster as dg

from pipelineos.blueprints.processing import repository as repo
from pipelineos_assets.cursor import WindowCursor
from pipelineos_assets.defs.blueprints.jobs import PIPELINE_JOB
from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.guard import TAGS_BLUEPRINT, TAGS_REASON
from pipelineos_assets.resources import PipelineDatabase

BATCH = 50


def upload_run_key(blueprint_id: str, sha256: str) -> str:
    """The run key of an upload's pipeline run: one run per blueprint and file content."""
    return f"{blueprint_id}:{sha256.strip()}"


@dg.sensor(job_name=PIPELINE_JOB, minimum_interval_seconds=2, default_status=dg.DefaultSensorStatus.RUNNING)
def upload_sensor(context: dg.SensorEvaluationContext, database: PipelineDatabase) -> dg.SensorResult:
    """Add a partition and request a pipeline run for every blueprint uploaded since the cursor."""
    cursor = WindowCursor.parse(context.cursor)
    with database.connection() as conn:
        found = repo.rows(conn, "pending_blueprints", since=cursor.since, seen=cursor.seen_keys, limit=BATCH)
    if not found:
        return dg.SensorResult(skip_reason="no new uploads")
    requests = [
        dg.RunRequest(
            partition_key=row["id"],
            run_key=upload_run_key(row["id"], row["sha256"]),
            tags={TAGS_BLUEPRINT: row["id"], TAGS_REASON: "upload"},
        )
        for row in found
    ]
    return dg.SensorResult(
        run_requests=requests,
        cursor=cursor.advance((row["id"], row["created_at"]) for row in found).dumps(),
        dynamic_partitions_requests=[blueprint_partitions.build_add_request([row["id"] for row in found])],
    )
