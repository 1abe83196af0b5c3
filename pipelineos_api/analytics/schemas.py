"""Analytics DTOs."""

from __future__ import annotations

import msgspec


class WinRate(msgspec.Struct):
    bids_won: int
    bids_lost: int
    bids_open: int
    bids_total: int
    leads_won: int
    leads_lost: int
    bid_win_rate: float | None = None
    lead_win_rate: float | None = None


class MonthRevenue(msgspec.Struct):
    month: str
    bids: int
    revenue: float


class FunnelStep(msgspec.Struct):
    status: str
    count: int


class ResponseTimes(msgspec.Struct):
    responded: int
    total: int
    median_seconds: float | None = None
    p90_seconds: float | None = None
    max_seconds: float | None = None


class FixtureCount(msgspec.Struct):
    fixture_class: str
    count: int


class Precision(msgspec.Struct):
    accepted: int
    rejected: int
    relabeled: int
    added: int
    reviewed: int
    precision: float | None = None


class Summary(msgspec.Struct):
    win_rate: WinRate
    revenue_by_month: list[MonthRevenue]
    lead_funnel: list[FunnelStep]
    response_times: ResponseTimes
    fixture_mix: list[FixtureCount]
    detection_precision: Precision
