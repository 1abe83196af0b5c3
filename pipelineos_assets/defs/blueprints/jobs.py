"""The takeoff job: one run per plan set, in one process (its pages use every core inside the assets)."""

from __future__ import annotations

import dagster as dg

from pipelineos_assets.defs.blueprints.partitions import blueprint_partitions
from pipelineos_assets.defs.blueprints.sensors import TAKEOFF_JOB

blueprint_takeoff_job = dg.define_asset_job(
    TAKEOFF_JOB,
    selection=dg.AssetSelection.groups("blueprints", "takeoff"),
    partitions_def=blueprint_partitions,
    executor_def=dg.in_process_executor,
    description="Render, index and detect one blueprint, then compute its reviewed takeoff.",
)
