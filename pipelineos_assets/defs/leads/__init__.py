"""Leads: follow-up and stale-bid reminder schedules (immediate auto-replies go through the API's outbox)."""

from __future__ import annotations

import dagster as dg

from pipelineos_assets.defs.leads.schedules import (
    lead_follow_up_job,
    lead_follow_up_schedule,
    stale_bid_reminder_job,
    stale_bid_reminder_schedule,
)

defs = dg.Definitions(
    jobs=[lead_follow_up_job, stale_bid_reminder_job],
    schedules=[lead_follow_up_schedule, stale_bid_reminder_schedule],
)
