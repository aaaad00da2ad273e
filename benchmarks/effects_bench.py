"""Whole-process `impact effect --json` runs (Python start-up, imports, the warehouse read, the estimates, the
JSON), the median of 5, on generated datasets built once with `impact run`; the issue's bar is 10 s each.
Wall seconds depend on the machine's load (2 cores shared by several agents here), so each run's CPU seconds
(user + sys of the child process, from getrusage(RUSAGE_CHILDREN)) and the 1-minute load average before and
after the runs are printed beside them:

- `--design synthetic` (default): a synthetic control with placebo inference over 40 donors and 30 yearly
  periods (41 regions under one country, one event in the treated region);
- `--design units`: the unit-level difference-in-differences with its event study over 50 stores (25 in each of
  two regions) and 60 monthly periods.

Prints the figures; `--json PATH` writes them too.

usage: python benchmarks/effects_bench.py [--design synthetic|units] [--runs 5] [--donors 40] [--years 30] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def write_stores(root: Path, stores: int = 50, months: int = 60) -> None:
    """`stores` stores of one chain, half in B_TR (treated from month 40), half in B_CO, monthly figures."""
    folder = root / "datasets" / "bench"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    common = 20 + np.cumsum(rng.normal(0, 0.3, months))
    (folder / "regions.csv").write_text(
        "code,name,parent,aliases\nB_TR,Treated state,US,\nB_CO,Control state,US,\n"
    )
    (folder / "entities.csv").write_text(
        "entity,parent,fiscal_year_start_month,description\nBench chain,,,\n"
        + "".join(f"Store {i:03d},Bench chain,,\n" for i in range(stores))
    )
    (folder / "metrics.csv").write_text(
        "metric,name,unit_kind,additive,higher_is_better,can_be_negative,description\n"
        "fte,Employment,count,true,true,false,Generated\n"
    )
    (folder / "sources.csv").write_text(
        "source_id,publisher,title,url,published_on,originally_reported_by,reliability,note\n"
        "bench,Generated,Benchmark stores,,2020,,third_party_estimate,\n"
    )
    (folder / "events.csv").write_text(
        "event_id,date,date_end,status,jurisdiction,category,title,entity,source_id,note\n"
        "BEV,2013-05-01,,effective,B_TR,law,Benchmark law,,bench,\n"
    )
    rows = []
    for i in range(stores):
        region, level = ("B_TR" if i % 2 == 0 else "B_CO"), rng.normal(0, 3)
        for m in range(months):
            value = common[m] + level + rng.normal(0, 1) + (2 if region == "B_TR" and m >= 40 else 0)
            rows.append(
                f"S{i}-{m},Store {i:03d},fte,{region},{2010 + m // 12}-{m % 12 + 1:02d},actual,{value:.2f},count,bench"
            )
    (folder / "figures.csv").write_text(
        "figure_id,entity,metric,region,period,kind,value,unit,source_id\n" + "\n".join(rows) + "\n"
    )


def _children_cpu() -> float:
    """CPU seconds (user + sys) used so far by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--design", choices=["synthetic", "units"], default="synthetic")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--donors", type=int, default=40)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.design == "units":
            write_stores(root / "data")
        else:
            write_dataset(root / "data", args.donors, args.years)
        warehouse = root / "bench.duckdb"
        subprocess.run(
            [str(BIN / "impact"), "run", "--data-dir", str(root / "data"), "--warehouse", str(warehouse)],
            check=True,
            capture_output=True,
        )
        metric, region = ("fte", "B_TR") if args.design == "units" else ("sales_per_capita", "B_R00")
        command = [str(BIN / "impact"), "effect", "--event", "BEV", "--metric", metric,
                   "--region", region, "--json", "--warehouse", str(warehouse)]  # fmt: skip
        seconds, cpu, doc = [], [], {}
        load_before = os.getloadavg()[0]
        for _ in range(args.runs):
            used = _children_cpu()
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            seconds.append(time.perf_counter() - start)
            cpu.append(_children_cpu() - used)
            doc = json.loads(done.stdout)
        load_after = os.getloadavg()[0]
    timing = {"runs": args.runs, "median_s": round(statistics.median(seconds), 3),
              "min_s": round(min(seconds), 3), "max_s": round(max(seconds), 3),
              "cpu_median_s": round(statistics.median(cpu), 3), "cpu_min_s": round(min(cpu), 3),
              "cpu_max_s": round(max(cpu), 3), "wall_s": [round(s, 2) for s in seconds],
              "cpu_s": [round(c, 2) for c in cpu], "load_1min_before": round(load_before, 2),
              "load_1min_after": round(load_after, 2), "cores": os.cpu_count()}  # fmt: skip
    if args.design == "units":
        did = doc["difference_in_differences"]
        result = {"benchmark": "impact effect (units: difference-in-differences and event study), whole process",
                  "units": did["units"], "months": 60, **timing, "effect": round(did["effect"]["estimate"], 3),
                  "event_study_periods": len(did["event_study"] or [])}  # fmt: skip
    else:
        sc = doc["synthetic_control"]
        result = {"benchmark": "impact effect (synthetic control with placebos), whole process",
                  "donors": sc["units_in_placebo_test"] - 1, "years": args.years, **timing,
                  "average_gap": round(sc["average_gap"], 3), "p_value": round(sc["p_value"], 4)}  # fmt: skip
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
