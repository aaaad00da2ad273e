"""What the browser tests share: Debian's Chromium, and the dashboard served on a free port."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import free_port, port_answers, scaled, wait_until

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
MARKS = [pytest.mark.browser]  # a missing Chromium fails (tests/browser/conftest.py), it does not skip


def start_dashboard(
    warehouse: Path | None, script: Path | None = None, timeout: float = 60
) -> tuple[subprocess.Popen, str]:
    """`impact dashboard`'s command on a free port (for `script`, the dashboard by default; the benchmark's
    bare page too), returned once Streamlit answers its health check."""
    from pipelines.cli.processes import DASHBOARD_APP, dashboard_command

    port = free_port()
    env = dict(os.environ) if warehouse is None else {**os.environ, "IMPACT_WAREHOUSE": str(warehouse)}
    proc = subprocess.Popen(
        dashboard_command(port, "127.0.0.1", script or DASHBOARD_APP),
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: port_answers(url + "/_stcore/health"), timeout, f"streamlit at {url}", alive=[proc]
        )
    except AssertionError:
        proc.kill()
        raise
    return proc, url


def ms(seconds: float) -> float:
    """A Playwright timeout in milliseconds: `seconds` (sized for a busy 2-core machine) scaled."""
    return scaled(seconds) * 1000


# True once the charts' sizes and the page's text have not changed over three polls in a row (Plotly's
# last relayout and Streamlit's last grid draw are done).
STEADY = """() => {
  const now = JSON.stringify([document.body.innerText.length,
    ...[...document.querySelectorAll('.js-plotly-plot .main-svg, canvas, img')].map(e => {
      const r = e.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; })]);
  if (window.__impactSteady === now) { window.__impactSteadyCount += 1; }
  else { window.__impactSteady = now; window.__impactSteadyCount = 0; }
  return window.__impactSteadyCount >= 3;
}"""
RUNNING = (
    "!document.querySelector('[data-testid=\"stStatusWidget\"]')"
    " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')"
)


def wait_until_settled(page, charts: int, timeout_ms: float | None = None) -> None:
    """Wait (a bound of 120 s scaled, or `timeout_ms`) until Streamlit's app is up, at least `charts` Plotly
    charts have drawn, no script is running and the layout is steady: the condition a fixed pause before a
    screenshot or a measurement stood for. Playwright's TimeoutError when it does not settle."""
    bound = timeout_ms if timeout_ms is not None else ms(120)
    page.wait_for_selector('[data-testid="stApp"]', timeout=bound)
    if charts:
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}", timeout=bound
        )
    page.wait_for_function(RUNNING, timeout=bound)
    page.wait_for_function(STEADY, timeout=bound, polling=250)
