"""Fixtures for the dashboard tests: demo activity in the module's database and a signed-in AppTest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from streamlit.testing.v1 import AppTest

from pipelineos.reporting.demo import DemoSummary, insert_demo_activity
from pipelineos.settings import REPO_ROOT
from pipelineos.storage import get_storage

APP = str(REPO_ROOT / "dashboard" / "streamlit_app.py")


@pytest.fixture(scope="module")
def demo(seeded: dict[str, str], db_url: str) -> DemoSummary:
    """Twelve processed blueprints (40 symbols each, 35 detected; the first four reviewed), bids and leads."""
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        return insert_demo_activity(
            conn,
            seeded["organization_id"],
            get_storage(),
            blueprints=12,
            detections_per_blueprint=40,
            reviewed_blueprints=4,
            leads=40,
            missed_every=8,
        )


def sign_in(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="login_email").input(email)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


@pytest.fixture()
def signed_in(seeded: dict[str, str], demo: DemoSummary) -> Callable[..., AppTest]:
    """Factory: a fresh AppTest signed in as the demo admin (or ``email``/``password``), on ``page``."""

    def make(
        page: str | None = None,
        email: str | None = None,
        password: str | None = None,
        state: dict[str, Any] | None = None,
    ) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=30)
        for key, value in (state or {}).items():
            at.session_state[key] = value
        at.run()
        sign_in(at, email or seeded["admin_email"], password or seeded["admin_password"])
        assert not at.exception, at.exception
        if page:
            at.switch_page(f"app_pages/{page}.py").run()
            assert not at.exception, at.exception
        return at

    return make
