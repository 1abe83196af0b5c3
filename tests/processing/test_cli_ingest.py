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


def test_ingest_reports_each_bad_file_and_still_processes_the_others(
    plan_set_pdf: Path, tmp_path: Path, seeded, smtp_sink, db: psycopg.Connection
) -> None:
    good = tmp_path / "good.pdf"
    good.write_bytes(plan_set_pdf.read_bytes() + b"\n%mixed batch\n")
    text = tmp_path / "notes.pdf"
    text.write_text("meeting notes, not a drawing\n")
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj <</Type /Catalog>> garbage, no xref, no trailer\n")
    missing = tmp_path / "missing.pdf"
    files = [text, good, missing, corrupt]
    result = runner.invoke(app, ["ingest", *map(str, files), "--json", "--no-send"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # exit 1 by choice, not a crash
    assert "Traceback" not in result.output
    out = {Path(r["file"]).name: r for r in json.loads(result.stdout)}
    assert [Path(r["file"]).name for r in json.loads(result.stdout)] == [f.name for f in files]
    assert out["good.pdf"]["status"] == "completed" and out["good.pdf"]["pages"] == 2
    for name, reason, advice in [
        ("notes.pdf", "not a supported drawing", "Upload a PDF"),
        ("missing.pdf", "no such file", "check the path"),
        ("corrupt.pdf", "cannot be read", "export it again"),
    ]:
        row = out[name]
        assert row["status"] == "failed"
        assert str(tmp_path / name) in row["error"] and reason in row["error"] and advice in row["error"]
    status = db.execute("select status, error from blueprints where id = %s", (out["corrupt.pdf"]["blueprint_id"],))
    row = status.fetchone()
    db.commit()
    assert row["status"] == "failed" and "cannot be read" in row["error"]
    assert out["notes.pdf"]["blueprint_id"] == "" and out["missing.pdf"]["blueprint_id"] == ""


def test_ingest_table_names_the_failed_files(tmp_path: Path, seeded) -> None:
    text = tmp_path / "readme.pdf"
    text.write_text("plain text\n")
    result = runner.invoke(app, ["ingest", str(text), str(tmp_path / "gone.pdf")], env={"COLUMNS": "400"})
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "readme.pdf" in result.stdout and "gone.pdf" in result.stdout
    assert result.stdout.count("failed") >= 2 and "Traceback" not in result.output


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
