"""Revision compare: a new blueprint version against the previous one of the same project.

:func:`compare_with_previous` finds the previous version itself: the blueprint's ``previous_blueprint_id``,
else the latest earlier upload with the same project name. Per fixture class the count delta; per matched
sheet (by sheet number, else page index) the fixtures added and removed (same class, centre moved less than
2 % of the page counts as unchanged) and the regions whose pixels changed between the two rendered page images
(OpenCV absdiff → threshold → dilate → contours). The overlay PNG shows the current sheet greyed, changed
regions in orange, added fixtures in green and removed ones in red. Without stored page images the overlay is
drawn on a blank sheet from the detections alone.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import cv2
import numpy as np
import psycopg

from pipelineos.errors import NotFoundError
from pipelineos.pricing import repository

WIDTH = 1000
MATCH_DISTANCE = 0.02
GREEN, RED, ORANGE = (40, 160, 40), (30, 30, 220), (0, 140, 255)


def _center(d: dict[str, Any]) -> tuple[float, float]:
    return ((d["x0"] + d["x1"]) / 2, (d["y0"] + d["y1"]) / 2)


def _unmatched(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Detections of ``a`` with no detection of the same class in ``b`` near the same place."""
    free = list(b)
    out = []
    for d in a:
        cx, cy = _center(d)
        hit = next(
            (
                o
                for o in free
                if o["fixture_class"] == d["fixture_class"]
                and abs(_center(o)[0] - cx) <= MATCH_DISTANCE
                and abs(_center(o)[1] - cy) <= MATCH_DISTANCE
            ),
            None,
        )
        if hit is None:
            out.append(d)
        else:
            free.remove(hit)
    return out


def _image(storage: Any, sha: str | None) -> np.ndarray | None:
    if storage is None or not sha:
        return None
    try:
        data = storage.read_bytes(sha)
    except Exception:
        return None
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if img is None:
        return None
    return cv2.resize(img, (WIDTH, round(img.shape[0] * WIDTH / img.shape[1])), interpolation=cv2.INTER_AREA)


def changed_regions(before: np.ndarray, after: np.ndarray, min_area: int = 30) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x, y, w, h in ``after`` pixels) of areas that differ between two grey images."""
    before = cv2.resize(before, (after.shape[1], after.shape[0]), interpolation=cv2.INTER_AREA)
    diff = cv2.absdiff(before, after)
    _, mask = cv2.threshold(diff, 40, 255, cv2.THRESH_BINARY)
    mask = cv2.dilate(mask, np.ones((9, 9), np.uint8), iterations=2)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes = [cv2.boundingRect(c) for c in contours if cv2.contourArea(c) >= min_area]
    return sorted((int(x), int(y), int(w), int(h)) for x, y, w, h in boxes)


def _overlay(
    current: np.ndarray | None,
    previous: np.ndarray | None,
    added: list[dict[str, Any]],
    removed: list[dict[str, Any]],
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    base = current if current is not None else np.full((round(WIDTH * 0.647), WIDTH), 255, np.uint8)
    regions = changed_regions(previous, current) if current is not None and previous is not None else []
    canvas = cv2.cvtColor((base * 0.5 + 127).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    h, w = base.shape
    for x, y, rw, rh in regions:
        cv2.rectangle(canvas, (x, y), (x + rw, y + rh), ORANGE, 2)
    for color, dets in ((GREEN, added), (RED, removed)):
        for d in dets:
            cv2.rectangle(
                canvas,
                (int(d["x0"] * w) - 3, int(d["y0"] * h) - 3),
                (int(d["x1"] * w) + 3, int(d["y1"] * h) + 3),
                color,
                3,
            )
    return canvas, regions


def _reviewed_counts(conn: psycopg.Connection, blueprint_id: str) -> dict[str, int]:
    """Fixtures per class after the estimator's review (rejected dropped, relabels and additions applied)."""
    from pipelineos.blueprints.processing.review import reviewed_takeoff

    return dict(Counter(reviewed_takeoff(conn, blueprint_id)["fixture_class"].to_list()))


def compare_revisions(
    conn: psycopg.Connection, blueprint_id: str, previous_blueprint_id: str, storage: Any = None
) -> dict[str, Any]:
    """Count deltas per fixture class and an overlay PNG of the changed regions (stacked per sheet)."""
    for bid in (blueprint_id, previous_blueprint_id):
        if repository.one(conn, "get_blueprint", blueprint_id=bid) is None:
            raise NotFoundError(f"Blueprint {bid} not found.")
    if storage is None:
        from pipelineos.storage import get_storage

        storage = get_storage()
    now, before = _reviewed_counts(conn, blueprint_id), _reviewed_counts(conn, previous_blueprint_id)
    deltas = [
        {
            "fixture_class": c,
            "previous": before.get(c, 0),
            "current": now.get(c, 0),
            "delta": now.get(c, 0) - before.get(c, 0),
        }
        for c in sorted(set(now) | set(before))
    ]
    pages_now = repository.rows(conn, "blueprint_pages", blueprint_id=blueprint_id)
    pages_before = repository.rows(conn, "blueprint_pages", blueprint_id=previous_blueprint_id)
    dets_now = repository.rows(conn, "blueprint_detections", blueprint_id=blueprint_id)
    dets_before = repository.rows(conn, "blueprint_detections", blueprint_id=previous_blueprint_id)
    index_now = sorted({p["page_index"] for p in pages_now} | {d["page_index"] for d in dets_now})
    sheets: list[dict[str, Any]] = []
    panels = []
    for page_index in index_now:
        page = next((p for p in pages_now if p["page_index"] == page_index), {})
        old = next(
            (p for p in pages_before if page.get("sheet_number") and p["sheet_number"] == page.get("sheet_number")),
            None,
        )
        old = old or next((p for p in pages_before if p["page_index"] == page_index), {})
        old_index = old.get("page_index", page_index)
        cur = [d for d in dets_now if d["page_index"] == page_index]
        prev = [d for d in dets_before if d["page_index"] == old_index]
        added, removed = _unmatched(cur, prev), _unmatched(prev, cur)
        canvas, regions = _overlay(
            _image(storage, page.get("image_sha256")),
            _image(storage, old.get("image_sha256")),
            added,
            removed,
        )
        panels.append(canvas)
        sheets.append(
            {
                "page_index": page_index,
                "sheet_number": page.get("sheet_number"),
                "added": [d["fixture_class"] for d in added],
                "removed": [d["fixture_class"] for d in removed],
                "changed_regions": regions,
            }
        )
    overlay = None
    if panels:
        width = max(p.shape[1] for p in panels)
        stacked = np.vstack(
            [
                cv2.copyMakeBorder(p, 0, 10, 0, width - p.shape[1], cv2.BORDER_CONSTANT, value=(255, 255, 255))
                for p in panels
            ]
        )
        overlay = cv2.imencode(".png", stacked)[1].tobytes()
    return {
        "blueprint_id": blueprint_id,
        "previous_blueprint_id": previous_blueprint_id,
        "deltas": deltas,
        "sheets": sheets,
        "overlay_png": overlay,
    }


def compare_with_previous(
    conn: psycopg.Connection, blueprint_id: str, storage: Any = None, *, organization_id: str | None = None
) -> dict[str, Any]:
    """:func:`compare_revisions` against the previous version of the same project (NotFoundError if none).

    With ``organization_id`` both versions must belong to that organization (otherwise NotFoundError, as for a
    blueprint that does not exist).
    """
    found = repository.one(conn, "previous_revision", blueprint_id=blueprint_id)
    if found is None or not _owned(conn, blueprint_id, organization_id):
        raise NotFoundError(f"Blueprint {blueprint_id} not found.")
    if found["previous_id"] is None or not _owned(conn, str(found["previous_id"]), organization_id):
        raise NotFoundError(
            f"Blueprint {blueprint_id} has no previous version: upload the revision with the same project name "
            "or link it to the earlier blueprint."
        )
    return compare_revisions(conn, blueprint_id, str(found["previous_id"]), storage)


def _owned(conn: psycopg.Connection, blueprint_id: str, organization_id: str | None) -> bool:
    if organization_id is None:
        return True
    row = repository.one(conn, "get_blueprint", blueprint_id=blueprint_id)
    return row is not None and str(row["organization_id"]) == organization_id
