"""Forward-only migrations from ``sql/NNNN_short_description.sql``.

Each file runs in its own transaction under a session advisory lock, so concurrent starters (API, Dagster, CLI)
apply it once. Applied files are recorded with a sha256 checksum; a file edited after it was applied is refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

LOCK_ID = 0x5049_5045  # "PIPE"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    """A migration cannot be applied; the message names the file and what to do."""


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path
    checksum: str


def discover(sql_dir: Path) -> list[Migration]:
    """Migration files in version order; a badly named or duplicated version is an error."""
    found: dict[str, Migration] = {}
    for path in sorted(sql_dir.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path}: migration files must be named NNNN_short_description.sql")
        version = match.group(1)
        if version in found:
            raise MigrationError(f"{path}: version {version} is used by {found[version].path.name} too")
        checksum = hashlib.sha256(path.read_bytes()).hexdigest()
        found[version] = Migration(version, path.stem, path, checksum)
    return [found[v] for v in sorted(found)]


def migrate(url: str, sql_dir: Path) -> list[str]:
    """Apply pending migrations; return the names applied in this call."""
    migrations = discover(sql_dir)
    applied_now: list[str] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", (LOCK_ID,))
        try:
            conn.execute(
                "create table if not exists schema_migrations ("
                " version text primary key, name text not null, checksum text not null,"
                " applied_at timestamptz not null default now())"
            )
            rows = conn.execute("select version, name, checksum from schema_migrations").fetchall()
            applied: dict[str, tuple[str, str]] = {version: (name, checksum) for version, name, checksum in rows}
            for migration in migrations:
                if migration.version in applied:
                    name, checksum = applied[migration.version]
                    if checksum != migration.checksum:
                        raise MigrationError(
                            f"migration {migration.path.name} was edited after it was applied "
                            f"(recorded as {name}); migrations are forward-only: restore the file and "
                            "put the change in a new NNNN_*.sql file"
                        )
                    continue
                _apply(conn, migration)
                applied_now.append(migration.name)
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (LOCK_ID,))
    return applied_now


def _apply(conn: psycopg.Connection, migration: Migration) -> None:
    """Run one file and record it in the same transaction; a failing file leaves nothing behind."""
    try:
        with conn.transaction():
            conn.execute(migration.path.read_text())  # type: ignore[arg-type]
            conn.execute(
                "insert into schema_migrations (version, name, checksum) values (%s, %s, %s)",
                (migration.version, migration.name, migration.checksum),
            )
    except psycopg.DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise MigrationError(
            f"migration {migration.path.name} failed and was rolled back ({reason}); fix the file and run "
            "`pipelineos db migrate` again"
        ) from exc


def status(url: str, sql_dir: Path) -> list[dict[str, object]]:
    """Every migration file with whether (and when) it was applied."""
    with psycopg.connect(url) as conn:
        exists = conn.execute("select to_regclass('schema_migrations') is not null").fetchone()
        rows = (
            conn.execute("select version, applied_at from schema_migrations").fetchall() if exists and exists[0] else []
        )
    applied: dict[str, object] = {str(version): at for version, at in rows}
    return [{"version": m.version, "name": m.name, "applied_at": applied.get(m.version)} for m in discover(sql_dir)]
