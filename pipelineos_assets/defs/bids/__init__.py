"""Bids: the base bid (in the blueprint's run) and further bids (blueprint × variant); their sensors."""

from __future__ import annotations

import dagster as dg

from pipelineos_assets.defs.bids.assets import alternate_bid, priced_bid
from pipelineos_assets.defs.bids.checks import bid_total_checks
from pipelineos_assets.defs.bids.jobs import alternate_bid_job
from pipelineos_assets.defs.bids.sensors import bid_request_sensor, review_completed_sensor

defs = dg.Definitions(
    assets=[priced_bid, alternate_bid],
    asset_checks=bid_total_checks,
    jobs=[alternate_bid_job],
    sensors=[bid_request_sensor, review_completed_sensor],
)
