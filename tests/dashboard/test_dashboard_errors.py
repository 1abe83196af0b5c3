"""A database error on any page reads as one sentence with a reference, never as a traceback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

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


@contextmanager
def _altered(db_url: str, change: str, undo: str) -> Iterator[None]:
    """Run ``change`` on the database for the block and ``undo`` after it, whatever happens inside."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(change)
        try:
            yield
        finally:
            conn.execute(undo)


def table_gone(db_url: str, table: str) -> AbstractContextManager[None]:
    """Rename ``table`` inside the block, so every query on it fails in PostgreSQL."""
    return _altered(
        db_url, f"alter table {table} rename to {table}_gone", f"alter table {table}_gone rename to {table}"
    )


def writes_refused(db_url: str, table: str) -> AbstractContextManager[None]:
    """Inside the block PostgreSQL refuses new rows in ``table`` (reads still work): a NOT VALID check."""
    return _altered(
        db_url,
        f"alter table {table} add constraint refuse_writes check (false) not valid",
        f"alter table {table} drop constraint refuse_writes",
    )


def test_a_failed_save_keeps_the_unsaved_review_decisions(signed_in, demo, db_url):
    blueprint_id = demo.blueprint_ids[11]
    at = signed_in("review", state={"review_blueprint_id": blueprint_id})
    shown = at.multiselect(key=f"review_selected_{blueprint_id}_0").options
    at.multiselect(key=f"review_selected_{blueprint_id}_0").set_value([shown[0]]).run()
    at.button(key="review_reject").click().run()
    at.checkbox(key="review_save_auto").uncheck().run()
    with writes_refused(db_url, "review_decisions"):
        at.button(key="review_save").click().run()
    assert not at.exception, at.exception
    message = at.error[0].value
    assert message.startswith("Could not save the review decisions: the database refused the change (reference ")
    assert message.endswith("Your decisions are still kept here.") and "refuse_writes" not in message
    assert at.metric[0].value == "1", "the reject is still unsaved, not lost"
    at.button(key="review_save").click().run()
    assert not at.error and at.metric[0].value == "0", "saved once the database is back"


def test_a_failing_bid_history_is_one_readable_line_and_the_page_still_works(signed_in, demo, db_url):
    at = signed_in("bid", state={"review_blueprint_id": demo.blueprint_ids[0]})
    with table_gone(db_url, "bid_status_history"):
        at.run()
    assert not at.exception, at.exception
    messages = [e.value for e in at.error]
    assert messages and all(m.startswith("Could not load the bid's status history because of") for m in messages)
    assert [m.label for m in at.metric if m.label == "Total"], "the rest of the page still renders"


def test_a_bid_name_is_shown_as_text(signed_in, demo, db):
    hostile = "[click](javascript:alert(1)) **Base** <img src=x onerror=alert(2)>"
    db.execute("update bids set name = %s where blueprint_id = %s", (hostile, demo.blueprint_ids[1]))
    db.commit()
    at = signed_in("bid", state={"review_blueprint_id": demo.blueprint_ids[1]})
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert any("javascript" in label for label in labels), labels
    assert all("](javascript" not in label and not re.search(r"(?<!\\)<img", label) for label in labels), labels
