"""The code location: one folder per domain, loadable by Dagster's own CLI with our instance configuration."""

from __future__ import annotations

import importlib
import itertools
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelineos.platform.dagster_home import ensure_dagster_home
from pipelineos.settings import REPO_ROOT
from pipelineos_assets.definitions import DOMAINS, defs


def test_each_domain_folder_brings_its_own_definitions() -> None:
    assert DOMAINS == ("blueprints", "takeoff", "bids", "proposals", "leads", "analytics")
    owned: dict[str, set[str]] = {}
    for name in DOMAINS:
        domain = importlib.import_module(f"pipelineos_assets.defs.{name}").defs
        kinds = {
            "assets": domain.assets,
            "checks": domain.asset_checks,
            "sensors": domain.sensors,
            "schedules": domain.schedules,
            "resources": domain.resources,
        }
        owned[name] = {kind for kind, found in kinds.items() if found}
    assert owned == {
        "blueprints": {"assets", "checks", "sensors"},
        "takeoff": {"assets", "checks", "resources"},
        "bids": {"assets", "checks", "sensors"},
        "proposals": {"assets", "checks", "schedules"},
        "leads": {"schedules"},
        "analytics": {"assets", "checks", "schedules"},
    }
    definitions = (REPO_ROOT / "pipelineos_assets" / "definitions.py").read_text()
    assert len(definitions.splitlines()) <= 50


def test_definitions_load_with_running_sensors_and_schedules() -> None:
    dg.Definitions.validate_loadable(defs)
    jobs = {j.name for j in defs.resolve_all_job_defs()}
    assert {
        "process_blueprint",
        "price_and_send_bid",
        "nightly_analytics",
        "outbox_retry_job",
        "lead_follow_up_job",
        "stale_bid_reminder_job",
    } <= jobs
    sensors = {s.name: s.default_status for s in defs.sensors}
    assert set(sensors) == {
        "upload_sensor",
        "bid_request_sensor",
        "review_completed_sensor",
        "blueprint_run_failure_sensor",
    }
    assert set(sensors.values()) == {dg.DefaultSensorStatus.RUNNING}
    schedules = {s.name: (s.cron_schedule, s.default_status) for s in defs.schedules}
    running = dg.DefaultScheduleStatus.RUNNING
    assert schedules == {
        "lead_follow_up_schedule": ("0 * * * *", running),
        "stale_bid_reminder_schedule": ("0 8 * * *", running),
        "nightly_analytics_schedule": ("0 2 * * *", running),
        "outbox_retry_schedule": ("* * * * *", running),
    }
    nightly = defs.resolve_job_def("nightly_analytics").asset_layer.asset_graph.asset_check_keys
    assert {(k.asset_key.path[-1], k.name) for k in nightly} == {
        (f"analytics_{name}", "snapshot_is_sane") for name in ("bids", "leads", "fixture_mix", "detection_accuracy")
    }  # the nightly run checks what it wrote
    graph = defs.resolve_asset_graph()
    chain = [
        "blueprint_file",
        "blueprint_pages",
        "sheet_index",
        "fixture_detections",
        "reviewed_takeoff",
        "priced_bid",
        "proposal_pdf",
        "sent_proposal",
    ]
    for parent, child in itertools.pairwise(chain):
        assert dg.AssetKey(parent) in graph.get(dg.AssetKey(child)).parent_keys, (parent, child)
    assert graph.get(dg.AssetKey("alternate_bid")).parent_keys == {dg.AssetKey("reviewed_takeoff")}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.partitions_def is not None and node.group_name != "default" and node.kinds, key
        assert node.description, key


@pytest.mark.slow
def test_dagster_definitions_validate_passes_with_workspace_yaml(db_url: str, app_env, tmp_path: Path) -> None:
    """Dagster's own CLI loads workspace.yaml against an instance written by our platform module."""
    home = ensure_dagster_home(tmp_path / "dagster-home", db_url)
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    dagster = Path(sys.executable).parent / "dagster"
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", str(REPO_ROOT / "workspace.yaml")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "All code locations passed validation" in output
    assert not list(tmp_path.glob(".tmp_dagster_home_*"))  # it used our instance, not a temporary one
