"""Sanity rules for a stored analytics snapshot: rates are shares, counts and money are never negative, and the
parts of a total add up to it. Each rule returns readable violations, so an asset check can list them.
"""

from __future__ import annotations

import fnmatch

import polars as pl
import psycopg

from pipelineos.blueprints.processing import repository as repo
from pipelineos.blueprints.processing.analytics import METRIC_SCHEMA

RANGES: dict[str, tuple[tuple[str, float, float | None], ...]] = {
    "bids": (
        ("bids.win_rate", 0.0, 1.0),
        ("bids.*", 0.0, None),
        ("revenue.*", 0.0, None),
    ),
    "leads": (
        ("funnel.leads", 0.0, None),
        ("response_minutes.*", 0.0, None),
    ),
    "fixture_mix": (("fixtures.*", 0.0, None),),
    "detection_accuracy": (
        ("accuracy.precision", 0.0, 1.0),
        ("accuracy.recall", 0.0, 1.0),
        ("accuracy.*", 0.0, None),
    ),
}
"""Per metric set: (metric pattern, lowest, highest or None) — the first pattern a metric matches applies."""

MAX_LISTED = 20


def _bounds(metric_set: str, metric: str) -> tuple[float, float | None] | None:
    for pattern, low, high in RANGES.get(metric_set, ()):
        if fnmatch.fnmatchcase(metric, pattern):
            return low, high
    return None


def out_of_range(metric_set: str, frame: pl.DataFrame) -> list[str]:
    """Values outside their metric's range, e.g. a win rate above 1 or a negative revenue (nulls are fine)."""
    found = []
    for row in frame.filter(pl.col("value").is_not_null()).iter_rows(named=True):
        bounds = _bounds(metric_set, row["metric"])
        if bounds is None:
            continue
        low, high = bounds
        if row["value"] < low or (high is not None and row["value"] > high):
            span = f"{low:g}..{high:g}" if high is not None else f"≥ {low:g}"
            where = f"[{row['dimension']}]" if row["dimension"] else ""
            found.append(f"{row['metric']}{where} = {row['value']:g} (expected {span})")
    return found


def _wide(frame: pl.DataFrame, prefix: str) -> pl.DataFrame:
    """Metrics starting with ``prefix`` as one column each, per organization and dimension."""
    part = frame.filter(pl.col("metric").str.starts_with(prefix))
    if part.is_empty():
        return pl.DataFrame()
    return part.with_columns(pl.col("metric").str.strip_prefix(prefix)).pivot(
        "metric", index=["organization_id", "dimension"], values="value"
    )


def parts_disagree(metric_set: str, frame: pl.DataFrame) -> list[str]:
    """Totals whose parts do not add up: won + lost + open = bids; answered leads ≤ leads in the funnel."""
    found = []
    if metric_set == "bids":
        wide = _wide(frame, "bids.")
        if {"bids", "won", "lost", "open"} <= set(wide.columns):
            bad = wide.filter(pl.col("won") + pl.col("lost") + pl.col("open") != pl.col("bids"))
            found += [
                f"organization {r['organization_id']}: won {r['won']:g} + lost {r['lost']:g} + open {r['open']:g}"
                f" ≠ bids {r['bids']:g}"
                for r in bad.iter_rows(named=True)
            ]
    if metric_set == "leads":
        funnel = frame.filter(pl.col("metric") == "funnel.leads").group_by("organization_id").agg(pl.sum("value"))
        answered = frame.filter(pl.col("metric") == "response_minutes.count").select("organization_id", "value")
        joined = funnel.join(answered, on="organization_id", suffix="_answered")
        found += [
            f"organization {r['organization_id']}: {r['value_answered']:g} answered leads but only "
            f"{r['value']:g} in the funnel"
            for r in joined.filter(pl.col("value_answered") > pl.col("value")).iter_rows(named=True)
        ]
    return found


def violations(metric_set: str, frame: pl.DataFrame) -> list[str]:
    """Every rule broken by one metric set's snapshot (``organization_id, metric, dimension, value`` rows)."""
    return out_of_range(metric_set, frame) + parts_disagree(metric_set, frame)


def stored_slice(conn: psycopg.Connection, metric_set: str, snapshot_date: str) -> pl.DataFrame:
    """The stored rows of one metric set for one day."""
    found = repo.rows(conn, "analytics_slice", metric_set=metric_set, snapshot_date=snapshot_date)
    return pl.DataFrame(found, schema=METRIC_SCHEMA, orient="row")
