"""Win rate, revenue, turnaround and lead metrics on small hand-made frames."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelineos.reporting import (
    bid_turnaround,
    duck_query,
    frame_from_rows,
    lead_funnel,
    lead_to_bid_conversion,
    response_minutes,
    revenue_by_month,
    summary_stats,
    win_rate,
    win_rate_by_month,
    win_rate_by_size,
)
from pipelineos.reporting.loaders import UnknownFrameError


def t(month: int, day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


BIDS = frame_from_rows(
    "bids",
    [
        {
            "id": "b1",
            "blueprint_id": "p1",
            "status": "accepted",
            "total": 10_000.0,
            "created_at": t(1, 1),
            "sent_at": t(1, 2),
            "accepted_at": t(1, 20),
        },
        {
            "id": "b2",
            "blueprint_id": "p2",
            "status": "declined",
            "total": 20_000.0,
            "created_at": t(1, 5),
            "sent_at": t(1, 6),
            "declined_at": t(1, 30),
        },
        {
            "id": "b3",
            "blueprint_id": "p3",
            "status": "accepted",
            "total": 5_000.0,
            "created_at": t(2, 1),
            "sent_at": t(2, 1, 12),
            "accepted_at": t(3, 3),
        },
        {
            "id": "b4",
            "blueprint_id": "p4",
            "status": "expired",
            "total": 50_000.0,
            "created_at": t(2, 3),
            "sent_at": t(2, 4),
        },
        {"id": "b5", "blueprint_id": "p5", "status": "draft", "total": 7_000.0, "created_at": t(2, 10)},
        {
            "id": "b6",
            "blueprint_id": "p1",
            "status": "sent",
            "total": 9_000.0,
            "created_at": t(1, 3),
            "sent_at": t(1, 4),
        },
    ],
)


def test_win_rate_counts_only_decided_bids():
    row = win_rate(BIDS).row(0, named=True)
    assert (row["bids"], row["won"], row["lost"], row["open"]) == (6, 2, 2, 2)
    assert row["win_rate"] == pytest.approx(0.5)
    assert row["won_value"] == 15_000.0


def test_win_rate_by_month_uses_the_sent_month():
    table = win_rate_by_month(BIDS).select("month", "won", "lost", "win_rate").to_dicts()
    assert table == [
        {"month": dt.date(2026, 1, 1), "won": 1, "lost": 1, "win_rate": 0.5},
        {"month": dt.date(2026, 2, 1), "won": 1, "lost": 1, "win_rate": 0.5},
    ]


def test_win_rate_by_size_brackets_in_order():
    table = win_rate_by_size(BIDS, [8_000, 15_000]).select("size", "bids", "won", "win_rate").to_dicts()
    assert table == [
        {"size": "≤ 8,000", "bids": 2, "won": 1, "win_rate": 1.0},
        {"size": "8,000–15,000", "bids": 2, "won": 1, "win_rate": 1.0},
        {"size": "> 15,000", "bids": 2, "won": 0, "win_rate": 0.0},
    ]


def test_revenue_by_month_sums_accepted_value_by_acceptance_month():
    assert revenue_by_month(BIDS).to_dicts() == [
        {"month": dt.date(2026, 1, 1), "revenue": 10_000.0, "bids_won": 1},
        {"month": dt.date(2026, 3, 1), "revenue": 5_000.0, "bids_won": 1},
    ]


def test_bid_turnaround_is_upload_to_first_sent_bid():
    blueprints = frame_from_rows(
        "blueprints",
        [
            {"id": "p1", "status": "completed", "created_at": t(1, 1)},
            {"id": "p5", "status": "completed", "created_at": t(2, 9)},
            {"id": "p2", "status": "completed", "created_at": t(3, 1)},  # re-uploaded after its bid went out
        ],
    )
    table = bid_turnaround(blueprints, BIDS)
    assert table["blueprint_id"].to_list() == ["p1"]
    assert table["hours"].to_list() == [24.0]  # b1 sent Jan 2, before b6 on Jan 4
    assert summary_stats(table["hours"]) == {"count": 1, "median": 24.0, "p90": 24.0, "mean": 24.0}
    assert summary_stats(pl.Series([], dtype=pl.Float64))["median"] is None


def test_lead_metrics():
    leads = frame_from_rows(
        "leads",
        [
            {"id": "l1", "status": "new", "created_at": t(1, 1)},
            {"id": "l2", "status": "won", "created_at": t(1, 1), "first_response_at": t(1, 1, 1)},
            {"id": "l3", "status": "bid_sent", "created_at": t(1, 2), "first_response_at": t(1, 2, 3)},
            {"id": "l4", "status": "contacted", "created_at": t(1, 3), "first_response_at": t(1, 3, 2)},
        ],
    )
    assert lead_funnel(leads).to_dicts() == [
        {"status": "new", "leads": 1},
        {"status": "contacted", "leads": 1},
        {"status": "bid_sent", "leads": 1},
        {"status": "won", "leads": 1},
        {"status": "lost", "leads": 0},
    ]
    assert lead_to_bid_conversion(leads) == 0.5
    assert lead_to_bid_conversion(leads.head(0)) is None
    assert response_minutes(leads)["minutes"].to_list() == [None, 60.0, 180.0, 120.0]


def test_duck_query_reads_polars_frames():
    got = duck_query(
        "select status, sum(total) as value from bids group by status order by value desc limit 2", bids=BIDS
    )
    assert got.to_dicts() == [
        {"status": "expired", "value": 50_000.0},
        {"status": "declined", "value": 20_000.0},
    ]


def test_unknown_frame_names_the_choices():
    with pytest.raises(UnknownFrameError, match="choose one of blueprints"):
        frame_from_rows("invoices", [])
