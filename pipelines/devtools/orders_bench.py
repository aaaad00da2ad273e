"""Benchmark: the pipeline's monthly order aggregation against the raw-engine floor, on the same files.

Every measurement runs in a fresh Python process (same interpreter, same DuckDB settings) so peak memory
(VmHWM from /proc: getrusage's max RSS of an exec'd child inherits the parent's peak on Linux) belongs to
that measurement alone. Repeats interleave the modes (floor, pipeline, ... then again) so load from other
processes on the machine hits them alike; the median of each is reported.
- floor: the fastest single plain DuckDB query we found that returns the SAME monthly aggregates as the
  pipeline (month x country x currency: gmv, net_gmv, orders), i.e. it also drops orders whose timestamp
  falls outside their partition's month or whose amount is missing; no FX, rollup, bad-row reporting or
  file writing. One branch per month with that month's bounds as constants (`floor_query`); per-row bounds
  (make_timestamptz from the hive columns) took 2.3 s and year()/month() 5.4 s where it takes 1.6 s at 50M.
- floor_unchecked: the same query without the timestamp and amount checks (a lower bound that returns
  slightly different numbers whenever there are bad rows); reported so the cost of the checks is visible.
- pipeline: `build_months` over every month, exactly as a ranged Dagster run calls it (the scan of
  sql/orders/scan.sql, writing each month's grouped scan), then `order_facts` as the warehouse build calls
  it (bad-row reasons, FX, rollup of every month: sql/orders/); reference data is loaded once beforehand
  and timed separately as a fixed cost.
- incremental: `build_months` for the last month only (adding a month to the existing ones), and
  floor_incremental, the floor of that month: the marginal ratio (pipeline - incremental) / (floor -
  floor_incremental) is the per-row cost of the aggregation against the floor's, fixed costs cancelled.
- spill: pipeline and floor with a DuckDB memory_limit far below the data's size, temp files on disk.
- dagster: `run_orders` for every month (one Dagster run per month); overhead = its time - pipeline time.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

UNCHECKED_FLOOR_SQL = """
select year, month, country, currency,
       sum(amount) filter (where status <> 'cancelled') as gmv,
       sum(amount) filter (where status not in ('cancelled', 'refunded')) as net_gmv,
       count(*) filter (where status <> 'cancelled')::bigint as orders
from read_parquet(?, hive_partitioning = true)
group by all
"""


def floor_query(files_by_month: dict[str, list[str]]) -> tuple[str, dict]:
    """One plain query: per month, group the month's files with its bounds as constants, then keep the rows
    inside the month with an amount. Returns (sql, parameters); rows are month, country, currency, gmv,
    net_gmv, orders."""
    from datetime import UTC, datetime

    from pipelines.orders.months import month_start, next_month

    branches, params = [], {}
    for i, (month, files) in enumerate(sorted(files_by_month.items())):
        start = datetime.combine(month_start(month), datetime.min.time(), UTC)
        end = datetime.combine(next_month(month_start(month)), datetime.min.time(), UTC)
        branches.append(
            f"select $m{i} as month, country, currency, status, "
            f"ordered_at::timestamptz >= $s{i} and ordered_at::timestamptz < $e{i} as inside, "
            f"count(amount) as n, sum(amount) as amount from read_parquet($f{i}) group by all"
        )
        params |= {f"m{i}": month, f"s{i}": start, f"e{i}": end, f"f{i}": files}
    sql = f"""
    select month, country, currency,
           coalesce(sum(amount) filter (where inside and status <> 'cancelled'), 0) as gmv,
           coalesce(sum(amount) filter (where inside and status not in ('cancelled', 'refunded')), 0)
               as net_gmv,
           coalesce(sum(n) filter (where inside and status <> 'cancelled'), 0)::bigint as orders
    from ({" union all ".join(branches)})
    group by all
    having sum(n) filter (where inside and status is not null) > 0
    """
    return sql, params


def agreement(data_dir: Path) -> dict:
    """Floor and pipeline must return the same numbers, or timing them against each other means nothing:
    per month and country, order counts must be equal and gmv (floor converted at the same month's rate)
    equal to the cent."""
    import polars as pl

    from pipelines.orders import layout
    from pipelines.orders.aggregate import connect, rates_for_months
    from pipelines.orders.facts import order_facts
    from pipelines.orders.regions_and_rates import monthly_rates, region_paths

    root = layout.orders_dir(data_dir)
    months = layout.months_on_disk(root)
    con = connect()
    try:
        sql, params = floor_query({m: layout.month_files(root, m) for m in months})
        floor = con.sql(sql, params=params).pl()
    finally:
        con.close()
    rates = rates_for_months(monthly_rates(), months)
    countries = region_paths().filter(pl.col("level") == "country")["region_code"].implode()
    floor = (
        floor.filter(pl.col("country").is_in(countries))  # the pipeline rejects unknown ones
        .join(rates, on=["month", "currency"])  # and unknown currencies
        .group_by("month", "country")
        .agg(gmv=(pl.col("gmv") * pl.col("usd_per_unit")).sum(), orders=pl.col("orders").sum())
    )
    figures = order_facts(data_dir, region_paths(), monthly_rates()).figures
    figures = figures.filter(pl.col("region_code").is_in(countries))
    pipeline = figures.pivot("metric", index=["period", "region_code"], values="value").rename(
        {"period": "month", "region_code": "country"}
    )
    both = floor.join(pipeline, on=["month", "country"], how="full", suffix="_pipeline", coalesce=True)
    return {
        "groups": both.height,
        "orders_mismatches": both.filter(pl.col("orders") != pl.col("orders_pipeline")).height
        + both.filter(pl.col("orders").is_null() | pl.col("orders_pipeline").is_null()).height,
        "max_gmv_diff_usd": round(float((both["gmv"] - both["gmv_pipeline"]).abs().max() or 0.0), 4),
    }


@dataclass
class BenchConfig:
    rows: int
    months: int = 25
    repeats: int = 3
    bench_dir: Path = Path("data/bench/orders")
    memory_limit: str = "128MB"
    threads: int | None = None
    dagster: bool = True
    seed: int = 7
    bad_rows_window: float = 1.0  # GeneratorConfig.bad_rows_window: 1.0 spreads bad rows, 0.1 bursts them


def ensure_data(cfg: BenchConfig, echo=print) -> dict:
    """Generate the benchmark's orders unless the folder already holds the same configuration."""
    from pipelines.devtools.orders_generator import GeneratorConfig, generate_orders
    from pipelines.orders import layout

    gen = GeneratorConfig(
        rows=cfg.rows,
        months=cfg.months,
        start="2024-01",
        seed=cfg.seed,
        bad_rows_share=0.0005,
        bad_rows_window=cfg.bad_rows_window,
    )
    root = layout.orders_dir(cfg.bench_dir)
    marker = root / layout.SYNTHETIC_MARKER
    if marker.exists() and json.loads(marker.read_text()) == json.loads(json.dumps(asdict(gen))):
        echo(f"reusing {root}")
        return {"reused": True}
    echo(f"generating {cfg.rows:,} orders in {cfg.months} months under {root} ...")
    started = time.perf_counter()
    generate_orders(gen, root, layout.dataset_dir(cfg.bench_dir))
    seconds = time.perf_counter() - started
    return {"reused": False, "seconds": round(seconds, 2), "rows_per_s": round(cfg.rows / seconds)}


def measure(spec: dict) -> dict:
    """Run one measurement in a fresh process; returns its JSON result."""
    out = subprocess.run(
        [sys.executable, "-m", "pipelines.devtools.orders_bench", json.dumps(spec)],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "DAGSTER_HOME": str(Path(spec["data_dir"]) / "dagster_home")},
    )
    if out.returncode:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"benchmark measurement {spec['mode']} failed: {last}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _worker(spec: dict) -> dict:
    """Inside the measuring process."""
    from pipelines.orders import layout
    from pipelines.orders.aggregate import connect
    from pipelines.orders.build import build_months
    from pipelines.orders.facts import order_facts
    from pipelines.orders.regions_and_rates import monthly_rates, region_paths

    data_dir = Path(spec["data_dir"])
    root = layout.orders_dir(data_dir)
    months = layout.months_on_disk(root)
    started = time.perf_counter()
    region_paths(), monthly_rates()
    reference_s = time.perf_counter() - started
    baseline_rss = _status_kb("VmRSS")
    limits = {
        "threads": spec.get("threads"),
        "memory_limit": spec.get("memory_limit"),
        "temp_dir": spec.get("temp_dir"),
    }
    started, cpu_started = time.perf_counter(), time.process_time()
    if spec["mode"] in ("floor", "floor_incremental"):
        con = connect(**limits)
        chosen = months[-1:] if spec["mode"] == "floor_incremental" else months
        sql, params = floor_query({m: layout.month_files(root, m) for m in chosen})
        groups = con.execute(sql, params).fetchall()
        rows = None
        con.close()
    elif spec["mode"] == "floor_unchecked":
        con = connect(**limits)
        files = [f for m in months for f in layout.month_files(root, m)]
        groups = con.execute(UNCHECKED_FLOOR_SQL, [files]).fetchall()
        rows = None
        con.close()
    elif spec["mode"] in ("pipeline", "incremental", "pipeline_unproven"):
        chosen = months[-1:] if spec["mode"] == "incremental" else months
        if spec["mode"] == "pipeline_unproven":  # before row-group proofs: every row checked
            from functools import partial

            from pipelines.orders.scan import scan_months

            limits["scan"] = partial(scan_months, proofs=False)
        summaries = build_months(data_dir, chosen, **limits)
        facts = order_facts(data_dir, region_paths(), monthly_rates())  # what the warehouse build adds
        rows, groups = sum(s["rows_in"] for s in summaries), facts.figures.height
    elif spec["mode"] == "dagster":
        from pipelines.defs.orders_run import run_orders

        summary = run_orders(data_dir)
        rows, groups = summary["rows_in"], summary["runs"]
    seconds = time.perf_counter() - started
    return {
        "mode": spec["mode"],
        "seconds": seconds,
        "cpu_s": time.process_time() - cpu_started,  # every thread's CPU time: less sensitive to load
        "rows": rows,
        "result_rows": len(groups) if isinstance(groups, list) else groups,
        "reference_load_s": reference_s,
        "peak_rss_mb": _status_kb("VmHWM") / 1024,
        "baseline_rss_mb": baseline_rss / 1024,
    }


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _summarise(runs: list[dict], total_rows: int) -> dict:
    rows = runs[0]["rows"] if runs[0]["rows"] is not None else total_rows
    seconds = statistics.median(r["seconds"] for r in runs)
    return {
        "seconds": round(seconds, 3),
        "runs_s": [round(r["seconds"], 3) for r in runs],
        "cpu_s": round(statistics.median(r.get("cpu_s", 0.0) for r in runs), 3),
        "rows": rows,
        "rows_per_s": round(rows / seconds),
        "peak_rss_mb": round(statistics.median(r["peak_rss_mb"] for r in runs), 1),
        "baseline_rss_mb": round(statistics.median(r["baseline_rss_mb"] for r in runs), 1),
        "reference_load_s": round(statistics.median(r["reference_load_s"] for r in runs), 3),
        "result_rows": runs[0]["result_rows"],
    }


def run_benchmark(cfg: BenchConfig, echo=print) -> dict:
    from pipelines.orders import layout

    generation = ensure_data(cfg, echo)
    load_before = [round(x, 2) for x in os.getloadavg()]
    root = layout.orders_dir(cfg.bench_dir)
    on_disk = sum(p.stat().st_size for p in root.rglob("*.parquet"))
    base = {"data_dir": str(cfg.bench_dir), "threads": cfg.threads}
    spill_dir = str(cfg.bench_dir / "duckdb_tmp")
    spill = {
        **base,
        "memory_limit": cfg.memory_limit,
        "temp_dir": spill_dir,
        "label": f"(memory_limit {cfg.memory_limit})",
    }
    specs = {
        "floor": {**base, "mode": "floor"},
        "floor_unchecked": {**base, "mode": "floor_unchecked"},
        "pipeline": {**base, "mode": "pipeline"},
        "pipeline_unproven": {**base, "mode": "pipeline_unproven"},
        "incremental": {**base, "mode": "incremental"},
        "floor_incremental": {**base, "mode": "floor_incremental"},
        "floor_spill": {**spill, "mode": "floor"},
        "pipeline_spill": {**spill, "mode": "pipeline"},
    }
    runs: dict[str, list[dict]] = {name: [] for name in specs}
    for i in range(cfg.repeats):
        for name, spec in specs.items():
            runs[name].append(measure(spec))
            echo(f"  {name:<15} run {i + 1}/{cfg.repeats}: {runs[name][-1]['seconds']:.2f} s")
    results = {name: _summarise(r, cfg.rows) for name, r in runs.items()}
    if cfg.dagster:
        results["dagster"] = _summarise([measure({**base, "mode": "dagster"})], cfg.rows)
    ratios = {
        "pipeline_vs_floor": round(results["pipeline"]["seconds"] / results["floor"]["seconds"], 3),
        "pipeline_vs_unchecked_floor": round(
            results["pipeline"]["seconds"] / results["floor_unchecked"]["seconds"], 3
        ),
        "unproven_vs_unchecked_floor": round(
            results["pipeline_unproven"]["seconds"] / results["floor_unchecked"]["seconds"], 3
        ),
        "incremental_vs_full": round(results["incremental"]["seconds"] / results["pipeline"]["seconds"], 3),
        # the cost of the rows beyond one month: fixed costs (process, planning, the build's classification
        # of every month) cancel out. Wall time, and CPU time (less sensitive to a shared machine's load).
        "marginal_pipeline_vs_floor": _marginal(results, "seconds"),
        "marginal_pipeline_vs_floor_cpu": _marginal(results, "cpu_s"),
        "spill_pipeline_vs_floor": round(
            results["pipeline_spill"]["seconds"] / results["floor_spill"]["seconds"], 3
        ),
    }
    if cfg.dagster:
        overhead = results["dagster"]["seconds"] - results["pipeline"]["seconds"]
        ratios["dagster_overhead_s"] = round(overhead, 2)
        ratios["dagster_runs"] = results["dagster"]["result_rows"]
    return {
        "rows": cfg.rows,
        "months": cfg.months,
        "parquet_bytes": on_disk,
        "repeats": cfg.repeats,
        "machine": _machine(cfg, load_before),
        "generation": generation,
        "results": results,
        "ratios": ratios,
        "agreement": agreement(cfg.bench_dir),
    }


def _marginal(results: dict, key: str) -> float | None:
    """(pipeline - incremental) / (floor - floor_incremental): the per-row cost ratio of every month but
    the last, by wall seconds or CPU seconds (`key`); None when the floor's difference is not positive."""
    floor = results["floor"][key] - results["floor_incremental"][key]
    pipeline = results["pipeline"][key] - results["incremental"][key]
    return round(pipeline / floor, 3) if floor > 0 else None


def _machine(cfg: BenchConfig, load_before: list[float] | None = None) -> dict:
    import duckdb

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(memory / 2**30, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "duckdb_threads": cfg.threads or os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def format_table(report: dict) -> str:
    lines = [
        f"{report['rows']:,} orders, {report['months']} months, {report['parquet_bytes'] / 2**20:,.0f} MiB Parquet, "
        f"median of {report['repeats']}; {report['machine']['cpus']} CPUs, DuckDB {report['machine']['duckdb']}",
        f"{'measurement':<16}{'seconds':>10}{'M rows/s':>10}{'peak RSS MB':>13}{'base RSS MB':>13}",
    ]
    for name, r in report["results"].items():
        lines.append(
            f"{name:<16}{r['seconds']:>10.2f}{r['rows_per_s'] / 1e6:>10.1f}{r['peak_rss_mb']:>13.0f}{r['baseline_rss_mb']:>13.0f}"
        )
    lines.append("ratios: " + ", ".join(f"{k} {v}" for k, v in report["ratios"].items()))
    if "agreement" in report:
        lines.append("floor vs pipeline: " + ", ".join(f"{k} {v}" for k, v in report["agreement"].items()))
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(_worker(json.loads(sys.argv[1]))))
