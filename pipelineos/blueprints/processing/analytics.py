"""Daily analytics snapshots: the reporting package's tables turned into long metric rows per organization.

Each metric set (bids, leads, fixture mix, detection accuracy) yields rows ``organization_id, metric,
dimension, value`` for the ``analytics_metrics`` table; the dashboard and notebooks read them back.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from pipelineos import reporting
from pipelineos.blueprints.processing import repository as repo
from pipelineos.db.pool import connection

METRIC_SCHEMA = {
    "organization_id": pl.String,
    "metric": pl.String,
    "dimension": pl.String,
    "value": pl.Float64,
}
Frames = dict[str, pl.DataFrame]


def to_long(frame: pl.DataFrame, key: str | None, prefix: str) -> pl.DataFrame:
    """Every numeric column of ``frame`` as ``metric = prefix.column``, ``dimension = str(frame[key])``."""
    numeric = [c for c, t in frame.schema.items() if t.is_numeric() and c != key]
    rows = []
    for row in frame.iter_rows(named=True):
        dimension = "" if key is None or row[key] is None else str(row[key])
        for column in numeric:
            value = row[column]
            rows.append(
                {
                    "metric": f"{prefix}.{column}",
                    "dimension": dimension,
                    "value": None if value is None else float(value),
                }
            )
    return pl.DataFrame(rows, schema={k: v for k, v in METRIC_SCHEMA.items() if k != "organization_id"}, orient="row")


def bid_metrics(frames: Frames) -> pl.DataFrame:
    """Win rate (bids, won, lost, open, won value) overall and revenue per month of acceptance."""
    return pl.concat(
        [
            to_long(reporting.win_rate(frames["bids"]), "scope", "bids"),
            to_long(reporting.revenue_by_month(frames["bids"]), "month", "revenue"),
        ]
    )


def lead_metrics(frames: Frames) -> pl.DataFrame:
    """Leads per funnel stage and response-time statistics (minutes to first response)."""
    stats = reporting.summary_stats(reporting.response_minutes(frames["leads"])["minutes"])
    response = pl.DataFrame([{"scope": "all", **stats}]).cast({k: pl.Float64 for k in stats})
    return pl.concat(
        [
            to_long(reporting.lead_funnel(frames["leads"]), "status", "funnel"),
            to_long(response, "scope", "response_minutes"),
        ]
    )


def fixture_mix_metrics(frames: Frames) -> pl.DataFrame:
    """Fixtures per class in the reviewed takeoffs."""
    outcomes = reporting.review_outcomes(frames["detections"], frames["decisions"])
    mix = reporting.fixture_mix(outcomes, frames["decisions"])
    key = next(c for c, t in mix.schema.items() if t == pl.String)
    return to_long(mix, key, "fixtures")


def accuracy_metrics(frames: Frames) -> pl.DataFrame:
    """Precision (and recall where known) per class, measured from review decisions."""
    outcomes = reporting.review_outcomes(frames["detections"], frames["decisions"])
    return to_long(reporting.precision_by_class(outcomes, frames["decisions"]), "fixture_class", "accuracy")


METRIC_SETS: dict[str, tuple[tuple[str, ...], Callable[[Frames], pl.DataFrame]]] = {
    "bids": (("bids",), bid_metrics),
    "leads": (("leads",), lead_metrics),
    "fixture_mix": (("detections", "decisions"), fixture_mix_metrics),
    "detection_accuracy": (("detections", "decisions"), accuracy_metrics),
}


def snapshot(metric_set: str) -> pl.DataFrame:
    """One metric set for every organization, rows for ``analytics_metrics`` (minus partition columns)."""
    names, compute = METRIC_SETS[metric_set]
    parts = []
    with connection() as conn:
        for org in repo.rows(conn, "organization_ids"):
            frames = reporting.load_frames(conn, org["id"], names)
            parts.append(compute(frames).with_columns(organization_id=pl.lit(org["id"])))
    if not parts:
        return pl.DataFrame(schema=METRIC_SCHEMA)
    return (
        pl.concat(parts)
        .select(list(METRIC_SCHEMA))
        .unique(["organization_id", "metric", "dimension"], keep="last", maintain_order=True)
    )
