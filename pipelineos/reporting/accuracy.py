"""Takeoff accuracy measured from estimators' review decisions.

Each detection's *outcome* is its latest decision: ``accepted`` (right class), ``relabeled`` (a fixture,
wrong class), ``rejected`` (not a fixture) or ``unreviewed``. Precision per class = accepted / reviewed;
fixtures the estimator had to add by hand are the misses that bound recall.
"""

from __future__ import annotations

import polars as pl

OUTCOME = {"accept": "accepted", "reject": "rejected", "relabel": "relabeled"}


def latest_decisions(decisions: pl.DataFrame) -> pl.DataFrame:
    """The most recent accept/reject/relabel per detection (``add`` rows have no detection: dropped)."""
    return (
        decisions.filter(pl.col("detection_id").is_not_null() & (pl.col("action") != "add"))
        .sort("created_at")
        .group_by("detection_id")
        .agg(pl.col("action").last(), pl.col("fixture_class").last().alias("new_class"))
    )


def review_outcomes(detections: pl.DataFrame, decisions: pl.DataFrame) -> pl.DataFrame:
    """One row per detection with ``outcome`` and ``final_class`` (null when rejected)."""
    latest = latest_decisions(decisions)
    joined = detections.join(latest, left_on="id", right_on="detection_id", how="left")
    outcome = pl.col("action").replace_strict(OUTCOME, default="unreviewed", return_dtype=pl.String)
    final = (
        pl.when(pl.col("action") == "reject")
        .then(None)
        .when(pl.col("action") == "relabel")
        .then(pl.col("new_class"))
        .otherwise(pl.col("fixture_class"))
    )
    return joined.with_columns(outcome.alias("outcome"), final.alias("final_class")).drop("action", "new_class")


def added_by_class(decisions: pl.DataFrame) -> pl.DataFrame:
    """Fixtures added by hand (missed by the detector) per class."""
    return (
        decisions.filter(pl.col("action") == "add")
        .group_by("fixture_class")
        .agg(pl.len().alias("added"))
        .sort("fixture_class")
    )


def precision_by_class(outcomes: pl.DataFrame, decisions: pl.DataFrame | None = None) -> pl.DataFrame:
    """Reviewed, accepted, relabeled, rejected, precision — and, given decisions, added and recall per class.

    Recall counts a class's true fixtures as accepted + relabeled *into* the class + added by hand.
    """
    reviewed = outcomes.filter(pl.col("outcome") != "unreviewed")
    table = (
        reviewed.group_by("fixture_class")
        .agg(
            pl.len().alias("reviewed"),
            (pl.col("outcome") == "accepted").sum().alias("accepted"),
            (pl.col("outcome") == "relabeled").sum().alias("relabeled"),
            (pl.col("outcome") == "rejected").sum().alias("rejected"),
        )
        .with_columns((pl.col("accepted") / pl.col("reviewed")).alias("precision"))
        .sort("fixture_class")
    )
    if decisions is None:
        return table
    into = (
        reviewed.filter(pl.col("outcome") == "relabeled")
        .group_by("final_class")
        .agg(pl.len().alias("relabeled_in"))
        .rename({"final_class": "fixture_class"})
    )
    added = added_by_class(decisions)
    classes = pl.concat(
        [table.select("fixture_class"), into.select("fixture_class"), added.select("fixture_class")]
    ).unique()
    return (
        classes.join(table, on="fixture_class", how="left")
        .join(into, on="fixture_class", how="left")
        .join(added, on="fixture_class", how="left")
        .with_columns(
            pl.col(c).fill_null(0) for c in ("reviewed", "accepted", "relabeled", "rejected", "relabeled_in", "added")
        )
        .with_columns(
            (pl.col("accepted") / (pl.col("accepted") + pl.col("relabeled_in") + pl.col("added"))).alias("recall")
        )
        .sort("fixture_class")
    )


def overall_precision(outcomes: pl.DataFrame) -> float | None:
    """Accepted / reviewed over every class; None when nothing was reviewed."""
    reviewed = outcomes.filter(pl.col("outcome") != "unreviewed")
    if reviewed.height == 0:
        return None
    return reviewed.filter(pl.col("outcome") == "accepted").height / reviewed.height


def confusion(outcomes: pl.DataFrame) -> pl.DataFrame:
    """Relabel pairs: detected class → class the estimator chose, with counts, most frequent first."""
    return (
        outcomes.filter(pl.col("outcome") == "relabeled")
        .group_by("fixture_class", "final_class")
        .agg(pl.len().alias("count"))
        .sort(["count", "fixture_class", "final_class"], descending=[True, False, False])
    )


def confidence_calibration(outcomes: pl.DataFrame, edges: list[float] | None = None) -> pl.DataFrame:
    """Precision per confidence bracket: is a 0.9 detection right nine times in ten?"""
    edges = edges or [0.5, 0.7, 0.8, 0.9]
    reviewed = outcomes.filter(pl.col("outcome") != "unreviewed")
    return (
        reviewed.with_columns(
            pl.col("confidence").cut(edges, left_closed=True).cast(pl.String).alias("bracket"),
            pl.col("confidence").cut(edges, left_closed=True).to_physical().alias("_o"),
        )
        .group_by("bracket", "_o")
        .agg(pl.len().alias("reviewed"), (pl.col("outcome") == "accepted").mean().alias("precision"))
        .sort("_o")
        .drop("_o")
    )


def fixture_mix(outcomes: pl.DataFrame, decisions: pl.DataFrame) -> pl.DataFrame:
    """The reviewed takeoff per class: detections not rejected (by final class) plus added fixtures."""
    kept = (
        outcomes.filter(pl.col("final_class").is_not_null())
        .group_by("final_class")
        .agg(pl.len().alias("count"))
        .rename({"final_class": "fixture_class"})
    )
    added = added_by_class(decisions).rename({"added": "count"})
    return (
        pl.concat([kept, added])
        .group_by("fixture_class")
        .agg(pl.col("count").sum())
        .sort(["count", "fixture_class"], descending=[True, False])
    )
