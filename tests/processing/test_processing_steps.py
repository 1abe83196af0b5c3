"""Pages, sheet index, detections and reviewed takeoff of a generated 2-sheet set on real PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pipelineos.blueprints.processing import steps
from pipelineos.blueprints.processing.errors import BlueprintGone, ProcessingError
from pipelineos.storage import get_storage


def _truth_counts(pdfs: list[Path]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pdf in pdfs:
        truth = json.loads(pdf.with_suffix(".truth.json").read_text())
        for fixture in truth["fixtures"]:
            if fixture.get("counted", True):
                counts[fixture["class"]] = counts.get(fixture["class"], 0) + 1
    return dict(sorted(counts.items()))


def _detect(blueprint_id: str, run_id: str) -> None:
    """The pipeline's steps from the stored file to stored detections (pages at 50 DPI)."""
    steps.start(blueprint_id, run_id)
    steps.write_pages(blueprint_id, run_id, dpi=50)
    steps.index_sheets(blueprint_id)
    _, frame = steps.detect(blueprint_id, run_id)
    steps.store_detections(blueprint_id, frame)


@pytest.fixture(scope="module")
def processed(register: Callable[..., str], plan_set_pdf: Path) -> str:
    blueprint_id = register(plan_set_pdf)
    _detect(blueprint_id, "run-1")
    steps.store_reviewed_takeoff(blueprint_id, steps.reviewed_takeoff(blueprint_id, "run-1"))
    return blueprint_id


def test_pages_stored_with_images_and_words(db: psycopg.Connection, processed: str) -> None:
    pages = db.execute(
        "select * from blueprint_pages where blueprint_id = %s order by page_index", (processed,)
    ).fetchall()
    assert [p["page_index"] for p in pages] == [0, 1]
    storage = get_storage()
    for page in pages:
        assert storage.read_bytes(page["image_sha256"].strip()).startswith(b"\x89PNG")
        words = json.loads(storage.read_bytes(page["text_sha256"].strip()))
        assert any(w[4] == f"P-{101 + page['page_index']}" for w in words["words"])
        assert page["is_vector"] and page["render_dpi"] == 50 and page["run_id"] == "run-1"
        assert (page["sheet_number"], page["discipline"], page["sheet_kind"]) == (
            f"P-{101 + page['page_index']}",
            "plumbing",
            "plan",
        )
    row = db.execute("select status, page_count from blueprints where id = %s", (processed,)).fetchone()
    assert row == {"status": "processing", "page_count": 2}


def test_detections_match_ground_truth_with_lineage(
    db: psycopg.Connection, processed: str, plan_pdfs: list[Path]
) -> None:
    rows = db.execute(
        "select fixture_class, count(*) as n, min(run_id) as run, min(detector_version) as dv, "
        "min(data_version) as data from fixture_detections where blueprint_id = %s group by 1",
        (processed,),
    ).fetchall()
    counts = {r["fixture_class"]: r["n"] for r in rows}
    truth = _truth_counts(plan_pdfs)
    assert sum(counts.values()) >= 0.95 * sum(truth.values())
    assert {r["run"] for r in rows} == {"run-1"}
    assert all(r["dv"] and r["data"] for r in rows)


def test_rerun_leaves_the_same_rows(db: psycopg.Connection, processed: str) -> None:
    def snapshot() -> tuple[int, int, int, list[str]]:
        ids = [
            r["id"]
            for r in db.execute(
                "select id::text as id from fixture_detections where blueprint_id = %s order by id",
                (processed,),
            ).fetchall()
        ]
        pages = db.execute(
            "select count(*) as n from blueprint_pages where blueprint_id = %s", (processed,)
        ).fetchone()["n"]
        reviewed = db.execute(
            "select count(*) as n from reviewed_takeoff where blueprint_id = %s", (processed,)
        ).fetchone()["n"]
        db.commit()
        return len(ids), pages, reviewed, ids

    before = snapshot()
    steps.write_pages(processed, "run-2", dpi=50)
    _, frame = steps.detect(processed, "run-2")
    steps.store_detections(processed, frame)
    steps.store_reviewed_takeoff(processed, steps.reviewed_takeoff(processed, "run-2"))
    assert snapshot() == before


def test_reviewed_takeoff_applies_decisions(db: psycopg.Connection, processed: str, seeded: dict[str, str]) -> None:
    first, second = db.execute(
        "select id::text as id, fixture_class from fixture_detections where blueprint_id = %s order by id limit 2",
        (processed,),
    ).fetchall()
    before = steps.reviewed_takeoff(processed, None)
    db.execute(
        "insert into review_decisions (organization_id, blueprint_id, detection_id, action) "
        "values (%s, %s, %s, 'reject')",
        (seeded["organization_id"], processed, first["id"]),
    )
    db.execute(
        "insert into review_decisions (organization_id, blueprint_id, detection_id, action, fixture_class) "
        "values (%s, %s, %s, 'relabel', 'service_sink')",
        (seeded["organization_id"], processed, second["id"]),
    )
    db.commit()
    after = steps.reviewed_takeoff(processed, None)
    assert after.height == before.height - 1
    assert first["id"] not in after["detection_id"].to_list()
    relabeled = after.filter(after["detection_id"] == second["id"]).row(0, named=True)
    assert (relabeled["fixture_class"], relabeled["source"]) == ("service_sink", "relabeled")
    assert relabeled["sheet_number"] in ("P-101", "P-102")


def test_vanished_file_names_blueprint_and_cause(
    register: Callable[..., str], tmp_path: Path, plan_pdfs: list[Path], db: psycopg.Connection
) -> None:
    copy = tmp_path / "lonely.pdf"
    copy.write_bytes(plan_pdfs[0].read_bytes() + b"\n%unique")
    blueprint_id = register(copy)
    sha = db.execute("select sha256 from blueprints where id = %s", (blueprint_id,)).fetchone()["sha256"]
    get_storage().path_for(sha.strip()).unlink()
    with pytest.raises(ProcessingError) as info:
        steps.start(blueprint_id, "run-x")
    assert blueprint_id in str(info.value) and "missing from storage" in str(info.value)


def test_deleted_blueprint_is_reported_as_gone(
    register: Callable[..., str], plan_pdfs: list[Path], db: psycopg.Connection
) -> None:
    blueprint_id = register(plan_pdfs[1])
    db.execute("delete from blueprints where id = %s", (blueprint_id,))
    db.commit()
    with pytest.raises(BlueprintGone) as info:
        steps.write_pages(blueprint_id, "run-y")
    assert f"blueprint {blueprint_id}" in str(info.value) and "deleted" in str(info.value)


def test_page_notes_are_stored_with_the_sheet(
    register: Callable[..., str], tmp_path: Path, plan_pdfs: list[Path], db: psycopg.Connection, seeded: dict
) -> None:
    """A sheet without a legend reads its symbols with the set's legend; the page row says so (and the detail)."""
    import pymupdf

    from pipelineos.blueprints.detail import blueprint_detail
    from pipelineos.db.pool import connection
    from pipelineos.samples.sheet import COLUMN_X

    out = tmp_path / "no-legend-on-p102.pdf"
    with pymupdf.open() as doc:
        for path in plan_pdfs:
            with pymupdf.open(path) as sheet:
                doc.insert_pdf(sheet)
        strip = pymupdf.Rect(COLUMN_X, 0, doc[1].rect.width, doc[1].rect.height)
        doc[1].add_redact_annot(strip, fill=(1, 1, 1))
        doc[1].apply_redactions(graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_TOUCHED)
        doc.save(out)
    blueprint_id = register(out)
    _detect(blueprint_id, "run-n")
    rows = db.execute(
        "select page_index, notes from blueprint_pages where blueprint_id = %s order by page_index", (blueprint_id,)
    ).fetchall()
    assert [r["notes"] for r in rows] == [[], ["legend symbols taken from P-101"]]
    with connection() as conn:
        pages = blueprint_detail(conn, seeded["organization_id"], blueprint_id)["pages"]
    assert pages[1]["notes"] == ["legend symbols taken from P-101"]
