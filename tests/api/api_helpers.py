"""Helpers shared by the API tests (imported as ``api_helpers``)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from litestar.testing import AsyncTestClient
from PIL import Image, PngImagePlugin
from psycopg.rows import dict_row

PASSWORD = "role-password-123"


async def login(client: AsyncTestClient, email: str, password: str) -> dict[str, Any]:
    response = await client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with ``status`` and a useful detail."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.text
    return body


@dataclass(frozen=True)
class SeededBlueprint:
    id: str
    detection_ids: list[str]
    page_image_sha256: str


def _png_text(value: str) -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("seed", value)  # a unique image per blueprint
    return info


def seed_blueprint(db_url: str, organization_id: str, classes: Sequence[str]) -> SeededBlueprint:
    """A completed blueprint with one rendered page (its PNG in storage) and one detection per class, as the
    pipeline would leave it."""
    from pipelineos.storage import get_storage

    image = io.BytesIO()
    Image.new("RGB", (64, 48), (255, 255, 255)).save(image, format="PNG", pnginfo=_png_text(uuid.uuid4().hex))
    png = get_storage().put_bytes(image.getvalue())
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        bp = conn.execute(
            "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256, status, "
            "page_count, customer_email, project_name) values (%s, 'p.pdf', 'application/pdf', 10, %s, "
            "'completed', 1, 'owner@example.com', 'Clinic') returning id",
            (organization_id, uuid.uuid4().hex * 2),
        ).fetchone()["id"]
        conn.execute(
            "insert into blueprint_pages (organization_id, blueprint_id, page_index, width_pt, height_pt, "
            "render_dpi, image_sha256, is_vector, sheet_number, notes) values (%s, %s, 0, 792, 612, 100, %s, true, "
            "'P-101', array['legend symbols taken from P-001'])",
            (organization_id, bp, png.sha256),
        )
        ids = [str(uuid.uuid4()) for _ in classes]
        for i, (det_id, cls) in enumerate(zip(ids, classes, strict=True)):
            conn.execute(
                "insert into fixture_detections (id, organization_id, blueprint_id, page_index, fixture_class, "
                "x0, y0, x1, y1, confidence, method, detector_version) values "
                "(%s, %s, %s, 0, %s, %s, 0.1, %s, 0.2, 0.9, 'vector_tag', 't')",
                (det_id, organization_id, bp, cls, 0.01 * i, 0.01 * i + 0.005),
            )
    return SeededBlueprint(str(bp), ids, png.sha256)
