"""Migrations apply to an empty database, are recorded, and refuse edited files."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest

from pipelineos.db.migrate import MigrationError, discover, migrate
from pipelineos.settings import REPO_ROOT
from pipelineos.testing import drop_test_database, with_database

EXPECTED_TABLES = {
    "organizations",
    "users",
    "refresh_tokens",
    "api_keys",
    "blueprints",
    "blueprint_pages",
    "fixture_detections",
    "review_decisions",
    "price_catalogs",
    "price_items",
    "assemblies",
    "assembly_items",
    "bids",
    "bid_lines",
    "proposals",
    "leads",
    "messages",
    "audit_log",
}


@pytest.fixture()
def empty_db(pg_admin_url: str):
    name = "mig_" + __import__("uuid").uuid4().hex[:10]
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')  # type: ignore[arg-type]
    yield with_database(pg_admin_url, name)
    drop_test_database(pg_admin_url, name)


def test_all_migrations_apply_to_empty_database(empty_db: str) -> None:
    applied = migrate(empty_db, REPO_ROOT / "sql")
    assert applied == [m.name for m in discover(REPO_ROOT / "sql")]
    with psycopg.connect(empty_db) as conn:
        tables = {r[0] for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")}
        missing_org = conn.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'public' and c.relkind = 'r' and c.relname not in "
            "('organizations', 'schema_migrations') and not exists (select 1 from information_schema.columns "
            "where table_name = c.relname and column_name = 'organization_id')"
        ).fetchall()
    assert tables >= EXPECTED_TABLES
    assert missing_org == [], "every business table carries organization_id"
    assert migrate(empty_db, REPO_ROOT / "sql") == []


def test_edited_migration_is_refused_by_name(empty_db: str, tmp_path: Path) -> None:
    sql_dir = tmp_path / "sql"
    shutil.copytree(REPO_ROOT / "sql", sql_dir)
    migrate(empty_db, sql_dir)
    first = sorted(sql_dir.glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- edited\n")
    with pytest.raises(MigrationError, match=first.name):
        migrate(empty_db, sql_dir)


def test_badly_named_migration_is_refused(tmp_path: Path) -> None:
    (tmp_path / "1_bad.sql").write_text("select 1;")
    with pytest.raises(MigrationError, match="NNNN_short_description"):
        discover(tmp_path)


def test_concurrent_starters_apply_each_migration_once(empty_db: str) -> None:
    """API, daemon and CLI may all migrate at start: the advisory lock lets exactly one apply each file."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: migrate(empty_db, REPO_ROOT / "sql"), range(3)))
    applied = [name for names in results for name in names]
    assert sorted(applied) == sorted(m.name for m in discover(REPO_ROOT / "sql"))
    with psycopg.connect(empty_db) as conn:
        recorded = conn.execute("select count(*), count(distinct version) from schema_migrations").fetchone()
    assert recorded == (len(applied), len(applied))


def test_failing_migration_leaves_nothing_half_applied(empty_db: str, tmp_path: Path) -> None:
    sql_dir = tmp_path / "sql"
    shutil.copytree(REPO_ROOT / "sql", sql_dir)
    (sql_dir / "9999_broken_change.sql").write_text("create table half_done (id int);\nselect * from no_such_table;")
    with pytest.raises(MigrationError, match="9999_broken_change"):
        migrate(empty_db, sql_dir)
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select to_regclass('half_done')").fetchone() == (None,)
        assert conn.execute("select count(*) from schema_migrations where version = '9999'").fetchone() == (0,)
