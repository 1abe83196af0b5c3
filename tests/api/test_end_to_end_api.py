"""A generated plan set uploaded through the API, processed in-process, then read back: fixtures, pages, bid."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_helpers import bearer

pytestmark = pytest.mark.anyio


async def test_upload_process_and_read_back(client, tokens, tmp_path: Path, users) -> None:
    generator = pytest.importorskip("pipelineos.samples.generator")
    pipeline = pytest.importorskip("pipelineos.blueprints.processing.pipeline")
    pdf = generator.generate_plan_set(tmp_path, sheets=1, seed=3)[0]
    upload = await client.post(
        "/api/blueprints/upload",
        headers=bearer(tokens["estimator"]),
        files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")},
    )
    assert upload.status_code == 202
    blueprint_id = upload.json()["blueprint"]["id"]
    result = pipeline.process_blueprint(blueprint_id, workers=1, send=False)
    assert result.status == "completed", result
    detail = (await client.get(f"/api/blueprints/{blueprint_id}", headers=bearer(tokens["viewer"]))).json()
    assert detail["status"] == "completed" and detail["page_count"] == 1
    assert detail["pages"][0]["image_url"].startswith("/api/files/pages/")
    image = await client.get(detail["pages"][0]["image_url"], headers=bearer(tokens["viewer"]))
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert sum(detail["fixture_counts"].values()) == len(detail["fixtures"]) > 0
    assert all(f["bbox"] is not None for f in detail["fixtures"] if f["source"] == "detected")
    bid = detail["bid"]
    assert bid is not None and bid["total"] > 0
    priced = {line["fixture_class"]: line["quantity"] for line in bid["lines"] if line["fixture_class"]}
    assert priced == {k: float(v) for k, v in detail["fixture_counts"].items()}
