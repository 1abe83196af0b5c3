"""Revision compare of a blueprint against the previous version of the same project (count deltas, overlay)."""

from __future__ import annotations

from typing import Any

import psycopg
from litestar import Response

from pipelineos.blueprints.service import parse_id
from pipelineos.errors import NotFoundError
from pipelineos.pricing.revisions import compare_with_previous


def _compare(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> dict[str, Any]:
    return compare_with_previous(conn, parse_id(blueprint_id), organization_id=organization_id)


def compare(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> dict[str, Any]:
    """Per-type count deltas and per-sheet changes, with the URL of the overlay image (null without sheets)."""
    result = _compare(conn, organization_id, blueprint_id)
    overlay = result.pop("overlay_png")
    url = f"/api/blueprints/{result['blueprint_id']}/revision-compare/overlay.png"
    return {**result, "overlay_url": url if overlay else None}


def overlay(conn: psycopg.Connection, organization_id: str, blueprint_id: str) -> Response[bytes]:
    """The overlay PNG: the current sheets greyed, changed regions orange, added fixtures green, removed red."""
    png = _compare(conn, organization_id, blueprint_id)["overlay_png"]
    if not png:
        raise NotFoundError("Neither version has sheets or fixtures to draw; there is no overlay.")
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, no-cache"})
