"""The Analytics page's numbers, computed with :mod:`pipelineos.reporting` from one organization's frames."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import psycopg

from pipelineos.reporting import (
    bid_turnaround,
    confidence_calibration,
    fixture_mix,
    lead_funnel,
    lead_to_bid_conversion,
    load_frames,
    overall_precision,
    precision_by_class,
    response_minutes,
    revenue_by_month,
    review_outcomes,
    summary_stats,
    win_rate,
    win_rate_by_month,
)

FRAMES = ("blueprints", "bids", "leads", "detections", "decisions")


@dataclass(frozen=True)
class Analytics:
    """What the Analytics page shows, computed in one pass (cached by the page)."""

    win_rate: float | None
    won_value: float
    win_by_month: pl.DataFrame
    revenue: pl.DataFrame
    turnaround: dict[str, float | None]
    turnaround_hours: pl.DataFrame
    conversion: float | None
    funnel: pl.DataFrame
    response: dict[str, float | None]
    mix: pl.DataFrame
    precision: float | None
    precision_table: pl.DataFrame
    calibration: pl.DataFrame


def compute(conn: psycopg.Connection, organization_id: str) -> Analytics:
    """Everything the Analytics page shows, in one pass over the organization's data."""
    f = load_frames(conn, organization_id, FRAMES)
    overall = win_rate(f["bids"]).row(0, named=True) if f["bids"].height else {"win_rate": None, "won_value": 0}
    outcomes = review_outcomes(f["detections"], f["decisions"])
    turnaround = bid_turnaround(f["blueprints"], f["bids"])
    return Analytics(
        win_rate=overall["win_rate"],
        won_value=float(overall["won_value"] or 0),
        win_by_month=win_rate_by_month(f["bids"]),
        revenue=revenue_by_month(f["bids"]),
        turnaround=summary_stats(turnaround["hours"]),
        turnaround_hours=turnaround.select("hours"),
        conversion=lead_to_bid_conversion(f["leads"]),
        funnel=lead_funnel(f["leads"]),
        response=summary_stats(response_minutes(f["leads"])["minutes"]),
        mix=fixture_mix(outcomes, f["decisions"]),
        precision=overall_precision(outcomes),
        precision_table=precision_by_class(outcomes, f["decisions"]),
        calibration=confidence_calibration(outcomes),
    )
