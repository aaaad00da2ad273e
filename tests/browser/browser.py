"""What the browser tests share: Debian's Chromium, and the dashboard served on a free port."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import free_port

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
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"streamlit did not start for {script or DASHBOARD_APP}")
