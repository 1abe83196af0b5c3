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

from dashboard.utils.overlay import CLASS_COLORS, class_name
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


def sheet_area(page) -> dict:
    """Screen rectangle of the sheet image inside the review chart."""
    return page.locator('[data-testid="stVegaLiteChart"] g.mark-image image').first.bounding_box()


def class_colour_pixels(png: bytes) -> dict[str, int]:
    """How many screenshot pixels carry each fixture class's box colour (exactly, as Vega draws strokes)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts: dict[str, int] = {}
    wanted = {tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)): cls for cls, c in CLASS_COLORS.items()}
    for n, rgb in image.getcolors(maxcolors=1 << 24) or []:
        if rgb in wanted:
            counts[wanted[rgb]] = counts.get(wanted[rgb], 0) + n
    return counts


def test_browser_signs_in_and_reviews_on_the_sheet(chromium, dashboard_url, seeded, db, tmp_path):
    from playwright.sync_api import sync_playwright

    target = db.execute(
        "select d.fixture_class, d.confidence::float8 as confidence, d.x0, d.y0, d.x1, d.y1 "
        "from fixture_detections d where d.blueprint_id = (select b.id from blueprints b where exists "
        "(select 1 from blueprint_pages p where p.blueprint_id = b.id) "
        "order by b.created_at desc, b.id limit 1) "
        "and d.confidence >= 0.3 order by d.confidence desc, d.id limit 1"
    ).fetchone()
    label = f"{class_name(target['fixture_class'])} · {target['confidence']:.2f}"
    shots = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1600, "height": 1200})
        page.goto(f"{dashboard_url}/review")  # a deep link while signed out: the sign-in form, then the page
        wait_until_idle(page)
        assert "Page not found" not in page.inner_text("body")
        page.get_by_role("textbox", name="Email").fill(seeded["admin_email"])
        page.get_by_role("textbox", name="Password").fill(seeded["admin_password"])
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Review takeoff").wait_for(timeout=60_000)
        page.locator('[data-testid="stVegaLiteChart"] g.mark-image image').first.wait_for(timeout=60_000)
        wait_until_idle(page)
        page.wait_for_timeout(1000)
        shots["review"] = page.screenshot()
        text = page.inner_text('[data-testid="stApp"]')
        legend_entries = page.locator('[data-testid="stVegaLiteChart"] g.role-legend-label text').count()

        area = sheet_area(page)
        cx = area["x"] + area["width"] * (target["x0"] + target["x1"]) / 2
        cy = area["y"] + area["height"] * (target["y0"] + target["y1"]) / 2
        page.mouse.click(cx, cy)
        picker = page.locator('[data-testid="stMultiSelect"]').first
        picker.get_by_text(label).first.wait_for(timeout=30_000)
        wait_until_idle(page)
        page.get_by_role("button", name="Accept 1").click()
        unsaved = page.locator('[data-testid="stMetric"]', has_text="Unsaved").locator('[data-testid="stMetricValue"]')
        try:
            unsaved.get_by_text("1", exact=True).wait_for(timeout=30_000)
        finally:
            (tmp_path / "accepted.png").write_bytes(page.screenshot())

        area = sheet_area(page)
        x0, y0 = area["x"] + area["width"] * 0.05, area["y"] + area["height"] * 0.06
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.mouse.move(x0 + area["width"] * 0.3, y0 + area["height"] * 0.3, steps=10)
        page.mouse.up()
        page.get_by_text("Marked area:").wait_for(timeout=30_000)
        wait_until_idle(page)
        page.get_by_role("button", name="Zoom in").click()
        page.get_by_text("Zoomed").first.wait_for(timeout=30_000)
        wait_until_idle(page)
        page.wait_for_timeout(1000)
        shots["zoomed"] = page.screenshot()
        selected_after = picker.inner_text()

        area = sheet_area(page)  # a missed fixture: drag its box on the zoomed sheet, then add it
        page.mouse.move(area["x"] + area["width"] * 0.4, area["y"] + area["height"] * 0.4)
        page.mouse.down()
        page.mouse.move(area["x"] + area["width"] * 0.5, area["y"] + area["height"] * 0.5, steps=6)
        page.mouse.up()
        page.get_by_text("Marked area:").wait_for(timeout=30_000)
        wait_until_idle(page)
        page.get_by_role("button", name="Add fixture").click()
        unsaved.get_by_text("2", exact=True).wait_for(timeout=30_000)
        wait_until_idle(page)

        page.get_by_text("Click on the sheet adds a fixture").click()  # one click on the sheet adds a fixture
        clickable = page.frame_locator('iframe[title*="image_coordinates"]').locator("img")
        clickable.wait_for(timeout=60_000)
        wait_until_idle(page)
        clickable.click()  # the centre of the sheet image
        unsaved.get_by_text("3", exact=True).wait_for(timeout=30_000)
        shots["click_added"] = page.screenshot()
        browser.close()
    for name, png in shots.items():
        (tmp_path / f"{name}.png").write_bytes(png)
    assert "Traceback" not in text and "Counts by type and sheet" in text
    gray = Image.open(io.BytesIO(shots["review"])).convert("L")
    assert ImageStat.Stat(gray).var[0] > 200, "the screenshot looks blank"
    colours = class_colour_pixels(shots["review"])
    assert sum(1 for n in colours.values() if n >= 20) >= 3, f"boxes in class colours on the sheet: {colours}"
    assert legend_entries >= 3, "the legend names the classes"
    assert sum(class_colour_pixels(shots["zoomed"]).values()) > 0
    assert label not in selected_after, "accepting clears the selection and a drag selects nothing"


def test_upload_status_refreshes_by_itself(chromium, dashboard_url, seeded, db, tmp_path):
    from playwright.sync_api import sync_playwright

    drawing = tmp_path / "browser-upload.pdf"
    drawing.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{dashboard_url}/upload")
        wait_until_idle(page)
        page.get_by_role("textbox", name="Email").fill(seeded["admin_email"])
        page.get_by_role("textbox", name="Password").fill(seeded["admin_password"])
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Upload drawings").wait_for(timeout=60_000)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(drawing))
        page.get_by_text("browser-upload.pdf — pending").wait_for(timeout=60_000)
        db.execute(
            "update blueprints set status = 'failed', error = 'The PDF is damaged: no pages.' "
            "where original_name = 'browser-upload.pdf'"
        )
        db.commit()
        try:  # no click, no reload: the status fragment polls on its own
            page.get_by_text("Failed: The PDF is damaged: no pages.").wait_for(timeout=20_000)
        finally:
            (tmp_path / "upload.png").write_bytes(page.screenshot())
        browser.close()
