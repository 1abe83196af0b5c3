"""Analytics: daily snapshots of bids, win rate, revenue, leads, fixture mix and detection accuracy; their
sanity checks; the nightly schedule."""

from __future__ import annotations

import dagster as dg

from pipelineos_assets.defs.analytics.assets import analytics_assets
from pipelineos_assets.defs.analytics.checks import analytics_checks_defs
from pipelineos_assets.defs.analytics.schedules import analytics_job, nightly_analytics_schedule

defs = dg.Definitions(
    assets=analytics_assets,
    asset_checks=analytics_checks_defs,
    jobs=[analytics_job],
    schedules=[nightly_analytics_schedule],
)
