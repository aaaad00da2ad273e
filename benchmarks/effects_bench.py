"""Synthetic control with placebo inference over 40 donors and 30 yearly periods, as a whole-process
`impact effect --json` run (Python start-up, imports, the warehouse read, 41 fits, the JSON): the median of 5.

A generated dataset (41 regions under one country, a metric, one event in the treated region) is built once
with `impact run`; the issue's bar is 10 s. Prints the figures; `--json PATH` writes them too.

usage: python benchmarks/effects_bench.py [--runs 5] [--donors 40] [--years 30] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BIN = Path(sys.executable).parent
FIRST_YEAR = 1990


def write_dataset(root: Path, donors: int, years: int) -> None:
    """Regions R00 (treated) .. R<donors> under the US, outcomes from two common factors, an event halfway."""
    folder = root / "datasets" / "bench"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    n = donors + 1
    factors = np.cumsum(rng.normal(0, 1, (years, 2)), axis=0)
    values = 100 + factors @ rng.uniform(0.5, 1.5, (n, 2)).T + rng.normal(0, 1, (years, n))
    event_year = FIRST_YEAR + years * 2 // 3
    values[event_year - FIRST_YEAR :, 0] -= 8
    (folder / "regions.csv").write_text(
        "code,name,parent,aliases\n" + "".join(f"B_R{i:02d},Region {i:02d},US,\n" for i in range(n))
    )
    (folder / "metrics.csv").write_text(
        "metric,name,unit_kind,additive,higher_is_better,can_be_negative,description\n"
        "sales_per_capita,Sales per capita,count,false,true,false,Generated\n"
    )
    (folder / "sources.csv").write_text(
        "source_id,publisher,title,url,published_on,originally_reported_by,reliability,note\n"
        "bench,Generated,Benchmark panel,,2020,,third_party_estimate,\n"
    )
    (folder / "events.csv").write_text(
        "event_id,date,date_end,status,jurisdiction,category,title,entity,source_id,note\n"
        f"BEV,{event_year}-01-01,,effective,B_R00,law,Benchmark law,,bench,\n"
    )
    rows = [
        f"R{i:02d}-{FIRST_YEAR + t},Bench market,sales_per_capita,B_R{i:02d},{FIRST_YEAR + t},actual,"
        f"{values[t, i]:.2f},count,bench"
        for i in range(n)
        for t in range(years)
    ]
    (folder / "figures.csv").write_text(
        "figure_id,entity,metric,region,period,kind,value,unit,source_id\n" + "\n".join(rows) + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--donors", type=int, default=40)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_dataset(root / "data", args.donors, args.years)
        warehouse = root / "bench.duckdb"
        subprocess.run(
            [str(BIN / "impact"), "run", "--data-dir", str(root / "data"), "--warehouse", str(warehouse)],
            check=True,
            capture_output=True,
        )
        command = [str(BIN / "impact"), "effect", "--event", "BEV", "--metric", "sales_per_capita",
                   "--region", "B_R00", "--json", "--warehouse", str(warehouse)]  # fmt: skip
        seconds, doc = [], {}
        for _ in range(args.runs):
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            seconds.append(time.perf_counter() - start)
            doc = json.loads(done.stdout)
    sc = doc["synthetic_control"]
    result = {
        "benchmark": "impact effect (synthetic control with placebos), whole process",
        "donors": sc["units_in_placebo_test"] - 1,
        "years": args.years,
        "runs": args.runs,
        "median_s": round(statistics.median(seconds), 3),
        "min_s": round(min(seconds), 3),
        "max_s": round(max(seconds), 3),
        "average_gap": round(sc["average_gap"], 3),
        "p_value": round(sc["p_value"], 4),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
