"""Shared fixtures: a real PostgreSQL database per test module, a temp data directory, SMTP on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.rows import dict_row

from pipelineos.testing import (
    SmtpSink,
    SmtpSinkHandler,
    create_test_database,
    drop_test_database,
    test_server_url,
)

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """URL of the test server (embedded pgserver under .pipelineos-test, or PIPELINEOS_TEST_DATABASE_URL)."""
    return test_server_url()


@pytest.fixture(scope="module")
def db_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh, fully migrated database for this test module."""
    name, url = create_test_database(pg_admin_url)
    yield url
    drop_test_database(pg_admin_url, name)


@pytest.fixture()
def db(db_url: str) -> Iterator[psycopg.Connection]:
    """A connection to the module's database with dict rows; committed on success."""
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        yield conn


@pytest.fixture(scope="module")
def app_env(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Point the settings, the pool and storage of this process at the module's database and a temp home."""
    from pipelineos.db.pool import close_pool, database_url
    from pipelineos.settings import get_settings

    home = tmp_path_factory.mktemp("home")
    env = {
        "PIPELINEOS_DATABASE_URL": db_url,
        "PIPELINEOS_HOME": str(home),
        "PIPELINEOS_ADMIN_EMAIL": ADMIN_EMAIL,
        "PIPELINEOS_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "PIPELINEOS_AI_PROVIDER": "offline",
        "PIPELINEOS_LOG_JSON": "false",
    }
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        mp.delenv("ANTHROPIC_API_KEY", raising=False)
        close_pool()
        get_settings.cache_clear()
        database_url.cache_clear()
        yield env
        close_pool()
        get_settings.cache_clear()
        database_url.cache_clear()


@pytest.fixture(scope="module")
def seeded(app_env: dict[str, str], db_url: str) -> dict[str, str]:
    """The demo organization, admin and default catalog in the module's database."""
    from pipelineos.db.seed import seed_demo

    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        result = seed_demo(conn, ADMIN_EMAIL, ADMIN_PASSWORD)
    return {
        "organization_id": result.organization_id,
        "admin_email": ADMIN_EMAIL,
        "admin_password": ADMIN_PASSWORD,
    }


@pytest.fixture(scope="module")
def smtp_sink(app_env: dict[str, str]) -> Iterator[SmtpSink]:
    """A real aiosmtpd server on 127.0.0.1; settings point at it."""
    from aiosmtpd.controller import Controller

    from pipelineos.net import free_loopback_port
    from pipelineos.settings import get_settings

    sink = SmtpSink("127.0.0.1", free_loopback_port())
    controller = Controller(SmtpSinkHandler(sink), hostname="127.0.0.1", port=sink.port)
    controller.start()
    os.environ["PIPELINEOS_SMTP_HOST"] = "127.0.0.1"
    os.environ["PIPELINEOS_SMTP_PORT"] = str(sink.port)
    get_settings.cache_clear()
    yield sink
    controller.stop()
    os.environ.pop("PIPELINEOS_SMTP_PORT", None)
    os.environ.pop("PIPELINEOS_SMTP_HOST", None)
    get_settings.cache_clear()
