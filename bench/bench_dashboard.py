"""Benchmark: render time of every dashboard page with 1,000 blueprints and 10,000 detections (target ≤ 1 s),
and the review page with 500 boxes on one sheet. Prints JSON.

Run: ``.venv/bin/python bench/bench_dashboard.py`` (uses the test server: embedded, or
PIPELINEOS_TEST_DATABASE_URL). Times are server-side script runs through Streamlit's AppTest: ``cold`` is a
render right after ``st.cache_data.clear()`` (no cached data or images), ``warm`` the median of the next runs.
``imports_s`` is the one-time cost of importing the pages' libraries (Altair, OpenCV, Polars…) when a
server process starts; it is reported apart because no page pays it twice. With Debian's Chromium installed,
``browser_500_boxes`` adds what a user feels on the 500-box sheet through ``streamlit run``: opening the
review page until the sheet is drawn (and until its heading shows), reopening it, clicking a box until it shows
as selected, accepting it until the count updates (medians of ``REPEATS`` rounds), then switching to
click-to-add and clicking the sheet until the added fixture is counted. The machine is shared: figures taken
under load vary by a factor of two between runs.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")

import psycopg
from psycopg.rows import dict_row

from pipelineos.settings import REPO_ROOT
from pipelineos.testing import create_test_database, drop_test_database, test_server_url

PAGES = ("blueprints", "upload", "review", "bid", "leads", "analytics", "catalog")
EMAIL, PASSWORD = "bench@example.com", "bench-password-123"
TARGET_SECONDS = 1.0
REPEATS = 3
DRAWN_JS = (
    "n => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] g.mark-rect[class*=_marks] path').length >= n"
)
SELECTED_JS = "() => (document.querySelector('[data-testid=\"stMultiSelect\"]')?.innerText || '').includes(' · ')"


def setup(url: str, home: str) -> dict[str, object]:
    from pipelineos.db.seed import seed_demo
    from pipelineos.reporting.demo import insert_demo_activity
    from pipelineos.storage import Storage

    storage = Storage(os.path.join(home, "files"))
    with psycopg.connect(url, row_factory=dict_row) as conn:
        org = seed_demo(conn, EMAIL, PASSWORD).organization_id
        t0 = time.perf_counter()
        bulk = insert_demo_activity(
            conn,
            org,
            storage,
            blueprints=1000,
            detections_per_blueprint=10,
            reviewed_blueprints=100,
            leads=500,
        )
        dense = insert_demo_activity(
            conn,
            org,
            storage,
            blueprints=1,
            detections_per_blueprint=500,
            reviewed_blueprints=0,
            leads=0,
            seed=1,
            project="Bench dense sheet",
        )
        load_s = time.perf_counter() - t0
        conn.execute("update blueprints set created_at = now() where id = %s", (dense.blueprint_ids[0],))
        totals = conn.execute(
            "select (select count(*) from blueprints) as blueprints, "
            "(select count(*) from fixture_detections) as detections"
        ).fetchone()
    return {
        "organization_id": org,
        "dense_blueprint_id": dense.blueprint_ids[0],
        "load_seconds": round(load_s, 2),
        "bulk_detections": bulk.detections,
        **totals,
    }


def time_pages(
    state: dict[str, object] | None = None,
    pages: tuple[str, ...] = PAGES,
    runs: int = 3,
) -> dict[str, dict[str, float]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "streamlit_app.py"), default_timeout=60)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    at.text_input(key="login_email").input(EMAIL)
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    out = {}
    for page in pages:
        times = []
        st.cache_data.clear()
        for _ in range(runs + 1):
            t0 = time.perf_counter()
            at.switch_page(f"app_pages/{page}.py").run()
            times.append(time.perf_counter() - t0)
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].value}")
        out[page] = {"cold_s": round(times[0], 3), "warm_s": round(statistics.median(times[1:]), 3)}
    return out


def browser_review(home: str, url: str, boxes: int) -> dict[str, object]:
    """Time the 500-box review page in headless Chromium (empty when Chromium is missing)."""
    chromium = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(p)), None)
    if chromium is None:
        return {"skipped": "apt-get install -y chromium to measure in a browser"}
    import socket
    import subprocess

    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    streamlit = os.path.join(os.path.dirname(sys.executable), "streamlit")
    proc = subprocess.Popen(
        [
            streamlit,
            "run",
            str(REPO_ROOT / "dashboard" / "streamlit_app.py"),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        env={**os.environ, "PIPELINEOS_DATABASE_URL": url, "PIPELINEOS_HOME": home},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1600, "height": 1100})
            for _ in range(100):
                try:
                    page.goto(f"http://127.0.0.1:{port}")
                    break
                except Exception:
                    time.sleep(0.3)
            page.get_by_role("textbox", name="Email").fill(EMAIL)
            page.get_by_role("textbox", name="Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("heading", name="Blueprints").wait_for(timeout=60_000)
            t0 = time.perf_counter()
            page.get_by_role("link", name="Review").click()
            page.get_by_role("heading", name="Review takeoff").wait_for(timeout=60_000)
            heading_s = time.perf_counter() - t0
            marks = page.locator('[data-testid="stVegaLiteChart"] g.mark-rect[class*="_marks"] path')
            page.wait_for_function(DRAWN_JS, arg=boxes, timeout=60_000)
            open_s = time.perf_counter() - t0
            drawn = marks.count()
            unsaved = page.locator('[data-testid="stMetric"]', has_text="Unsaved")
            unsaved = unsaved.locator('[data-testid="stMetricValue"]')
            reopen, select, accept = [], [], []
            for n in range(1, REPEATS + 1):
                page.get_by_role("link", name="Blueprints").click()
                page.get_by_role("heading", name="Blueprints").wait_for(timeout=60_000)
                t0 = time.perf_counter()
                page.get_by_role("link", name="Review").click()
                page.get_by_role("heading", name="Review takeoff").wait_for(timeout=60_000)
                page.wait_for_function(DRAWN_JS, arg=boxes, timeout=60_000)
                reopen.append(time.perf_counter() - t0)
                box = marks.nth(n * 7).bounding_box()
                t0 = time.perf_counter()
                page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.wait_for_function(SELECTED_JS, timeout=60_000)
                select.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                page.get_by_role("button", name="Accept 1").click()
                unsaved.get_by_text(str(n), exact=True).wait_for(timeout=60_000)
                accept.append(time.perf_counter() - t0)
            switch_s = add_s = None
            toggle = page.get_by_text("Click on the sheet adds a fixture")
            if toggle.count():
                t0 = time.perf_counter()
                toggle.click()
                image = page.frame_locator('iframe[title*="image_coordinates"]').locator("img")
                image.wait_for(timeout=60_000)
                switch_s = round(time.perf_counter() - t0, 3)
                image.scroll_into_view_if_needed()
                t0 = time.perf_counter()
                image.click()
                unsaved.get_by_text(str(REPEATS + 1), exact=True).wait_for(timeout=60_000)
                add_s = round(time.perf_counter() - t0, 3)
            browser.close()
        return {
            "boxes_drawn": drawn,
            "open_review_heading_s": round(heading_s, 3),
            "open_review_s": round(open_s, 3),
            "reopen_review_s": round(statistics.median(reopen), 3),
            "click_to_selected_s": round(statistics.median(select), 3),
            "accept_to_counted_s": round(statistics.median(accept), 3),
            "switch_to_click_add_s": switch_s,
            "click_to_added_s": add_s,
            "repeats": REPEATS,
        }
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> int:
    admin_url = test_server_url()
    name, url = create_test_database(admin_url, prefix="bench")
    home = tempfile.mkdtemp(prefix="pipelineos-bench-")
    os.environ.update({"PIPELINEOS_DATABASE_URL": url, "PIPELINEOS_HOME": home})
    try:
        from pipelineos.db.pool import close_pool, database_url
        from pipelineos.settings import get_settings

        get_settings.cache_clear()
        database_url.cache_clear()
        data = setup(url, home)
        t0 = time.perf_counter()
        for module in (
            "dashboard.utils.review_data",
            "dashboard.utils.overlay",
            "dashboard.utils.similar",
            "dashboard.utils.bids",
            "dashboard.utils.analytics",
            "dashboard.utils.catalog",
            "dashboard.utils.charts",
            "pipelineos.leads.service",
        ):
            __import__(module)
        imports_s = round(time.perf_counter() - t0, 3)
        pages = time_pages()
        dense = time_pages({"review_blueprint_id": data["dense_blueprint_id"]}, ("review",))["review"]
        browser = browser_review(home, url, 500)
        result = {
            "benchmark": "dashboard_pages",
            "data": data,
            "imports_s": imports_s,
            "pages": pages,
            "review_500_boxes": dense,
            "browser_500_boxes": browser,
            "target_seconds": TARGET_SECONDS,
            "all_warm_within_target": all(p["warm_s"] <= TARGET_SECONDS for p in [*pages.values(), dense]),
            "all_cold_within_target": all(p["cold_s"] <= TARGET_SECONDS for p in [*pages.values(), dense]),
        }
        print(json.dumps(result, indent=2, default=str))
        close_pool()
        return 0
    finally:
        drop_test_database(admin_url, name)


if __name__ == "__main__":
    sys.exit(main())
