"""`pipelineos demo` end to end: the proposal it leaves lists the same counts and total the database holds."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pymupdf
from psycopg.rows import dict_row
from typer.testing import CliRunner

from pipelineos.cli.main import app


def test_demo_prints_summary_and_leaves_matching_proposal(app_env: dict[str, str], db_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "bid total" in result.output
    pdfs = sorted(tmp_path.glob("proposal-*.pdf"))
    assert len(pdfs) == 1
    with pymupdf.open(pdfs[0]) as doc:
        text = " ".join(page.get_text() for page in doc)
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        counts = conn.execute(
            "select fixture_class, count(*)::int as n from fixture_detections group by fixture_class"
        ).fetchall()
        bid = conn.execute("select total from bids order by created_at desc limit 1").fetchone()
        sent = conn.execute("select status, recipient from messages where kind = 'proposal'").fetchall()
    assert counts, "the demo sheets have fixtures"
    assert bid is not None
    assert f"{bid['total']:,.2f}" in text
    assert f"{bid['total']:,.2f}" in result.output
    flat = re.sub(r"\s+", " ", text).lower()
    for row in counts:
        label = row["fixture_class"].replace("_", " ")
        assert label in flat, f"{label} missing from the proposal"
        assert re.search(rf"{label}[^0-9]{{0,80}}\b{row['n']}\b", flat), f"count of {label} not in proposal"
    assert [m["status"] for m in sent] == ["sent"]
    emails = sorted(tmp_path.glob("message-*.eml"))
    assert emails and b"application/pdf" in emails[-1].read_bytes()
