"""For real: `impact serve` picks up a file dropped into the inbox, and the dashboard shows its figures.

Starts the Dagster webserver, the daemon and the dashboard as a user would, drops two files into the inbox,
waits for the sensor's run to publish, then looks at the dashboard in headless Chromium. Ctrl-C (SIGINT)
must stop all three processes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.helpers import CASE_STUDY, free_port, port_answers, wait_until

from .browser import CHROMIUM, CHROMIUM_ARGS, ms
from .conftest import require_chromium

REPO = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
]


def _wait(predicate, timeout_s: float, what: str) -> None:
    wait_until(predicate, timeout_s, what)


def _entities(warehouse: Path) -> set[str]:
    probe = (
        "import duckdb,sys; print('|'.join(r[0] for r in duckdb.connect(sys.argv[1], read_only=True)"
        ".execute('select distinct entity from figures').fetchall()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(warehouse)], capture_output=True, text=True, timeout=60
    )
    return set(out.stdout.strip().split("|")) if out.returncode == 0 else set()


def test_served_instance_loads_an_inbox_file_and_the_dashboard_shows_it(tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    shutil.copytree(CASE_STUDY, tmp_path / "datasets" / CASE_STUDY.name)
    warehouse = tmp_path / "warehouse.duckdb"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli.main",
            "run",
            "--data-dir",
            str(tmp_path),
            "--warehouse",
            str(warehouse),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    port, dagster_port = free_port(), free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines.cli.main",
            "serve",
            "--data-dir",
            str(tmp_path),
            "--warehouse",
            str(warehouse),
            "--port",
            str(port),
            "--dagster-port",
            str(dagster_port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        _wait(
            lambda: port_answers(f"http://127.0.0.1:{port}/healthz"),
            120,
            "the dashboard",
        )
        _wait(
            lambda: port_answers(f"http://127.0.0.1:{dagster_port}/server_info"),
            180,
            "the Dagster webserver",
        )
        assert "Zephyr Retail" not in _entities(warehouse)
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        (inbox / "sources-zephyr.csv").write_text(
            "source_id,publisher,published_on\nzr-q,Zephyr IR,2025-02-01\n"
        )
        (inbox / "zephyr figures.csv").write_text(
            "entity,metric,region,period,kind,value,unit,source_id,as_of\n"
            "Zephyr Retail,revenue,DE,2024,target,5,EUR bn,zr-q,2024-01-15\n"
            "Zephyr Retail,revenue,DE,2024,actual,4,EUR bn,zr-q,2025-02-01\n"
        )
        _wait(lambda: "Zephyr Retail" in _entities(warehouse), 300, "the inbox run to publish")
        assert not list(inbox.glob("*.csv")), "filed files leave the inbox"

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            # the Scorecard is the default page: its link is the root (Streamlit answers /scorecard with a
            # "Page not found" dialog over the main page)
            page.goto(f"http://127.0.0.1:{port}/?entity=Zephyr+Retail", timeout=ms(60))
            page.wait_for_selector("text=Zephyr Retail", timeout=ms(60))
            page.wait_for_selector(".js-plotly-plot", timeout=ms(60))
            assert page.locator("[data-testid='stException']").count() == 0
            assert "Page not found" not in page.inner_text("body")
            shots = REPO / "artifacts" / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / "served-inbox-scorecard.png"), full_page=True)
            browser.close()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            raise AssertionError("impact serve did not stop on Ctrl-C") from None
    assert server.returncode == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (attainment,) = con.execute(
            "select attainment from actual_vs_expectation where entity = 'Zephyr Retail' and policy = 'latest'"
        ).fetchone()
    assert attainment == pytest.approx(0.8)
