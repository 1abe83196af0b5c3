"""The blueprint read model the API and dashboard show: status, pages, reviewed fixtures, latest bid."""

from __future__ import annotations

from collections import Counter
from typing import Any

import psycopg

from pipelineos.blueprints import repository as repo
from pipelineos.blueprints.service import get_blueprint


def _reviewed_rows(conn: psycopg.Connection, blueprint_id: str) -> list[dict[str, Any]] | None:
    try:
        from pipelineos.blueprints.processing.review import reviewed_takeoff
    except ImportError:
        return None
    return reviewed_takeoff(conn, blueprint_id).to_dicts()


def fixtures(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> list[dict[str, Any]]:
    """Detections with review decisions applied, each with its box and confidence where known."""
    raw = {str(d["id"]): d for d in repo.list_detections(conn, organization_id, blueprint_id)}
    added = {}
    for d in repo.list_review_decisions(conn, organization_id, blueprint_id):
        if d["action"] == "add":
            added[str(d["detection_id"] or d["id"])] = d
    reviewed = _reviewed_rows(conn, blueprint_id)
    if reviewed is None:
        reviewed = [
            {
                "detection_id": k,
                "page_index": d["page_index"],
                "fixture_class": d["fixture_class"],
                "source": "detected",
                "sheet_number": None,
            }
            for k, d in raw.items()
        ]
    out = []
    for row in reviewed:
        det_id = str(row["detection_id"])
        base = raw.get(det_id) or added.get(det_id) or {}
        box = [base.get(k) for k in ("x0", "y0", "x1", "y1")]
        out.append(
            {
                "detection_id": det_id,
                "page_index": int(row["page_index"]),
                "sheet_number": row.get("sheet_number"),
                "fixture_class": row["fixture_class"],
                "source": row.get("source", "detected"),
                "bbox": [float(v) for v in box if v is not None] if None not in box else None,
                "confidence": float(base["confidence"]) if base.get("confidence") is not None else None,
                "method": base.get("method"),
                "tag": base.get("tag"),
            }
        )
    return out


def latest_bid(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> dict[str, Any] | None:
    """The newest bid of the blueprint with its lines, or None."""
    bid = repo.latest_bid(conn, organization_id, blueprint_id)
    if bid is None:
        return None
    bid = dict(bid)
    bid["lines"] = repo.bid_lines(conn, organization_id, str(bid["id"]))
    return bid


def blueprint_detail(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> dict[str, Any]:
    """Everything the status page needs, in one read."""
    blueprint = get_blueprint(conn, organization_id, blueprint_id)
    found = fixtures(conn, organization_id, blueprint["id"])
    return {
        **blueprint,
        "pages": repo.list_pages(conn, organization_id, blueprint["id"]),
        "fixtures": found,
        "fixture_counts": dict(sorted(Counter(f["fixture_class"] for f in found).items())),
        "bid": latest_bid(conn, organization_id, blueprint["id"]),
    }


def fixtures_checked(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> list[dict[str, Any]]:
    """:func:`fixtures` after checking the blueprint belongs to the organization (NotFoundError otherwise)."""
    blueprint = get_blueprint(conn, organization_id, blueprint_id)
    return fixtures(conn, organization_id, blueprint["id"])
