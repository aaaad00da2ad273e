"""Benchmark: the order aggregation on DuckDB vs Spark local[2] vs a Spark standalone cluster of 2 workers
(1 core each) on this machine, on the same generated orders (`impact bench orders --engine spark`).

Every measurement runs `build_months` over every month (the scan, grouped files written; then the build's FX and
rollup to compare the numbers) in a fresh Python
process, the modes interleaved, the median of `repeats` reported:
- seconds: wall time of build_months; for Spark, the session start-up (JVM, executors registering) is
  measured apart as `startup_s`, since a long-lived driver pays it once;
- peak memory: the measuring process's VmHWM (driver side: Python + DuckDB), the driver JVM's VmHWM (for
  local[2] it runs the executors' tasks too), and for the cluster each executor JVM's VmHWM (read from
  /proc just before the session stops) and the worker daemons'.
The cluster is started once for all its measurements (not timed) and stopped at the end.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipelines.devtools.orders_bench import BenchConfig, _machine, _status_kb, ensure_data


def _vmhwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _worker(spec: dict) -> dict:
    """Inside the measuring process: one build_months over every month with the given engine."""
    from pipelines.orders import layout
    from pipelines.orders.build import build_months
    from pipelines.orders.regions_and_rates import monthly_rates, region_paths

    data_dir = Path(spec["data_dir"])
    months = layout.months_on_disk(layout.orders_dir(data_dir))
    region_paths(), monthly_rates()
    result = {"mode": spec["mode"], "startup_s": 0.0}
    options = {}
    if spec["mode"] != "duckdb":
        from pipelines.orders.spark import spark_config, spark_scanner, spark_session

        started = time.perf_counter()
        conf = spark_config(
            spec["master"], driver_memory="1g", executor_memory=spec.get("executor_memory", "1g")
        )
        session = spark_session(conf)
        session.sparkContext.setLogLevel("ERROR")
        if spec.get("executors"):  # wait for the cluster's executors, so start-up is not timed as scan
            tracker = session.sparkContext._jsc.sc()
            while tracker.getExecutorMemoryStatus().size() < spec["executors"] + 1:
                time.sleep(0.1)
        result["startup_s"] = time.perf_counter() - started
        options["scan"] = spark_scanner(session)
    started = time.perf_counter()
    summaries = build_months(data_dir, months, **options)
    result["seconds"] = time.perf_counter() - started
    result["rows"] = sum(s["rows_in"] for s in summaries)
    from pipelines.orders.facts import order_facts

    figures = order_facts(data_dir, region_paths(), monthly_rates()).figures  # what the build makes of them
    world = figures.filter((figures["region_code"] == "WORLD") & (figures["metric"] == "gmv"))
    result["world_gmv_usd"] = float(world["value"].sum())
    if spec["mode"] != "duckdb":
        result["driver_jvm_peak_mb"] = _vmhwm_mb(session.sparkContext._gateway.proc.pid)
        result["executor_peak_mb"] = [round(_vmhwm_mb(pid), 1) for pid in _executor_pids(spec)]
        session.stop()
    result["python_peak_mb"] = _status_kb("VmHWM") / 1024
    return result


def _executor_pids(spec: dict) -> list[int]:
    """The executor JVMs: children of the worker daemons (CoarseGrainedExecutorBackend)."""
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            ppid = int(next(x.split()[1] for x in text.splitlines() if x.startswith("PPid:")))
            if (
                ppid in spec.get("worker_pids", [])
                and "CoarseGrained" in (status.parent / "cmdline").read_text()
            ):
                pids.append(int(status.parent.name))
        except (OSError, StopIteration, ValueError):
            continue
    return pids


def measure(spec: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "pipelines.devtools.engines_bench", json.dumps(spec)],
        check=False,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"benchmark measurement {spec['mode']} failed: {last}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _summary(runs: list[dict]) -> dict:
    seconds = statistics.median(r["seconds"] for r in runs)
    summary = {
        "seconds": round(seconds, 3),
        "runs_s": [round(r["seconds"], 3) for r in runs],
        "rows_per_s": round(runs[0]["rows"] / seconds),
        "startup_s": round(statistics.median(r["startup_s"] for r in runs), 2),
        "python_peak_mb": round(statistics.median(r["python_peak_mb"] for r in runs), 1),
        "world_gmv_usd": round(runs[0]["world_gmv_usd"], 2),
    }
    if "driver_jvm_peak_mb" in runs[0]:
        summary["driver_jvm_peak_mb"] = round(statistics.median(r["driver_jvm_peak_mb"] for r in runs), 1)
        summary["executor_peak_mb"] = runs[-1]["executor_peak_mb"]
    return summary


def run_engines(cfg: BenchConfig, echo=print, workers_memory: str = "2g") -> dict:
    """DuckDB, Spark local[2] and the 2-worker standalone cluster, interleaved; the cluster is started once."""
    from pipelines.devtools.spark_cluster import standalone_cluster

    generation = ensure_data(cfg, echo)
    base = {"data_dir": str(cfg.bench_dir)}
    runs: dict[str, list[dict]] = {"duckdb": [], "spark_local2": [], "spark_standalone2": []}
    with (
        tempfile.TemporaryDirectory(prefix="impact-spark-") as work,
        standalone_cluster(Path(work), workers=2, cores=1, memory=workers_memory) as cluster,
    ):
        worker_pids = [p.pid for p in cluster.workers]
        specs = {
            "duckdb": {**base, "mode": "duckdb"},
            "spark_local2": {**base, "mode": "spark_local2", "master": "local[2]"},
            "spark_standalone2": {
                **base,
                "mode": "spark_standalone2",
                "master": cluster.master_url,
                "executors": 2,
                "worker_pids": worker_pids,
                "executor_memory": workers_memory,
            },
        }
        for i in range(cfg.repeats):
            for name, spec in specs.items():
                runs[name].append(measure(spec))
                last = runs[name][-1]
                echo(
                    f"  {name:<18} run {i + 1}/{cfg.repeats}: {last['seconds']:.2f} s (start-up {last['startup_s']:.1f} s)"
                )
        daemons_mb = {f"worker-{i}": round(_vmhwm_mb(pid), 1) for i, pid in enumerate(worker_pids)}
        daemons_mb["master"] = round(_vmhwm_mb(cluster.master.pid), 1)
    results = {name: _summary(r) for name, r in runs.items()}
    duck = results["duckdb"]["seconds"]
    return {
        "rows": cfg.rows,
        "months": cfg.months,
        "repeats": cfg.repeats,
        "parquet_bytes": sum(p.stat().st_size for p in Path(cfg.bench_dir, "orders").rglob("*.parquet")),
        "machine": {**_machine(cfg), "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "generation": generation,
        "results": results,
        "cluster_daemons_peak_mb": daemons_mb,
        "ratio_to_duckdb": {name: round(r["seconds"] / duck, 2) for name, r in results.items()},
        "same_world_gmv": len({r["world_gmv_usd"] for r in results.values()}) == 1,
    }


def format_engines(report: dict) -> str:
    lines = [
        f"{report['rows']:,} orders, {report['months']} months, {report['parquet_bytes'] / 2**20:,.0f} MiB Parquet, "
        f"median of {report['repeats']}; load average after {report['machine']['load_average_after']}",
        f"{'engine':<19}{'seconds':>9}{'x DuckDB':>9}{'M rows/s':>9}{'start-up s':>11}{'py MB':>7}{'driver MB':>10}  executors MB",
    ]
    for name, r in report["results"].items():
        lines.append(
            f"{name:<19}{r['seconds']:>9.2f}{report['ratio_to_duckdb'][name]:>9.2f}{r['rows_per_s'] / 1e6:>9.2f}"
            f"{r['startup_s']:>11.1f}{r['python_peak_mb']:>7.0f}{r.get('driver_jvm_peak_mb', 0):>10.0f}  {r.get('executor_peak_mb', '')}"
        )
    lines.append(
        f"cluster daemons peak MB: {report['cluster_daemons_peak_mb']}; same world gmv: {report['same_world_gmv']}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(_worker(json.loads(sys.argv[1]))))
