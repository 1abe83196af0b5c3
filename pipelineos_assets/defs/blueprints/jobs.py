"""The blueprint job: one run per plan set, from the file to the sent base proposal, in one process.

Pages use every core inside the assets (a process pool), so the run stays a single process to launch.
"""

from __future__ import annotations

import dagster as dg

from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions

PIPELINE_JOB = "process_blueprint"
BASE_BID_ASSETS = ("priced_bid", "proposal_pdf", "sent_proposal")

blueprint_pipeline_job = dg.define_asset_job(
    PIPELINE_JOB,
    selection=dg.AssetSelection.groups("blueprints", "takeoff") | dg.AssetSelection.assets(*BASE_BID_ASSETS),
    partitions_def=blueprint_partitions,
    executor_def=dg.in_process_executor,
    description="Render, index and detect one blueprint, apply its review, price its base bid, send the proposal.",
)
