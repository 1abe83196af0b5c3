"""Helpers for test suites and benchmarks: real PostgreSQL databases cloned from a migrated template.

Each caller gets its own database created with ``CREATE DATABASE … TEMPLATE``, which is fast; the template is
built once per set of migrations (its name carries their checksum) under an advisory lock.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from pipelineos.db.embedded import ensure_embedded_server
from pipelineos.db.migrate import discover, migrate
from pipelineos.settings import REPO_ROOT

TEMPLATE_LOCK = 0x5445_4D50


def test_server_url() -> str:
    """Admin URL of the test server: ``PIPELINEOS_TEST_DATABASE_URL`` or an embedded one under the repo."""
    url = os.environ.get("PIPELINEOS_TEST_DATABASE_URL")
    if url:
        return url
    return ensure_embedded_server(REPO_ROOT / ".pipelineos-test" / "pgdata")


def with_database(url: str, dbname: str) -> str:
    """``url`` (a ``postgresql://`` URL) pointed at another database on the same server."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{dbname}", parts.query, parts.fragment))


def template_database(admin_url: str, sql_dir: Path | None = None) -> str:
    """Name of a template database holding every migration, built if missing."""
    sql_dir = sql_dir or REPO_ROOT / "sql"
    digest = hashlib.sha256("".join(m.checksum for m in discover(sql_dir)).encode()).hexdigest()[:12]
    name = f"pipelineos_tpl_{digest}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", (TEMPLATE_LOCK,))
        try:
            if not conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
                building = f"{name}_building"
                conn.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(building)))
                conn.execute(sql.SQL("create database {}").format(sql.Identifier(building)))
                migrate(with_database(admin_url, building), sql_dir)
                conn.execute(
                    sql.SQL("alter database {} rename to {}").format(sql.Identifier(building), sql.Identifier(name))
                )
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (TEMPLATE_LOCK,))
    return name


def create_test_database(admin_url: str, prefix: str = "test") -> tuple[str, str]:
    """Clone the template into a fresh database; return ``(name, conninfo)``."""
    template = template_database(admin_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", (TEMPLATE_LOCK,))
        try:
            conn.execute(
                sql.SQL("create database {} template {}").format(sql.Identifier(name), sql.Identifier(template))
            )
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (TEMPLATE_LOCK,))
    return name, with_database(admin_url, name)


def drop_test_database(admin_url: str, name: str) -> None:
    """Drop a database made by :func:`create_test_database`, closing its remaining connections."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


@dataclass
class SmtpSink:
    """Messages received by a loopback aiosmtpd server in tests."""

    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)


class SmtpSinkHandler:
    """aiosmtpd handler that appends every received message to a :class:`SmtpSink`."""

    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.sink.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"
