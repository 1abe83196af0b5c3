"""Nightly analytics: yesterday's snapshot of every metric set, at 02:00."""

import dagster as dg

from pipelineos_assets.defs.analytics.partitions import daily_partitions

analytics_job = dg.define_asset_job(
    "nightly_analytics",
    selection=dg.AssetSelection.groups("analytics"),
    partitions_def=daily_partitions,
    executor_def=dg.in_process_executor,
    description="Refresh the daily analytics snapshots.",
)
nightly_analytics_schedule = dg.build_schedule_from_partitioned_job(
    analytics_job,
    hour_of_day=2,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
