"""`make bench`: every benchmark, one after the other, figures printed and written under artifacts/bench/.

Sizes are modest by default so that it finishes in minutes; set BENCH_ORDERS_ROWS (e.g. 50000000) and
BENCH_FIGURES (e.g. 10000000) for the full-scale runs quoted in docs/scaling.md and docs/dashboard.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "artifacts" / "bench"
BIN = Path(sys.executable).parent


def step(title: str, cmd: list[str]) -> None:
    print(f"\n== {title}\n$ {' '.join(cmd)}", flush=True)
    subprocess.run(cmd, check=True, cwd=REPO)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    orders_rows = os.environ.get("BENCH_ORDERS_ROWS", "5000000")
    figures = os.environ.get("BENCH_FIGURES", "1000000")
    step(
        "pipeline: impact run on the case study vs a plain DuckDB script",
        [sys.executable, "benchmarks/pipeline_bench.py", "--runs", "5", "--json", str(OUT / "pipeline.json")],
    )
    warehouse = REPO / "data" / "warehouse.duckdb"
    if not warehouse.exists():
        step("build the case-study warehouse", [str(BIN / "impact"), "run"])
    synthetic = OUT / f"synthetic-{figures}.duckdb"
    if not synthetic.exists():
        step(
            f"synthetic warehouse with {figures} figures",
            [str(BIN / "impact"), "generate", "warehouse", "--figures", figures, "--out", str(synthetic)],
        )
    step(
        "dashboard: query time per page (and browser timings)",
        [
            sys.executable,
            "benchmarks/dashboard_bench.py",
            "--warehouse",
            str(warehouse),
            "--warehouse",
            str(synthetic),
            "--repeat",
            "7",
            "--browser",
        ],
    )
    for design in ("synthetic", "units"):
        step(
            f"effects: impact effect, {design} design (whole process, median of 5)",
            [
                sys.executable,
                "benchmarks/effects_bench.py",
                "--design",
                design,
                "--json",
                str(OUT / f"effects-{design}.json"),
            ],
        )
    step(
        f"orders: aggregation vs the plain-DuckDB floor at {orders_rows} rows",
        [str(BIN / "impact"), "bench", "orders", "--rows", orders_rows, "--json", str(OUT / "orders.json")],
    )


if __name__ == "__main__":
    main()
