"""The review model: detections + saved decisions + unsaved decisions + thresholds → what the estimator sees.

Pure functions over plain rows (no Streamlit), so the rules are tested directly:

* a detection's decision is its unsaved one if any, else its latest saved one;
* accept keeps the class, relabel changes it, reject drops it;
* an undecided detection at or above the auto-accept threshold counts as accepted (``origin = "auto"``);
* an undecided detection below the show threshold is hidden from the sheet but still counted, exactly as the
  pipeline's reviewed takeoff counts it (only a reject removes a detection); decided ones always show;
* fixtures added by hand count under their class.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl
import psycopg

from dashboard.utils.db import fetch_all
from pipelineos.audit.service import record
from pipelineos.takeoff.models import FIXTURE_CLASSES

ACTIONS = ("accept", "reject", "relabel", "add")
DEFAULT_REASONS = {"reject": "not a fixture (rejected in review)", "relabel": "wrong fixture type", "add": "missed"}
"""The API refuses a reject, relabel or add without a reason; these stand in when the estimator gives none."""
PENDING_KEY = "review_pending"
Row = dict[str, Any]
FRAME_SCHEMA = {
    "id": pl.String,
    "page_index": pl.Int64,
    "fixture_class": pl.String,
    "label": pl.String,
    "confidence": pl.Float64,
    "x0": pl.Float64,
    "y0": pl.Float64,
    "x1": pl.Float64,
    "y1": pl.Float64,
    "tag": pl.String,
    "status": pl.String,
    "origin": pl.String,
    "shown": pl.Boolean,
    "counted": pl.Boolean,
}


class ReviewInputError(ValueError):
    """A decision that cannot be recorded (unknown class, box outside the sheet…)."""


@dataclass(frozen=True)
class Decision:
    """One unsaved decision; ``detection_id`` is None only for an added fixture."""

    action: str
    detection_id: str | None = None
    fixture_class: str | None = None
    page_index: int | None = None
    x0: float | None = None
    y0: float | None = None
    x1: float | None = None
    y1: float | None = None
    reason: str = ""

    def key(self) -> str:
        """Pending decisions are keyed so a later choice for the same detection replaces the earlier one."""
        return self.detection_id or f"add:{self.page_index}:{self.x0:.4f}:{self.y0:.4f}:{self.fixture_class}"


def make_decision(
    action: str,
    detection_id: str | None = None,
    fixture_class: str | None = None,
    page_index: int | None = None,
    bbox: Iterable[float] | None = None,
    reason: str = "",
) -> Decision:
    """Validate and build a decision; raises :class:`ReviewInputError` with a message for the user."""
    reason = " ".join((reason or "").split())[:1000] or DEFAULT_REASONS.get(action, "")
    if action not in ACTIONS:
        raise ReviewInputError(f"Unknown review action {action!r}; use one of {', '.join(ACTIONS)}.")
    if action in ("relabel", "add") and fixture_class not in FIXTURE_CLASSES:
        raise ReviewInputError(f"Choose a fixture type from the list (got {fixture_class!r}).")
    if action != "add":
        if not detection_id:
            raise ReviewInputError("Select a detection first.")
        return Decision(action, detection_id, fixture_class if action == "relabel" else None, reason=reason)
    box = [float(v) for v in (bbox or ())]
    if len(box) != 4 or not all(0.0 <= v <= 1.0 for v in box) or box[0] >= box[2] or box[1] >= box[3]:
        raise ReviewInputError("Draw the missed fixture's box inside the sheet (x0 < x1, y0 < y1, all 0–1).")
    if page_index is None or page_index < 0:
        raise ReviewInputError("Choose the sheet the missed fixture is on.")
    x0, y0, x1, y1 = box
    return Decision("add", None, fixture_class, page_index, x0, y0, x1, y1, reason=reason)


def pending_for(state: Any, blueprint_id: str) -> dict[str, Row]:
    """Unsaved decisions of one blueprint (a dict in session state, keyed by :meth:`Decision.key`)."""
    return state.get(PENDING_KEY, {}).get(blueprint_id, {})


def pending_count(state: Any) -> int:
    """Unsaved decisions over every blueprint of the session."""
    return sum(len(v) for v in state.get(PENDING_KEY, {}).values())


def drop_pending(state: Any, blueprint_id: str) -> None:
    """Forget one blueprint's unsaved decisions (after saving, or when the estimator discards them)."""
    state.get(PENDING_KEY, {}).pop(blueprint_id, None)


def add_pending(state: Any, blueprint_id: str, decisions: Iterable[Decision]) -> int:
    """Record unsaved decisions in the session (they survive an expired sign-in); returns how many."""
    store = state.setdefault(PENDING_KEY, {})
    bucket = dict(store.get(blueprint_id, {}))
    n = 0
    for decision in decisions:
        bucket[decision.key()] = asdict(decision)
        n += 1
    store[blueprint_id] = bucket
    state[PENDING_KEY] = store
    return n


def effective_frame(
    detections: list[Row],
    saved: Mapping[str, Row],
    added: list[Row],
    pending: Mapping[str, Row],
    show_above: float,
    auto_accept_above: float,
) -> pl.DataFrame:
    """One row per detection or added fixture with its current label, status, origin and visibility."""
    rows: list[Row] = []
    for det in detections:
        det_id = str(det["id"])
        decision, origin = (pending[det_id], "unsaved") if det_id in pending else (saved.get(det_id), "saved")
        conf = float(det["confidence"])
        label, status = det["fixture_class"], "undecided"
        if decision is not None:
            status = "rejected" if decision["action"] == "reject" else "accepted"
            if decision["action"] == "relabel":
                label = decision["fixture_class"]
        elif conf >= auto_accept_above:
            status, origin = "accepted", "auto"
        else:
            origin = "detector"
        shown = decision is not None or conf >= show_above
        rows.append(
            {
                **{k: det[k] for k in ("page_index", "fixture_class", "x0", "y0", "x1", "y1")},
                "id": det_id,
                "label": label,
                "confidence": conf,
                "tag": det.get("tag"),
                "status": status,
                "origin": origin,
                "shown": shown,
                "counted": status != "rejected",
            }
        )
    extra = [(a, "saved") for a in added] + [(p, "unsaved") for p in pending.values() if p["action"] == "add"]
    for add, origin in extra:
        rows.append(
            {
                "id": str(add.get("id") or f"new-{uuid.uuid5(uuid.NAMESPACE_OID, json.dumps(add, default=str))}"),
                "page_index": add["page_index"],
                "fixture_class": add["fixture_class"],
                "label": add["fixture_class"],
                "confidence": 1.0,
                "tag": None,
                "status": "accepted",
                "origin": f"added ({origin})",
                "shown": True,
                "counted": True,
                **{k: float(add[k]) for k in ("x0", "y0", "x1", "y1")},
            }
        )
    return pl.DataFrame(rows, schema=FRAME_SCHEMA, orient="row")


def counts_by_sheet(frame: pl.DataFrame, sheet_names: Mapping[int, str]) -> pl.DataFrame:
    """Counted fixtures per type (rows) and sheet (columns), with a total column."""
    counted = frame.filter(pl.col("counted")).with_columns(
        pl.col("page_index")
        .replace_strict(dict(sheet_names), default=None, return_dtype=pl.String)
        .fill_null(pl.format("page {}", pl.col("page_index") + 1))
        .alias("sheet")
    )
    if counted.height == 0:
        return pl.DataFrame(schema={"fixture type": pl.String, "total": pl.Int64})
    table = counted.pivot(on="sheet", index="label", values="id", aggregate_function="len").fill_null(0)
    order = [sheet_names[i] for i in sorted(sheet_names)]
    sheets = sorted(
        (c for c in table.columns if c != "label"),
        key=lambda c: (c not in order, order.index(c) if c in order else 0, c),
    )
    return (
        table.select("label", *[pl.col(c).cast(pl.Int64) for c in sheets])
        .with_columns(pl.sum_horizontal(sheets).cast(pl.Int64).alias("total"))
        .rename({"label": "fixture type"})
        .sort("fixture type")
    )


def schedule_mismatches(counts: Mapping[str, int], schedule: Mapping[str, int]) -> list[Row]:
    """Types whose reviewed count differs from the fixture schedule's quantity (a missing side counts 0)."""
    out = []
    for cls in sorted(set(counts) | set(schedule)):
        have, want = int(counts.get(cls, 0)), schedule.get(cls)
        if want is None:
            continue
        if have != want:
            out.append({"fixture type": cls, "schedule": int(want), "counted": have, "difference": have - want})
    return out


def load_review(
    conn: psycopg.Connection,
    organization_id: str,
    blueprint_id: str,
) -> tuple[list[Row], dict[str, Row], list[Row]]:
    """Detections, latest saved decision per detection and saved added fixtures of one blueprint."""
    params = {"organization_id": organization_id, "blueprint_id": blueprint_id}
    detections = fetch_all("page_detections", conn, **params)
    saved = {r["detection_id"]: r for r in fetch_all("latest_decisions", conn, **params)}
    added = fetch_all("added_fixtures", conn, **params)
    return detections, saved, added


def save_decisions(
    conn: psycopg.Connection, organization_id: str, blueprint_id: str, user_id: str, decisions: Iterable[Row]
) -> int:
    """Write decisions to ``review_decisions`` and one ``audit_log`` row, in the caller's transaction."""
    written = 0
    summary: dict[str, int] = {}
    for d in decisions:
        fetch_all(
            "insert_decision",
            conn,
            organization_id=organization_id,
            blueprint_id=blueprint_id,
            user_id=user_id,
            **{k: d.get(k) for k in ("detection_id", "action", "fixture_class", "page_index", "x0", "y0", "x1", "y1")},
            reason=d.get("reason") or "",
        )
        summary[d["action"]] = summary.get(d["action"], 0) + 1
        written += 1
    if written:
        record(
            conn,
            organization_id=organization_id,
            actor_user_id=user_id,
            action="review.decisions_saved",
            entity="blueprint",
            entity_id=blueprint_id,
            details={"count": written, "by_action": summary, "source": "dashboard"},
        )
    return written


def hidden_undecided(frame: pl.DataFrame) -> list[str]:
    """Ids of undecided detections the show threshold hides (they still count until rejected)."""
    return frame.filter(~pl.col("shown") & (pl.col("status") == "undecided"))["id"].to_list()


def auto_accept_decisions(frame: pl.DataFrame, threshold: float) -> list[Row]:
    """Accept decisions for every detection the auto-accept threshold accepted, to be saved with the rest."""
    auto = frame.filter(pl.col("origin") == "auto")
    return [
        asdict(Decision("accept", r["id"], reason=f"auto-accept at confidence >= {threshold:.2f}"))
        for r in auto.iter_rows(named=True)
    ]
