"""Blueprints: the uploaded file, its rendered pages and sheet index, the pages check; the upload sensor."""

from __future__ import annotations

import dagster as dg

from pipelineos_assets.defs.blueprints.assets import blueprint_file, blueprint_pages, sheet_index
from pipelineos_assets.defs.blueprints.checks import every_page_rendered
from pipelineos_assets.defs.blueprints.jobs import blueprint_pipeline_job
from pipelineos_assets.defs.blueprints.sensors import upload_sensor

defs = dg.Definitions(
    assets=[blueprint_file, blueprint_pages, sheet_index],
    asset_checks=[every_page_rendered],
    jobs=[blueprint_pipeline_job],
    sensors=[upload_sensor],
)
