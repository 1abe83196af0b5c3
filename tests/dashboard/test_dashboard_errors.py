"""A database error on any page reads as one sentence with a reference, never as a traceback."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
import streamlit as st
from psycopg.rows import dict_row
from streamlit.testing.v1 import AppTest

from pipelineos.settings import REPO_ROOT


@pytest.fixture()
def missing_table(db_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """Rename a table for the duration of one test, so every query on it fails in PostgreSQL."""
    table = request.param
    with psycopg.connect(db_url, row_factory=dict_row, autocommit=True) as conn:
        conn.execute(f"alter table {table} rename to {table}_gone")
        st.cache_data.clear()
        try:
            yield table
        finally:
            conn.execute(f"alter table {table}_gone rename to {table}")
            st.cache_data.clear()


@pytest.mark.parametrize(
    ("page", "missing_table", "doing"),
    [
        ("blueprints", "fixture_detections", "load the blueprints"),
        ("review", "fixture_detections", "load the takeoff"),
        ("bid", "price_catalogs", "load blueprints and catalogs"),
        ("leads", "leads", "load the leads"),
        ("analytics", "bids", "compute the analytics"),
        ("catalog", "price_items", "load the catalog items"),
    ],
    indirect=["missing_table"],
)
def test_a_failing_query_shows_a_readable_error(signed_in, missing_table, page, doing):
    at = signed_in()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    messages = [e.value for e in at.error]
    assert messages, f"{page} showed no error with {missing_table} missing"
    assert messages[0].startswith(f"Could not {doing} because of an internal error (reference ")
    assert all("Traceback" not in m and "relation" not in m and f"{missing_table}_gone" not in m for m in messages)


@pytest.mark.parametrize("missing_table", ["users"], indirect=True)
def test_sign_in_with_the_users_table_gone_is_a_readable_error(seeded, missing_table):
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "streamlit_app.py"), default_timeout=30).run()
    at.text_input(key="login_email").input(seeded["admin_email"])
    at.text_input(key="login_password").input(seeded["admin_password"])
    at.button[0].click().run()
    assert not at.exception
    assert at.error[0].value.startswith("Could not sign in because of an internal error (reference ")
