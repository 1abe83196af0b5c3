"""Bids: one partition per (blueprint, variant); the bid-requests and review-completed sensors."""

from __future__ import annotations

import dagster as dg

from pipelineos_assets.defs.bids.assets import priced_bid
from pipelineos_assets.defs.bids.checks import bid_total_matches_lines
from pipelineos_assets.defs.bids.jobs import bid_job
from pipelineos_assets.defs.bids.sensors import bid_request_sensor, review_completed_sensor

defs = dg.Definitions(
    assets=[priced_bid],
    asset_checks=[bid_total_matches_lines],
    jobs=[bid_job],
    sensors=[bid_request_sensor, review_completed_sensor],
)
