"""The Impact page in headless Chromium (Debian's /usr/bin/chromium), on the seeded monthly warehouse and the
case study: it draws without an exception box; screenshots go to artifacts/screenshots/ (gitignored)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .test_impact_page import monthly_warehouse  # noqa: F401  (the seeded monthly warehouse fixture)

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

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no chromium")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(warehouse: Path):
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard/app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        env={**os.environ, "IMPACT_WAREHOUSE": str(warehouse)},
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
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.mark.parametrize(
    ("which", "query", "charts", "text"),
    [
        ("monthly", "event=US-LAW", 3, "Counterfactual: what would have happened"),
        ("case", "event=EV05", 0, "No counterfactual for this series"),
    ],
)
def test_impact_page_draws(request, browser, which, query, charts, text):
    warehouse = request.getfixturevalue("monthly_warehouse" if which == "monthly" else "case_warehouse")
    proc, url = _serve(warehouse)
    page = browser.new_page(viewport={"width": 1400, "height": 4200})
    try:
        page.goto(f"{url}/impact?{query}")
        page.wait_for_selector('[data-testid="stApp"]', timeout=90_000)
        page.get_by_text(text).first.wait_for(timeout=120_000)
        if charts:
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}", timeout=90_000
            )
        page.wait_for_timeout(2500)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator(".js-plotly-plot").count() == charts
        assert "event=" in page.url and "region=" in page.url  # the choices are in the address
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"impact_{which}.png"), full_page=True)
    finally:
        page.close()
        proc.terminate()
        proc.wait(timeout=20)
