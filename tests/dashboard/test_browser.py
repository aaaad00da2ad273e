"""End to end in headless Chromium (Debian's /usr/bin/chromium): every page draws, no exception box.

Screenshots go to artifacts/screenshots/ (gitignored): look at them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# url path, charts expected at least, a text the page must show
PAGES = [
    ("", 2, "Scorecard"),  # the default page lives at the root
    ("trends?regions=US", 2, "Pacing"),
    ("events?event=EV05", 2, "Before and after one event"),
    ("evidence", 1, "Qualitative claims"),
    ("sql", 0, "Query"),
]

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no chromium")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_dashboard(warehouse: Path) -> tuple[subprocess.Popen, str]:
    from pipelines.serve import dashboard_command

    port = free_port()
    env = {**os.environ, "IMPACT_WAREHOUSE": str(warehouse)}
    proc = subprocess.Popen(
        dashboard_command(port, "127.0.0.1"),
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the dashboard did not start")


@pytest.fixture(scope="module")
def dashboard_url(case_warehouse):
    proc, url = start_dashboard(case_warehouse)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def wait_until_settled(page, charts: int, timeout_ms: int = 90_000) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    if charts:
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}", timeout=timeout_ms
        )
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=timeout_ms,
    )


@pytest.mark.parametrize(("path", "charts", "text"), PAGES)
def test_page_draws_without_exception(dashboard_url, browser, path, charts, text):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{dashboard_url}/{path}")
        wait_until_settled(page, charts)
        page.wait_for_timeout(2500)  # let the last chart finish its layout before the screenshot
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator(".js-plotly-plot").count() >= charts
        assert text in page.inner_text("body")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{path.split('?')[0] or 'scorecard'}.png"), full_page=True)
    finally:
        page.close()


def test_filter_change_updates_the_url_and_redraws(dashboard_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(dashboard_url)
        wait_until_settled(page, 2)
        page.get_by_test_id("stSidebar").locator('[data-testid="stSelectbox"]').filter(
            has_text="Compare with"
        ).click()
        page.get_by_role("option", name="original expectation (first vintage)").click()
        page.wait_for_function("window.location.search.includes('policy=original')", timeout=30_000)
        # The rerun may not have shown its status yet when the URL changes: wait for its text, then settle.
        page.wait_for_function(
            "document.body.innerText.includes('against its target, original expectation')", timeout=30_000
        )
        wait_until_settled(page, 2)
        assert "original expectation" in page.inner_text("body")
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()
