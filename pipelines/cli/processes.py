"""Start the product's long-running processes: the Streamlit dashboard and, for `impact serve`, Dagster.

`impact serve` runs three children (Dagster webserver, Dagster daemon for schedules and sensors, the
dashboard), prints their URLs, and stops all of them when it is interrupted or when any one of them dies.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipelines.settings import dagster_home

DASHBOARD_APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
BIN = Path(sys.executable).parent


def dashboard_command(port: int, host: str, script: Path = DASHBOARD_APP) -> list[str]:
    """`streamlit run` as the product serves it. No file watching: Streamlit's watcher (for reloading on a
    source edit, a development aid) sets itself up at the start of every browser session, in the script's
    thread, and delayed each page's first chart by about 0.35 s (one session: 420 ms of script run with it,
    67 ms without). To develop with reloading, run `streamlit run dashboard/app.py` directly."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        # an analyst's menu: print, theme, record; not Streamlit's developer items (Deploy, Clear cache)
        "--client.toolbarMode",
        "viewer",
    ]


def product_env(data_dir: Path, warehouse: Path) -> dict[str, str]:
    return {
        **os.environ,
        "IMPACT_DATA_DIR": str(data_dir.resolve()),
        "IMPACT_WAREHOUSE": str(warehouse.resolve()),
    }


def run_dashboard(warehouse: Path, port: int, host: str) -> int:
    env = {**os.environ, "IMPACT_WAREHOUSE": str(Path(warehouse).resolve())}
    print(f"dashboard: http://{host}:{port}  (warehouse {warehouse})", flush=True)
    try:
        return subprocess.call(dashboard_command(port, host), env=env)
    except KeyboardInterrupt:
        return 0


def serve(data_dir: Path, warehouse: Path, host: str, dashboard_port: int, dagster_port: int) -> int:
    home = dagster_home(data_dir)
    env = {**product_env(data_dir, warehouse), "DAGSTER_HOME": str(home)}
    commands = {
        "dagster webserver": [
            str(BIN / "dagster-webserver"),
            "-m",
            "pipelines.defs.definitions",
            "-h",
            host,
            "-p",
            str(dagster_port),
        ],
        "dagster daemon": [str(BIN / "dagster-daemon"), "run", "-m", "pipelines.defs.definitions"],
        "dashboard": dashboard_command(dashboard_port, host),
    }
    children = {
        name: subprocess.Popen(cmd, env=env, start_new_session=True) for name, cmd in commands.items()
    }
    print(f"dashboard:  http://{host}:{dashboard_port}", flush=True)
    print(
        f"dagster UI: http://{host}:{dagster_port}  (schedules and the inbox sensor run while this is up; "
        f"drop files into {data_dir / 'inbox'})",
        flush=True,
    )
    print("Ctrl-C stops everything.", flush=True)
    stop = {"signal": None}

    def on_signal(signum, _frame) -> None:
        stop["signal"] = signum

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    code = 0
    while stop["signal"] is None:
        dead = {n: c.returncode for n, c in children.items() if c.poll() is not None}
        if dead:
            print(f"stopping: {', '.join(f'{n} exited with {rc}' for n, rc in dead.items())}", flush=True)
            code = 1
            break
        time.sleep(0.5)
    _stop_all(children)
    return code


def _stop_all(children: dict[str, subprocess.Popen], grace_s: float = 10.0) -> None:
    for child in children.values():
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
