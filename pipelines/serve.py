"""Start the product's long-running processes: the Streamlit dashboard (and, with `impact serve`, Dagster)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DASHBOARD_APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def dashboard_command(port: int, host: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(DASHBOARD_APP),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def run_dashboard(warehouse: Path, port: int, host: str) -> int:
    env = {**os.environ, "IMPACT_WAREHOUSE": str(Path(warehouse).resolve())}
    print(f"dashboard: http://{host}:{port}  (warehouse {warehouse})", flush=True)
    try:
        return subprocess.call(dashboard_command(port, host), env=env)
    except KeyboardInterrupt:
        return 0
