"""Bid and lead outcomes: win rate, revenue, turnaround, lead conversion and response time.

A bid is *decided* once it is accepted (won) or declined/expired (lost); win rate = won / decided, so
open bids (draft, sent) never dilute it.
"""

from __future__ import annotations

import itertools

import polars as pl

WON = ("accepted",)
LOST = ("declined", "expired")
LEAD_STAGES: tuple[str, ...] = ("new", "contacted", "bid_sent", "won", "lost")


def _outcome_columns() -> list[pl.Expr]:
    status = pl.col("status")
    return [
        status.is_in(WON).cast(pl.Int64).alias("won"),
        status.is_in(LOST).cast(pl.Int64).alias("lost"),
        status.is_in(("sent", "draft")).cast(pl.Int64).alias("open"),
    ]


def _summarize(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    decided = pl.col("won") + pl.col("lost")
    return (
        frame.group_by(key)
        .agg(
            pl.len().alias("bids"),
            pl.col("won").sum(),
            pl.col("lost").sum(),
            pl.col("open").sum(),
            pl.col("total").filter(pl.col("won") == 1).sum().alias("won_value"),
        )
        .with_columns(pl.when(decided > 0).then(pl.col("won") / decided).otherwise(None).alias("win_rate"))
        .sort(key)
    )


def win_rate(bids: pl.DataFrame, by: str | None = None) -> pl.DataFrame:
    """Bids, won, lost, open, won value and win rate overall (``by=None``) or per value of column ``by``."""
    frame = bids.with_columns(_outcome_columns())
    if by is None:
        return _summarize(frame.with_columns(pl.lit("all").alias("scope")), "scope")
    return _summarize(frame, by)


def win_rate_by_month(bids: pl.DataFrame) -> pl.DataFrame:
    """Win rate per month the bid went out (``sent_at``, or ``created_at`` for bids never sent)."""
    month = pl.coalesce("sent_at", "created_at").dt.truncate("1mo").dt.date().alias("month")
    return win_rate(bids.with_columns(month), by="month")


def win_rate_by_size(bids: pl.DataFrame, edges: list[float]) -> pl.DataFrame:
    """Win rate per bid-size bracket; ``edges`` are the upper bounds of each bracket in dollars."""
    labels = [f"≤ {edges[0]:,.0f}"] + [f"{a:,.0f}–{b:,.0f}" for a, b in itertools.pairwise(edges)]
    labels.append(f"> {edges[-1]:,.0f}")
    bracket = pl.col("total").cut(edges, labels=labels, left_closed=False).cast(pl.String).alias("size")
    order = {label: i for i, label in enumerate(labels)}
    table = win_rate(bids.with_columns(bracket), by="size")
    return (
        table.with_columns(pl.col("size").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
        .sort("_o")
        .drop("_o")
    )


def revenue_by_month(bids: pl.DataFrame) -> pl.DataFrame:
    """Accepted bid value per month of acceptance."""
    won = bids.filter(pl.col("status").is_in(WON) & pl.col("accepted_at").is_not_null())
    return (
        won.group_by(pl.col("accepted_at").dt.truncate("1mo").dt.date().alias("month"))
        .agg(pl.col("total").sum().alias("revenue"), pl.len().alias("bids_won"))
        .sort("month")
    )


def bid_turnaround(blueprints: pl.DataFrame, bids: pl.DataFrame) -> pl.DataFrame:
    """Hours from a blueprint's upload to its first sent bid, one row per blueprint that got a bid out.

    A bid sent before its blueprint's upload time (a re-uploaded drawing keeps its earlier bids) is no
    turnaround and is left out.
    """
    first_sent = (
        bids.filter(pl.col("sent_at").is_not_null())
        .group_by("blueprint_id")
        .agg(pl.col("sent_at").min().alias("first_sent_at"))
    )
    return (
        blueprints.select(pl.col("id").alias("blueprint_id"), pl.col("created_at").alias("uploaded_at"))
        .join(first_sent, on="blueprint_id", how="inner")
        .with_columns(((pl.col("first_sent_at") - pl.col("uploaded_at")).dt.total_seconds() / 3600).alias("hours"))
        .filter(pl.col("hours") >= 0)
        .sort("uploaded_at")
    )


def summary_stats(values: pl.Series) -> dict[str, float | None]:
    """Count, median, 90th percentile and mean of a numeric series (None when empty)."""
    clean = values.drop_nulls()
    if clean.len() == 0:
        return {"count": 0, "median": None, "p90": None, "mean": None}
    median, p90, mean = clean.median(), clean.quantile(0.9, "linear"), clean.mean()
    return {
        "count": clean.len(),
        "median": float(median),  # type: ignore[arg-type]
        "p90": float(p90),  # type: ignore[arg-type]
        "mean": float(mean),  # type: ignore[arg-type]
    }


def lead_funnel(leads: pl.DataFrame) -> pl.DataFrame:
    """Leads per pipeline stage in pipeline order (stages with no leads show 0)."""
    counts = leads.group_by("status").agg(pl.len().alias("leads"))
    stages = pl.DataFrame({"status": list(LEAD_STAGES), "order": list(range(len(LEAD_STAGES)))})
    return (
        stages.join(counts, on="status", how="left")
        .with_columns(pl.col("leads").fill_null(0))
        .sort("order")
        .drop("order")
    )


def lead_to_bid_conversion(leads: pl.DataFrame) -> float | None:
    """Share of leads that reached a bid (status bid_sent, won or lost); None without leads."""
    if leads.height == 0:
        return None
    reached = leads.filter(pl.col("status").is_in(("bid_sent", "won", "lost"))).height
    return reached / leads.height


def response_minutes(leads: pl.DataFrame) -> pl.DataFrame:
    """Minutes from each lead's arrival to its first response (unanswered leads have null)."""
    return leads.with_columns(
        ((pl.col("first_response_at") - pl.col("created_at")).dt.total_seconds() / 60).alias("minutes")
    )
