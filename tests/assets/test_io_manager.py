"""The PostgreSQL IO manager for Polars frames: a partition replaced in one transaction, types checked."""

from __future__ import annotations

import dagster as dg
import polars as pl
import psycopg
import pytest

METADATA = {"table": "reviewed_takeoff", "partition_column": "blueprint_id"}


@pytest.fixture()
def blueprint_id(seeded: dict[str, str], db: psycopg.Connection) -> str:
    row = db.execute(
        "insert into blueprints (organization_id, original_name, content_type, size_bytes, sha256) "
        "values (%s, 'io.pdf', 'application/pdf', 1, repeat('d', 64)) returning id::text as id",
        (seeded["organization_id"],),
    ).fetchone()
    db.commit()
    return row["id"]


def _frame(organization_id: str, n: int, fixture_class: str = "lavatory") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "organization_id": [organization_id] * n,
            "detection_id": [f"00000000-0000-0000-0000-{i:012d}" for i in range(n)],
            "page_index": list(range(n)),
            "sheet_number": ["P-101"] * n,
            "fixture_class": [fixture_class] * n,
            "source": ["detected"] * n,
            "run_id": ["run-x"] * n,
        },
        schema_overrides={"page_index": pl.Int32},
    )


def _output(blueprint_id: str) -> dg.OutputContext:
    return dg.build_output_context(
        asset_key=dg.AssetKey("reviewed_takeoff"), partition_key=blueprint_id, definition_metadata=METADATA
    )


def _count(db: psycopg.Connection, blueprint_id: str) -> int:
    n = db.execute("select count(*) as n from reviewed_takeoff where blueprint_id = %s", (blueprint_id,)).fetchone()
    db.commit()
    return n["n"]


def test_writes_replace_the_partition_and_read_back(resources, seeded, blueprint_id: str, db) -> None:
    io_manager = resources["postgres_io_manager"]
    io_manager.handle_output(_output(blueprint_id), _frame(seeded["organization_id"], 3))
    io_manager.handle_output(_output(blueprint_id), _frame(seeded["organization_id"], 2, "urinal"))
    assert _count(db, blueprint_id) == 2
    loaded = io_manager.load_input(
        dg.build_input_context(
            asset_key=dg.AssetKey("reviewed_takeoff"), partition_key=blueprint_id, upstream_output=_output(blueprint_id)
        )
    )
    assert loaded.height == 2 and loaded["fixture_class"].to_list() == ["urinal", "urinal"]
    assert loaded["blueprint_id"].unique().to_list() == [blueprint_id]


def test_a_frame_that_does_not_fit_the_table_is_refused_and_the_rows_stay(
    resources, seeded, blueprint_id: str, db
) -> None:
    io_manager = resources["postgres_io_manager"]
    io_manager.handle_output(_output(blueprint_id), _frame(seeded["organization_id"], 3))
    bad = _frame(seeded["organization_id"], 2).with_columns(page_index=pl.lit("first"))
    with pytest.raises(dg.Failure) as info:
        io_manager.handle_output(_output(blueprint_id), bad)
    assert info.value.description == (
        f"blueprint {blueprint_id}: reviewed_takeoff rows not written: column 'page_index' of table "
        "'reviewed_takeoff' is integer, but the frame holds String"
    )
    assert _count(db, blueprint_id) == 3


def test_a_blueprint_deleted_before_the_write_is_named(resources, seeded, blueprint_id: str, db) -> None:
    db.execute("delete from blueprints where id = %s", (blueprint_id,))
    db.commit()
    with pytest.raises(dg.Failure) as info:
        resources["postgres_io_manager"].handle_output(_output(blueprint_id), _frame(seeded["organization_id"], 2))
    assert info.value.description == f"blueprint {blueprint_id}: the blueprint was deleted while it was being processed"
