"""Outbox retry: every minute, send the messages whose next attempt is due (backoff, dead letter).

The schedule looks first and starts a run only when a message is due, so an idle outbox costs no run launch.
"""

import dagster as dg

from pipelineos.blueprints.processing import repository as repo
from pipelineos_assets.resources import PipelineDatabase


@dg.op(retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL))
def dispatch_due_messages(context: dg.OpExecutionContext) -> dict:
    """Send due outbox messages (email and SMS); report counts per outcome."""
    from pipelineos.notify.dispatcher import dispatch_due

    report = dispatch_due(limit=200, senders=3)
    context.add_output_metadata({k: dg.MetadataValue.text(str(v)) for k, v in report.items()})
    return report


@dg.job(description="Send due outbox messages.", executor_def=dg.in_process_executor)
def outbox_retry_job() -> None:
    dispatch_due_messages()


@dg.schedule(
    job=outbox_retry_job,
    cron_schedule="* * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every minute: retry queued and failed-but-retryable messages, when any is due.",
)
def outbox_retry_schedule(
    context: dg.ScheduleEvaluationContext, database: PipelineDatabase
) -> dg.RunRequest | dg.SkipReason:
    """A run when at least one outbox message is due, else a skip."""
    with database.connection() as conn:
        due = repo.one(conn, "due_message_count")
    if not due or not due["n"]:
        return dg.SkipReason("no outbox message is due")
    return dg.RunRequest(tags={"pipelineos/due_messages": str(due["n"])})
