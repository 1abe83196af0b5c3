"""Takeoff: fixture detections and the reviewed takeoff of each blueprint, their checks, the engine resource."""

from __future__ import annotations

import dagster as dg

from pipelineos_assets.defs.takeoff.assets import fixture_detections, reviewed_takeoff
from pipelineos_assets.defs.takeoff.checks import plumbing_sheets_have_detections
from pipelineos_assets.defs.takeoff.resources import TakeoffEngine

defs = dg.Definitions(
    assets=[fixture_detections, reviewed_takeoff],
    asset_checks=[plumbing_sheets_have_detections],
    resources={"takeoff_engine": TakeoffEngine()},
)
