"""The reviewed takeoff: detections with the estimator's review decisions applied.

Per detection the latest decision wins: ``reject`` removes it, ``relabel`` changes its class, ``accept`` keeps
it. ``add`` decisions add fixtures the detector missed (a later reject/relabel of the added id applies too).
The result is the input contract of :func:`pipelineos.pricing.service.price_bid`.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import psycopg

from pipelineos.blueprints.processing import repository as repo
from pipelineos.blueprints.processing.errors import ReviewDecisionError
from pipelineos.takeoff.models import FIXTURE_CLASSES

TAKEOFF_SCHEMA: dict[str, Any] = {
    "detection_id": pl.String,
    "page_index": pl.Int32,
    "sheet_number": pl.String,
    "fixture_class": pl.String,
    "source": pl.String,
}


def apply_decisions(
    blueprint_id: str,
    detections: list[dict[str, Any]],
    decisions: list[dict[str, Any]],
    sheets: dict[int, str | None],
    classes: tuple[str, ...] = FIXTURE_CLASSES,
) -> pl.DataFrame:
    """Apply ``decisions`` (oldest first) to ``detections``; ReviewDecisionError on a malformed decision."""
    fixtures: dict[str, dict[str, Any]] = {
        d["detection_id"]: {
            "detection_id": d["detection_id"],
            "page_index": d["page_index"],
            "fixture_class": d["fixture_class"],
            "source": "detected",
        }
        for d in detections
    }
    latest: dict[str, dict[str, Any]] = {}
    for decision in decisions:
        action, decision_id = decision["action"], decision.get("decision_id", "?")
        if action in ("add", "relabel") and decision.get("fixture_class") not in classes:
            raise ReviewDecisionError(
                blueprint_id,
                f"review decision {decision_id} ({action}) names unknown fixture class "
                f"{decision.get('fixture_class')!r}; use one of {', '.join(classes)}",
            )
        if action == "add":
            if decision.get("page_index") is None:
                raise ReviewDecisionError(blueprint_id, f"review decision {decision_id} (add) has no page_index")
            if sheets and decision["page_index"] not in sheets:
                raise ReviewDecisionError(
                    blueprint_id,
                    f"review decision {decision_id} (add) is on page {decision['page_index'] + 1}, but the drawing "
                    f"has {len(sheets)} page(s); correct or delete the decision and re-run",
                )
            added_id = decision.get("detection_id") or decision_id
            fixtures[added_id] = {
                "detection_id": added_id,
                "page_index": decision["page_index"],
                "fixture_class": decision["fixture_class"],
                "source": "added",
            }
            latest.pop(added_id, None)
        elif action in ("accept", "reject", "relabel"):
            latest[decision["detection_id"]] = decision
        else:
            raise ReviewDecisionError(blueprint_id, f"review decision {decision_id} has unknown action {action!r}")
    rows = []
    for detection_id, fixture in fixtures.items():
        decision = latest.get(detection_id) or {"action": "accept"}
        if decision["action"] == "reject":
            continue
        if decision["action"] == "relabel" and decision["fixture_class"] != fixture["fixture_class"]:
            fixture = {
                **fixture,
                "fixture_class": decision["fixture_class"],
                "source": "relabeled" if fixture["source"] == "detected" else fixture["source"],
            }
        rows.append({**fixture, "sheet_number": sheets.get(fixture["page_index"])})
    frame = pl.DataFrame(rows, schema=TAKEOFF_SCHEMA, orient="row")
    return frame.sort("page_index", "fixture_class", "detection_id")


def reviewed_takeoff(conn: psycopg.Connection, blueprint_id: str) -> pl.DataFrame:
    """The blueprint's detections with review decisions applied.

    Columns: detection_id, page_index, sheet_number, fixture_class, source ('detected'|'relabeled'|'added').
    """
    detections = repo.rows(conn, "detections_of", blueprint_id=blueprint_id)
    decisions = repo.rows(conn, "decisions_of", blueprint_id=blueprint_id)
    sheets = {p["page_index"]: p["sheet_number"] for p in repo.rows(conn, "pages_of", blueprint_id=blueprint_id)}
    return apply_decisions(blueprint_id, detections, decisions, sheets)
