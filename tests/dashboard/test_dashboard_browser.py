"""A real browser (Debian's headless Chromium through Playwright) signs in and opens a demo review page.

Needs Debian's ``chromium`` package: when it is missing and the tests run as root, the fixture installs it
with ``apt-get install -y chromium fonts-noto-color-emoji``; otherwise the test fails saying so. Never
``playwright install`` (it downloads browsers and fails here).
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
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
APT_PACKAGES = ("chromium", "fonts-noto-color-emoji")


def find_chromium() -> str | None:
    return next((p for p in CHROMIUM_PATHS if Path(p).exists()), None)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of the system Chromium, installing the Debian package first when it is missing and we are root."""
    found = find_chromium()
    if found is None and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", *APT_PACKAGES], check=False, capture_output=True, timeout=900)
        found = find_chromium()
    if found is None:
        pytest.fail("Chromium is not installed: run `apt-get install -y chromium fonts-noto-color-emoji` as root")
    return found


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


def test_browser_signs_in_and_shows_the_review_sheet(chromium, dashboard_url, seeded, db, tmp_path):
    from playwright.sync_api import sync_playwright

    target = db.execute(
        "select d.fixture_class, d.confidence::float8 as confidence, d.x0, d.y0, d.x1, d.y1 "
        "from fixture_detections d where d.blueprint_id = (select b.id from blueprints b where exists "
        "(select 1 from blueprint_pages p where p.blueprint_id = b.id) "
        "order by b.created_at desc, b.id limit 1) "
        "and d.confidence >= 0.3 order by d.confidence desc, d.id limit 1"
    ).fetchone()

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
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
        page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for(
            timeout=60_000
        )
        page.wait_for_timeout(1500)
        png = page.screenshot(full_page=True)
        (tmp_path / "review.png").write_bytes(png)
        text = page.inner_text('[data-testid="stApp"]')
        label = f"{target['fixture_class']} · {target['confidence']:.2f}"
        page.mouse.click(*click_point(page, target))
        picker = page.locator('[data-testid="stMultiSelect"]').first
        try:
            picker.get_by_text(label).first.wait_for(timeout=20_000)
        finally:
            (tmp_path / "after-click.png").write_bytes(page.screenshot())
        selected = picker.inner_text()
        browser.close()
    assert label in selected, "clicking a box selects it"
    assert "Traceback" not in text
    assert "Counts by type and sheet" in text
    image = Image.open(io.BytesIO(png)).convert("L")
    variance = ImageStat.Stat(image).var[0]
    assert variance > 200, f"screenshot looks blank (pixel variance {variance:.1f})"
