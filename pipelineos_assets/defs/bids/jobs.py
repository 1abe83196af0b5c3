"""The further-bid job: price one more bid of a blueprint, render its proposal and send it."""

from __future__ import annotations

import dagster as dg

from pipelineos_assets.defs.bids.partitions import bid_partitions

BID_JOB = "price_and_send_bid"

alternate_bid_job = dg.define_asset_job(
    BID_JOB,
    selection=dg.AssetSelection.assets("alternate_bid", "alternate_proposal_pdf", "sent_alternate_proposal"),
    partitions_def=bid_partitions,
    executor_def=dg.in_process_executor,
    description="Price a further bid of a blueprint from its reviewed takeoff, render its proposal, send it.",
)
