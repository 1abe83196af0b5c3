"""Outbox retry: every minute, send the messages whose next attempt is due (backoff, dead letter)."""

import dagster as dg


@dg.op(retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL))
def dispatch_due_messages(context: dg.OpExecutionContext) -> dict:
    """Send due outbox messages (email and SMS); report counts per outcome."""
    from pipelineos.notify.dispatcher import dispatch_due

    report = dispatch_due(limit=200)
    context.add_output_metadata({k: dg.MetadataValue.text(str(v)) for k, v in report.items()})
    return report


@dg.job(description="Send due outbox messages.", executor_def=dg.in_process_executor)
def outbox_retry_job() -> None:
    dispatch_due_messages()


outbox_retry_schedule = dg.ScheduleDefinition(
    job=outbox_retry_job,
    cron_schedule="* * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Retry queued and failed-but-retryable messages every minute.",
)
