"""What the browser tests share: Debian's Chromium, and the dashboard served on a free port."""

from __future__ import annotations

import io
import json
import os
import subprocess
import warnings
from pathlib import Path

import polars as pl
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
    warehouse: Path | None, script: Path | None = None, timeout: float = 300
) -> tuple[subprocess.Popen, str]:
    """`impact dashboard`'s command on a free port (for `script`, the dashboard by default; the benchmark's
    bare page too), returned once Streamlit answers its health check (`timeout` scaled: a cold start on a
    loaded 2-core machine took more than 60 s); AssertionError when it exits or does not answer."""
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
RUNNING = (  # Streamlit's status widget says "Running..." or offers "Stop" while a script runs
    "!document.querySelector('[data-testid=\"stStatusWidget\"]')"
    " || !/Running|Stop/.test(document.querySelector('[data-testid=\"stStatusWidget\"]').innerText)"
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


def open_download(name: str, content: bytes) -> int:
    """Open a downloaded file as its kind says: the number of rows of a CSV (parsed by polars, at least one
    column), 1 for a JSON, HTML or PDF document that opens. AssertionError naming the file otherwise."""
    if name.endswith(".csv"):
        frame = pl.read_csv(io.BytesIO(content), infer_schema=False)
        assert frame.width > 0, name
        return frame.height
    if name.endswith(".json"):
        assert json.loads(content), name
        return 1
    if name.endswith(".html"):
        assert b"<html" in content[:2000].lower(), name
        return 1
    if name.endswith(".pdf"):
        assert content.startswith(b"%PDF"), name
        return 1
    raise AssertionError(f"unexpected download {name}")


def download_every_button(page, tag: str, save_to: Path | None = None):
    """Click every download button of the drawn page (opening a closed expander first), open each file
    (`open_download`) and save it under `save_to` when given. Returns (opened, failed): opened as
    (label, file name, rows) and failed as (tag, label, error), so that every button is tried; a failure's
    screenshot goes to SHOTS/download-failed-TAG-N.png. The page must accept downloads."""
    opened, failed = [], []
    buttons = page.locator('[data-testid="stDownloadButton"] button')
    buttons.first.wait_for(state="attached", timeout=ms(90))
    for i in range(buttons.count()):
        button = buttons.nth(i)
        if not button.is_visible():  # in a closed expander (the Scorecard's report, the impact window)
            button.locator("xpath=ancestor::details[1]/summary").click()
            button.wait_for(state="visible", timeout=ms(30))
        label = button.inner_text().strip()
        for attempt in (1, 2):
            try:
                with page.expect_download(timeout=ms(60 if attempt == 1 else 120)) as download:
                    button.click()
                file = download.value
                content = Path(file.path()).read_bytes()
                rows = open_download(file.suggested_filename, content)
                if save_to is not None:
                    save_to.mkdir(parents=True, exist_ok=True)
                    (save_to / file.suggested_filename).write_bytes(content)
                opened.append((label, file.suggested_filename, rows))
                break
            except Exception as error:  # noqa: BLE001  every button is tried; all failures listed by the caller
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"download-failed-{tag}-{i}-{attempt}.png"))
                if attempt == 2:
                    failed.append((tag, label, f"{type(error).__name__}: {error}"[:200]))
                    break
                # a click during a rerun can miss (seen once in four fresh-clone runs on Impact's first CSV):
                # said as a warning, then the button is clicked once more on the settled page
                warnings.warn(
                    f"download {tag} {label!r}: first click gave no file ({type(error).__name__})",
                    stacklevel=1,
                )
                page.wait_for_function(RUNNING, timeout=ms(120))
                page.wait_for_function(STEADY, timeout=ms(120), polling=250)
                button = page.locator('[data-testid="stDownloadButton"] button').nth(i)
    return opened, failed
