"""The bid job: price one bid, render its proposal and send it — one run per (blueprint, variant)."""

from __future__ import annotations

import dagster as dg

from pipelineos_assets.defs.bids.partitions import bid_partitions
from pipelineos_assets.defs.bids.sensors import BID_JOB

bid_job = dg.define_asset_job(
    BID_JOB,
    selection=dg.AssetSelection.groups("bids", "proposals"),
    partitions_def=bid_partitions,
    executor_def=dg.in_process_executor,
    description="Price one bid of a blueprint from its reviewed takeoff, render its proposal, send it.",
)
