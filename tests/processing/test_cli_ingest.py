"""``pipelineos ingest`` and ``pipelineos rerun``: the whole chain in-process, from the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import psycopg
from typer.testing import CliRunner

from pipelineos.cli.main import app
from pipelineos.notify.messages import money
from pipelineos.storage import get_storage

runner = CliRunner()


def test_ingest_json_runs_the_whole_chain(plan_set_pdf: Path, seeded, smtp_sink, db: psycopg.Connection) -> None:
    result = runner.invoke(app, ["ingest", str(plan_set_pdf), "--json", "--customer-email", "gc@example.com"])
    assert result.exit_code == 0, result.output
    (out,) = json.loads(result.stdout)
    assert out["status"] == "completed" and out["pages"] == 2 and out["error"] is None
    row = db.execute("select status, page_count from blueprints where id = %s", (out["blueprint_id"],)).fetchone()
    assert row == {"status": "completed", "page_count": 2}
    bid = db.execute("select total from bids where id = %s", (out["bid_id"],)).fetchone()
    assert str(bid["total"]) == out["bid_total"]
    stored = db.execute(
        "select fixture_class, count(*) as n from reviewed_takeoff where blueprint_id = %s group by 1",
        (out["blueprint_id"],),
    ).fetchall()
    assert {r["fixture_class"]: r["n"] for r in stored} == out["fixtures"]
    db.commit()
    (mail,) = [m for m in smtp_sink.messages if m["To"] == "gc@example.com"]
    (pdf,) = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    import pymupdf

    with pymupdf.open(stream=io.BytesIO(pdf.get_payload(decode=True)), filetype="pdf") as doc:
        text = " ".join(page.get_text() for page in doc)
    assert money(bid["total"]) in text


def test_ingest_reports_a_missing_file(tmp_path: Path, seeded) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope.pdf"), "--json"])
    assert result.exit_code == 1
    assert "no such file" in json.loads(result.stdout)[0]["error"]


def test_rerun_brings_a_failed_blueprint_back(
    plan_set_pdf: Path, tmp_path: Path, register, smtp_sink, db: psycopg.Connection
) -> None:
    copy = tmp_path / "again.pdf"
    copy.write_bytes(plan_set_pdf.read_bytes() + b"\n%again\n")
    blueprint_id = register(copy)
    stored = get_storage().path_for(get_storage().put_file(copy).sha256)
    stored.rename(stored.with_suffix(".away"))  # the file vanishes before processing
    result = runner.invoke(app, ["rerun", blueprint_id, "--json"])
    assert result.exit_code == 1
    (out,) = json.loads(result.stdout)
    assert out["status"] == "failed" and blueprint_id in out["error"]
    row = db.execute("select status, error from blueprints where id = %s", (blueprint_id,)).fetchone()
    db.commit()
    assert row["status"] == "failed" and "missing from storage" in row["error"] and "again.pdf" in row["error"]
    stored.with_suffix(".away").rename(stored)
    again = runner.invoke(app, ["rerun", blueprint_id, "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)[0]["status"] == "completed"
    row = db.execute("select status, error from blueprints where id = %s", (blueprint_id,)).fetchone()
    assert row == {"status": "completed", "error": None}


def test_rerun_in_dagster_refuses_an_unknown_blueprint(seeded) -> None:
    unknown = "00000000-0000-0000-0000-000000000042"
    result = runner.invoke(app, ["rerun", unknown, "--dagster", "--url", "127.0.0.1:9"])
    assert result.exit_code == 1
    assert unknown in result.output and "no such blueprint" in result.output
