"""A real browser (Debian's headless Chromium through Playwright) signs in and opens a demo review page.

Needs the ``chromium`` package (``apt-get install -y chromium fonts-noto-color-emoji``); never
``playwright install``. Skipped with a clear reason when Chromium is missing.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from pipelineos.reporting.demo import SHEET_PT
from pipelineos.settings import REPO_ROOT

pytestmark = pytest.mark.slow
CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if Path(p).exists()), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def dashboard_url(app_env: dict[str, str], demo) -> Iterator[str]:
    """``streamlit run`` on a free loopback port against the module's database."""
    port = free_port()
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
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
        env={**os.environ, **app_env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None:
                output = proc.stdout.read().decode() if proc.stdout else ""
                raise RuntimeError(f"streamlit exited: {output}") from None
            time.sleep(0.3)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def wait_until_idle(page, timeout_ms: int = 60_000) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        status = page.locator('[data-testid="stStatusWidget"]')
        if status.count() == 0 or "Running" not in status.inner_text():
            return
        page.wait_for_timeout(200)
    raise TimeoutError("the app kept running")


def click_point(page, det: dict) -> tuple[float, float]:
    """Screen point of a detection's centre in the review chart (Vega pads the plot by 5 px)."""
    box = page.locator('[data-testid="stVegaLiteChart"] svg, [data-testid="stVegaLiteChart"] canvas').first
    area = box.bounding_box()
    width = area["width"] - 10
    height = width * SHEET_PT[1] / SHEET_PT[0]
    return (
        area["x"] + 5 + width * (det["x0"] + det["x1"]) / 2,
        area["y"] + 5 + height * (det["y0"] + det["y1"]) / 2,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed: apt-get install -y chromium")
def test_browser_signs_in_and_shows_the_review_sheet(dashboard_url, seeded, db, tmp_path):
    from playwright.sync_api import sync_playwright

    target = db.execute(
        "select d.fixture_class, d.confidence::float8 as confidence, d.x0, d.y0, d.x1, d.y1 "
        "from fixture_detections d where d.blueprint_id = (select b.id from blueprints b where exists "
        "(select 1 from blueprint_pages p where p.blueprint_id = b.id) order by b.created_at desc, b.id limit 1) "
        "and d.confidence >= 0.3 order by d.confidence desc, d.id limit 1"
    ).fetchone()

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1600, "height": 1100})
        page.goto(dashboard_url)
        wait_until_idle(page)
        page.get_by_role("textbox", name="Email").fill(seeded["admin_email"])
        page.get_by_role("textbox", name="Password").fill(seeded["admin_password"])
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Blueprints").wait_for(timeout=60_000)
        page.get_by_role("link", name="Review").click()
        page.get_by_role("heading", name="Review takeoff").wait_for(timeout=60_000)
        wait_until_idle(page)
        page.locator(
            '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
        ).first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        png = page.screenshot(full_page=True)
        (tmp_path / "review.png").write_bytes(png)
        text = page.inner_text('[data-testid="stApp"]')
        page.mouse.click(*click_point(page, target))
        page.wait_for_timeout(1000)
        wait_until_idle(page)
        selected = page.locator('[data-testid="stMultiSelect"]').first.inner_text()
        browser.close()
    assert f"{target['fixture_class']} · {target['confidence']:.2f}" in selected, "clicking a box selects it"
    assert "Traceback" not in text
    assert "Counts by type and sheet" in text
    image = Image.open(io.BytesIO(png)).convert("L")
    variance = ImageStat.Stat(image).var[0]
    assert variance > 200, f"screenshot looks blank (pixel variance {variance:.1f})"
