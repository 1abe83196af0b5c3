"""Estimator review decisions on detected fixtures: accept, reject, relabel, add — each with a reason,
audited."""

from __future__ import annotations

from typing import Any

import psycopg

from pipelineos.audit.service import record
from pipelineos.blueprints import repository as repo
from pipelineos.blueprints.service import get_blueprint, parse_id
from pipelineos.errors import NotFoundError, ValidationError
from pipelineos.takeoff.models import FIXTURE_CLASSES

ACTIONS = ("accept", "reject", "relabel", "add")


def _check_bbox(bbox: tuple[float, float, float, float] | None) -> tuple[float, float, float, float]:
    if bbox is None or len(bbox) != 4:
        raise ValidationError("An added fixture needs bbox [x0, y0, x1, y1] normalized to 0..1.")
    x0, y0, x1, y1 = (float(v) for v in bbox)
    if not all(0.0 <= v <= 1.0 for v in (x0, y0, x1, y1)) or x0 >= x1 or y0 >= y1:
        raise ValidationError("bbox must satisfy 0 ≤ x0 < x1 ≤ 1 and 0 ≤ y0 < y1 ≤ 1.")
    return x0, y0, x1, y1


def _known_target(conn: psycopg.Connection, organization_id: str, blueprint_id: str, detection_id: str) -> bool:
    if repo.detection_exists(conn, organization_id, blueprint_id, detection_id):
        return True
    added = repo.list_review_decisions(conn, organization_id, blueprint_id)
    return any(d["action"] == "add" and detection_id in (str(d["id"]), str(d["detection_id"])) for d in added)


def record_decision(
    conn: psycopg.Connection,
    *,
    organization_id: str,
    blueprint_id: str,
    action: str,
    user_id: str | None,
    reason: str = "",
    detection_id: str | None = None,
    fixture_class: str | None = None,
    page_index: int | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    request_id: str | None = None,
) -> dict[str, Any]:
    """Validate and store one decision plus its audit entry; returns the stored decision."""
    blueprint = get_blueprint(conn, organization_id, blueprint_id)
    if action not in ACTIONS:
        raise ValidationError(f"Unknown action {action!r}; use one of {', '.join(ACTIONS)}.")
    reason = (reason or "").strip()
    if "\x00" in reason or len(reason) > 1000:
        raise ValidationError("reason must be at most 1000 characters of text.")
    if action != "accept" and not reason:
        raise ValidationError(f"A {action} decision needs a reason (what was wrong with the detection).")
    if action in ("add", "relabel") and fixture_class not in FIXTURE_CLASSES:
        raise ValidationError(f"fixture_class {fixture_class!r} is unknown; use one of {', '.join(FIXTURE_CLASSES)}.")
    coords: tuple[float | None, ...] = (None, None, None, None)
    if action == "add":
        coords = _check_bbox(bbox)
        if (
            page_index is None
            or page_index < 0
            or (blueprint.get("page_count") is not None and page_index >= blueprint["page_count"])
        ):
            raise ValidationError("page_index must name a page of the blueprint (0-based).")
        detection_id = None
    else:
        if detection_id is None:
            raise ValidationError(f"A {action} decision needs the detection_id it applies to.")
        detection_id = parse_id(detection_id, "detection")
        if not _known_target(conn, organization_id, blueprint["id"], detection_id):
            raise NotFoundError(f"No detection {detection_id} on blueprint {blueprint['id']}.")
        fixture_class = fixture_class if action == "relabel" else None
        page_index = None
    row = repo.insert_review_decision(
        conn,
        organization_id=organization_id,
        blueprint_id=blueprint["id"],
        detection_id=detection_id,
        action=action,
        fixture_class=fixture_class,
        page_index=page_index,
        x0=coords[0],
        y0=coords[1],
        x1=coords[2],
        y1=coords[3],
        reason=reason,
        user_id=user_id,
    )
    decision = {
        k: (str(v) if k in ("id", "blueprint_id", "detection_id", "user_id") and v is not None else v)
        for k, v in row.items()
    }
    record(
        conn,
        organization_id=organization_id,
        actor_user_id=user_id,
        action=f"review.{action}",
        entity="blueprint",
        entity_id=blueprint["id"],
        request_id=request_id,
        details={
            "decision_id": decision["id"],
            "detection_id": decision["detection_id"],
            "fixture_class": fixture_class,
            "reason": reason,
        },
    )
    return decision


def list_decisions(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> list[dict[str, Any]]:
    """The blueprint's decisions, oldest first."""
    blueprint = get_blueprint(conn, organization_id, blueprint_id)
    rows = repo.list_review_decisions(conn, organization_id, blueprint["id"])
    return [
        {
            k: (str(v) if k in ("id", "blueprint_id", "detection_id", "user_id") and v is not None else v)
            for k, v in r.items()
        }
        for r in rows
    ]
