"""Polars frames into PostgreSQL tables with COPY: partition replaced, types checked."""

from __future__ import annotations

import polars as pl
import psycopg
import pytest

from pipelineos.blueprints.processing.errors import FrameSchemaError
from pipelineos.blueprints.processing.frames import read_partition, replace_partition


@pytest.fixture()
def bp_ids(db: psycopg.Connection, seeded: dict[str, str]) -> tuple[str, str, str]:
    org = seeded["organization_id"]
    ids = []
    for name in ("a.pdf", "b.pdf"):
        row = db.execute(
            "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256) "
            "values (%s, %s, 'application/pdf', 1, repeat('a', 64)) returning id::text as id",
            (org, name),
        ).fetchone()
        ids.append(row["id"])
    db.commit()
    return org, ids[0], ids[1]


def _takeoff(org: str, n: int, cls: str = "lavatory") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "organization_id": [org] * n,
            "detection_id": [f"00000000-0000-0000-0000-{i:012d}" for i in range(n)],
            "page_index": list(range(n)),
            "sheet_number": ["P-101"] * n,
            "fixture_class": [cls] * n,
            "source": ["detected"] * n,
        }
    )


def test_replace_partition_replaces_only_that_partition(db: psycopg.Connection, bp_ids: tuple[str, str, str]):
    org, a, b = bp_ids
    assert replace_partition(db, "reviewed_takeoff", _takeoff(org, 3), {"blueprint_id": a}) == 3
    assert replace_partition(db, "reviewed_takeoff", _takeoff(org, 2), {"blueprint_id": b}) == 2
    db.commit()
    # re-writing a partition replaces its rows and leaves the other alone
    assert replace_partition(db, "reviewed_takeoff", _takeoff(org, 4, "urinal"), {"blueprint_id": a}) == 4
    db.commit()
    found = db.execute("select blueprint_id::text as bp, count(*) as n from reviewed_takeoff group by 1").fetchall()
    counts = {r["bp"]: r["n"] for r in found}
    assert counts == {a: 4, b: 2}
    frame = read_partition(db, "reviewed_takeoff", {"blueprint_id": a})
    assert frame.height == 4
    assert frame["fixture_class"].unique().to_list() == ["urinal"]
    assert frame.schema["page_index"] == pl.Int32
    assert frame["blueprint_id"].unique().to_list() == [a]


def test_failed_write_leaves_the_old_rows(db: psycopg.Connection, bp_ids: tuple[str, str, str]):
    org, a, _ = bp_ids
    replace_partition(db, "reviewed_takeoff", _takeoff(org, 2), {"blueprint_id": a})
    db.commit()
    bad = _takeoff(org, 2).with_columns(source=pl.lit("guessed"))  # violates the check constraint
    with pytest.raises(psycopg.errors.CheckViolation):
        replace_partition(db, "reviewed_takeoff", bad, {"blueprint_id": a})
    db.rollback()
    assert db.execute("select count(*) as n from reviewed_takeoff where blueprint_id = %s", (a,)).fetchone()["n"] == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda f: f.with_columns(page_index=pl.lit("one")),
            "column 'page_index' of table 'reviewed_takeoff' is integer, but the frame holds String",
        ),
        (
            lambda f: f.with_columns(colour=pl.lit("red")),
            "column 'colour' is not in table 'reviewed_takeoff'",
        ),
        (lambda f: f.drop("fixture_class"), "needs columns the frame lacks: fixture_class"),
        (
            lambda f: f.with_columns(fixture_class=pl.lit(None, dtype=pl.String)),
            "is NOT NULL but the frame has",
        ),
    ],
)
def test_type_checks_name_the_column(db: psycopg.Connection, bp_ids: tuple[str, str, str], change, message: str):
    org, a, _ = bp_ids
    with pytest.raises(FrameSchemaError) as info:
        replace_partition(db, "reviewed_takeoff", change(_takeoff(org, 2)), {"blueprint_id": a})
    assert message in str(info.value)
    db.rollback()
