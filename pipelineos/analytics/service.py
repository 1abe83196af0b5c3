"""Business summaries as plain SQL (queries.sql) so the API, dashboard and notebooks share one definition.

Definitions: win rate = accepted / (accepted + declined) bids; revenue = accepted bid totals by month of
acceptance; response time = first_response_at − created_at of leads; detection precision = accepted /
(accepted + rejected + relabeled) over each reviewed detection's latest decision (added fixtures are misses,
which count against recall, not precision).
"""

from __future__ import annotations

from typing import Any

import psycopg

from pipelineos.db.access import fetch_all
from pipelineos.db.queries import queries_beside

Q = queries_beside(__file__)


def _rows(conn: psycopg.Connection, name: str, organization_id: str) -> list[dict[str, Any]]:
    return fetch_all(conn, Q[name], {"organization_id": organization_id})


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def win_rate(conn: psycopg.Connection, organization_id: str) -> dict[str, Any]:
    bids = _rows(conn, "win_rate", organization_id)[0]
    leads = _rows(conn, "lead_win_rate", organization_id)[0]
    return {
        "bids_won": bids["won"],
        "bids_lost": bids["lost"],
        "bids_open": bids["open"],
        "bids_total": bids["total"],
        "bid_win_rate": _ratio(bids["won"], bids["won"] + bids["lost"]),
        "leads_won": leads["won"],
        "leads_lost": leads["lost"],
        "lead_win_rate": _ratio(leads["won"], leads["won"] + leads["lost"]),
    }


def revenue_by_month(conn: psycopg.Connection, organization_id: str) -> list[dict[str, Any]]:
    return [
        {"month": r["month"], "bids": r["bids"], "revenue": float(r["revenue"])}
        for r in _rows(conn, "revenue_by_month", organization_id)
    ]


def lead_funnel(conn: psycopg.Connection, organization_id: str) -> list[dict[str, Any]]:
    return [{"status": r["status"], "count": r["count"]} for r in _rows(conn, "lead_funnel", organization_id)]


def response_times(conn: psycopg.Connection, organization_id: str) -> dict[str, Any]:
    r = _rows(conn, "response_times", organization_id)[0]
    as_float = {
        k: (float(r[k]) if r[k] is not None else None) for k in ("median_seconds", "p90_seconds", "max_seconds")
    }
    return {"responded": r["responded"], "total": r["total"], **as_float}


def fixture_mix(conn: psycopg.Connection, organization_id: str) -> list[dict[str, Any]]:
    return _rows(conn, "fixture_mix", organization_id)


def detection_precision(conn: psycopg.Connection, organization_id: str) -> dict[str, Any]:
    r = _rows(conn, "detection_precision", organization_id)[0]
    reviewed = r["accepted"] + r["rejected"] + r["relabeled"]
    return {**r, "reviewed": reviewed, "precision": _ratio(r["accepted"], reviewed)}


def summary(conn: psycopg.Connection, organization_id: str) -> dict[str, Any]:
    """Every summary in one call."""
    return {
        "win_rate": win_rate(conn, organization_id),
        "revenue_by_month": revenue_by_month(conn, organization_id),
        "lead_funnel": lead_funnel(conn, organization_id),
        "response_times": response_times(conn, organization_id),
        "fixture_mix": fixture_mix(conn, organization_id),
        "detection_precision": detection_precision(conn, organization_id),
    }
