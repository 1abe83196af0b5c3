"""The PipelineOS Dagster code location: one ``defs`` per domain folder, merged, plus shared resources."""

from __future__ import annotations

import importlib

import dagster as dg

from pipelineos_assets.defs.failures import blueprint_run_failure_sensor
from pipelineos_assets.resources import PipelineDatabase, PostgresPolarsIOManager

DOMAINS = ("blueprints", "takeoff", "bids", "proposals", "leads", "analytics")


def shared_resources() -> dict[str, object]:
    """Resources every domain uses (a domain's own resources come with its ``defs``)."""
    database = PipelineDatabase()
    return {"database": database, "postgres_io_manager": PostgresPolarsIOManager(database=database)}


def build_definitions() -> dg.Definitions:
    """Merge the domains' definitions with the shared resources and the global run-failure sensor."""
    domains = [importlib.import_module(f"pipelineos_assets.defs.{name}").defs for name in DOMAINS]
    shared = dg.Definitions(resources=shared_resources(), sensors=[blueprint_run_failure_sensor])
    return dg.Definitions.merge(*domains, shared)


defs = build_definitions()
