"""Benchmark: `impact run` on the case study from a clean state vs a plain DuckDB script doing the same build.

Not a test: prints figures (median of N runs) and writes them as JSON. Run with `make bench` or
`.venv/bin/python benchmarks/pipeline_bench.py [--runs 5] [--json PATH]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASE_STUDY = REPO / "data" / "datasets" / "tiktok-2024"
BIN = Path(sys.executable).parent

# The floor: the same inputs into the same tables and views with nothing but DuckDB (no validation,
# no normalisation beyond what SQL casts do, no Dagster): what the build would cost if the data were clean.
FLOOR = r"""
import sys, time
t0 = time.perf_counter()
import duckdb
from pathlib import Path
repo, data, out = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
con = duckdb.connect(out, config={"storage_compatibility_version": "v1.4.0"})
for p in sorted((repo / "sql" / "tables").glob("*.sql")):
    con.execute(p.read_text())
for kind in ("sources", "figures", "events"):
    con.execute(f"create or replace temp table raw_{kind} as select * from read_csv('{data / kind}.csv', all_varchar=true)")
con.execute("insert into sources (source_id, publisher, title, url, published_on, originally_reported_by, reliability, note, dataset, file, row_number) select source_id, publisher, title, url, published_on, originally_reported_by, reliability, note, 'd', 'f', 0 from raw_sources")
con.execute("insert into figures select figure_id, 'd', entity, metric, region, period, 'year', date '2024-01-01', date '2024-12-31', kind, kind in ('target','guidance','consensus','projection','budget'), try_cast(value as double) * 1e9, try_cast(value_high as double) * 1e9, coalesce(bound, 'exact'), 'USD', direction, date '2024-01-01', 'day', source_id, note, try_cast(value as double), try_cast(value_high as double), unit, 'USD', 1.0, 'f', 0, null, null from raw_figures")
con.execute("insert into events select event_id, 'd', try_cast(date as date), 'day', try_cast(date_end as date), coalesce(status, 'effective'), jurisdiction, category, title, entity, source_id, note, 'f', 0 from raw_events where try_cast(date as date) is not null")
pending = sorted((repo / "sql" / "views").glob("*.sql"))
while pending:
    failed = []
    for p in pending:
        try:
            con.execute(p.read_text())
        except duckdb.CatalogException:
            failed.append(p)
    if len(failed) == len(pending):
        raise SystemExit(f"views failed: {failed}")
    pending = failed
con.execute("checkpoint")
con.close()
print(time.perf_counter() - t0)
"""


def timed(cmd: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return time.perf_counter() - started, out


def bench(runs: int) -> dict:
    impact_wall, impact_inside, floor_wall, floor_inside, startup = [], [], [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp)
            shutil.copytree(CASE_STUDY, data / "datasets" / "tiktok-2024")
            wall, out = timed(
                [
                    str(BIN / "impact"),
                    "run",
                    "--data-dir",
                    str(data),
                    "--warehouse",
                    str(data / "warehouse.duckdb"),
                ]
            )
            impact_wall.append(wall)
            inside = [line for line in out.splitlines() if line.startswith("published:")][0]
            impact_inside.append(float(inside.rsplit("(", 1)[1].split(" s")[0]))
            wall, out = timed(
                [sys.executable, "-c", FLOOR, str(REPO), str(CASE_STUDY), str(data / "floor.duckdb")]
            )
            floor_wall.append(wall)
            floor_inside.append(float(out.strip()))
            wall, _ = timed([sys.executable, "-c", "import pipelines.defs.run"])
            startup.append(wall)
    med = statistics.median
    return {
        "runs": runs,
        "impact_run_wall_s": round(med(impact_wall), 3),
        "impact_run_pipeline_s": round(med(impact_inside), 3),
        "python_startup_and_imports_s": round(med(startup), 3),
        "plain_duckdb_script_wall_s": round(med(floor_wall), 3),
        "plain_duckdb_script_build_s": round(med(floor_inside), 4),
        "all_impact_wall_s": [round(x, 3) for x in impact_wall],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, default=REPO / "artifacts" / "bench" / "pipeline.json")
    args = parser.parse_args()
    result = bench(args.runs)
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(f"written: {args.json}")


if __name__ == "__main__":
    main()
