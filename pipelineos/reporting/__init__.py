"""Analysis helpers for the dashboard's Analytics page and the analyst notebooks (pure Polars/DuckDB)."""

from __future__ import annotations

from pipelineos.reporting.accuracy import (
    confidence_calibration,
    confusion,
    fixture_mix,
    overall_precision,
    precision_by_class,
    review_outcomes,
)
from pipelineos.reporting.loaders import FRAME_NAMES, duck_query, frame_from_rows, load_frame, load_frames
from pipelineos.reporting.sensitivity import one_way, scenario_totals, tornado, typical_job
from pipelineos.reporting.wins import (
    bid_turnaround,
    lead_funnel,
    lead_to_bid_conversion,
    response_minutes,
    revenue_by_month,
    summary_stats,
    win_rate,
    win_rate_by_month,
    win_rate_by_size,
)

__all__ = [
    "FRAME_NAMES",
    "bid_turnaround",
    "confidence_calibration",
    "confusion",
    "duck_query",
    "fixture_mix",
    "frame_from_rows",
    "lead_funnel",
    "lead_to_bid_conversion",
    "load_frame",
    "load_frames",
    "one_way",
    "overall_precision",
    "precision_by_class",
    "response_minutes",
    "revenue_by_month",
    "review_outcomes",
    "scenario_totals",
    "summary_stats",
    "tornado",
    "typical_job",
    "win_rate",
    "win_rate_by_month",
    "win_rate_by_size",
]
