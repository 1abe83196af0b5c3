"""Safety net: a run that dies outside an asset (worker crash, IO manager, timeout) still marks its blueprint failed."""

import dagster as dg

from pipelineos.blueprints.processing import steps
from pipelineos.blueprints.processing.errors import BlueprintGone, ProcessingError
from pipelineos_assets.guard import TAGS_BLUEPRINT


@dg.run_failure_sensor(default_status=dg.DefaultSensorStatus.RUNNING, minimum_interval_seconds=5)
def blueprint_run_failure_sensor(context: dg.RunFailureSensorContext) -> None:
    """Record the failure on the blueprint named by the run's tag when it is still ``processing``.

    A blueprint deleted meanwhile has nothing left to mark; the sensor moves on (raising would stall its cursor).
    """
    blueprint_id = context.dagster_run.tags.get(TAGS_BLUEPRINT)
    if not blueprint_id:
        return
    try:
        status = steps.load(blueprint_id)["status"]
    except BlueprintGone:
        context.log.info(f"run {context.dagster_run.run_id}: blueprint {blueprint_id} no longer exists")
        return
    if status == "processing":
        reason = context.failure_event.message or "the pipeline run failed"
        steps.fail(blueprint_id, ProcessingError(blueprint_id, f"run {context.dagster_run.run_id} failed: {reason}"))
