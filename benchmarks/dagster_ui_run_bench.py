"""How long a run launched from the Dagster UI takes, against the same build from the CLI (`impact run`).

Starts the Dagster webserver and daemon on 127.0.0.1 (as `impact serve` does) over a copy of the case study,
launches the warehouse assets through the webserver's GraphQL API (what "Materialize all" sends), waits for
the run, and prints: wall time from launch to success, the run worker's start (launch to the run's first
event), code loading and step times from the run's event log. Figures, not a timed test.

    .venv/bin/python benchmarks/dagster_ui_run_bench.py [--runs 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipelines.defs.webserver import (
    free_port,
    launch_materialize_all,
    run_status,
    run_timeline,
    start_dagster,
    stop,
)

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def launch_and_wait(port: int, timeout_s: float = 300) -> tuple[str, str, float]:
    """Launch "Materialize all" as the UI does and wait; (run id, final status, seconds)."""
    started = time.perf_counter()
    run_id = launch_materialize_all(port)
    while time.perf_counter() - started < timeout_s:
        status = run_status(port, run_id)
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            return run_id, status, time.perf_counter() - started
        time.sleep(0.2)
    return run_id, "TIMEOUT", time.perf_counter() - started


def cli_seconds(data: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "impact"), "run", "--data-dir", str(data), "--warehouse", str(data / "cli.duckdb")],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="use this folder and keep it")
    args = parser.parse_args()
    data = args.keep or Path(tempfile.mkdtemp(prefix="impact-ui-run-"))
    shutil.copytree(
        REPO / "data" / "datasets" / "tiktok-2024", data / "datasets" / "tiktok-2024", dirs_exist_ok=True
    )
    print(f"CLI `impact run` (ephemeral instance): {cli_seconds(data):.1f} s wall")
    port = free_port()
    _, procs = start_dagster(data, port)
    try:
        for i in range(args.runs):
            run_id, status, seconds = launch_and_wait(port)
            timeline = run_timeline(data / "dagster_home", run_id)
            print(f"UI run {i + 1}: {status} in {seconds:.1f} s wall (launch to status seen)")
            for key, value in timeline.items():
                if isinstance(value, dict) and any(value.values()):
                    print(f"  {key}: " + ", ".join(f"{k} {v:.2f}" for k, v in value.items()))
                elif isinstance(value, float):
                    print(f"  {key}: {value:.2f} s")
    finally:
        stop(procs)
        if args.keep is None:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
