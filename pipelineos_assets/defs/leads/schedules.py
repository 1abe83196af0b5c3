"""Lead and bid follow-up schedules: customer follow-ups (24 h / 72 h / 7 d); stale bids expired and reminded."""

import dagster as dg


class FollowUpConfig(dg.Config):
    """Follow-up cadence in hours after a bid is sent; empty = the ``PIPELINEOS_FOLLOW_UP_HOURS`` setting."""

    hours: list[int] = []


class StaleBidConfig(dg.Config):
    """A sent bid without an answer for this many days gets a reminder; 0 = ``PIPELINEOS_STALE_BID_DAYS``."""

    days: int = 0


class BidExpiryConfig(dg.Config):
    """A sent bid older than this many days expires; 0 = the validity printed on proposals (30 days)."""

    days: int = 0


@dg.op
def queue_follow_ups(context: dg.OpExecutionContext, config: FollowUpConfig) -> int:
    """Queue due follow-up emails for sent bids (once each, thanks to the outbox's dedupe keys)."""
    from pipelineos.blueprints.processing.followups import queue_bid_follow_ups
    from pipelineos.settings import get_settings

    hours = config.hours or get_settings().follow_up_hours
    queued = queue_bid_follow_ups(hours)
    context.log.info(f"{queued} follow-up message(s) ensured for cadence {hours} h")
    return queued


@dg.op
def expire_lapsed_bids(context: dg.OpExecutionContext, config: BidExpiryConfig) -> list[str]:
    """Expire sent bids whose prices no longer hold, so they get no more reminders and leave the open pipeline."""
    from pipelineos.blueprints.processing import followups

    days = config.days or followups.bid_validity_days()
    expired = followups.expire_lapsed_bids(days)
    context.log.info(f"{len(expired)} bid(s) expired (sent more than {days} days ago)")
    context.add_output_metadata({"expired": len(expired), "bid_ids": dg.MetadataValue.json(expired)})
    return expired


@dg.op(ins={"after_expiry": dg.In(dg.Nothing)})
def queue_stale_reminders(context: dg.OpExecutionContext, config: StaleBidConfig) -> int:
    """Queue a reminder to the estimator for each bid left unanswered too long."""
    from pipelineos.blueprints.processing.followups import queue_stale_bid_reminders
    from pipelineos.settings import get_settings

    days = config.days or get_settings().stale_bid_days
    queued = queue_stale_bid_reminders(days)
    context.log.info(f"{queued} stale-bid reminder(s) ensured (older than {days} days)")
    return queued


@dg.job(executor_def=dg.in_process_executor, description="Queue customer follow-ups for sent bids.")
def lead_follow_up_job() -> None:
    queue_follow_ups()


@dg.job(
    executor_def=dg.in_process_executor,
    description="Expire bids past their validity, then remind estimators about the unanswered ones still open.",
)
def stale_bid_reminder_job() -> None:
    queue_stale_reminders(after_expiry=expire_lapsed_bids())


lead_follow_up_schedule = dg.ScheduleDefinition(
    name="lead_follow_up_schedule",
    job=lead_follow_up_job,
    cron_schedule="0 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Hourly: queue the follow-ups of sent bids (PIPELINEOS_FOLLOW_UP_HOURS, default 24 h / 72 h / 7 d).",
)
stale_bid_reminder_schedule = dg.ScheduleDefinition(
    name="stale_bid_reminder_schedule",
    job=stale_bid_reminder_job,
    cron_schedule="0 8 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "Daily at 08:00: expire bids past their validity (30 days), then remind estimators about bids "
        "unanswered for PIPELINEOS_STALE_BID_DAYS days."
    ),
)
