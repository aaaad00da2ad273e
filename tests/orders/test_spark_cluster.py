"""A real Spark standalone cluster (a master and two workers on 127.0.0.1, started from the installed pyspark)
running `impact run --orders --engine spark --spark-master spark://127.0.0.1:PORT`: DuckDB's numbers, only
loopback sockets, a worker killed mid-run, and a master that cannot be reached. The cluster is stopped
whatever happens (`standalone_cluster`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.devtools.orders_generator import GeneratorConfig, generate_orders
from pipelines.devtools.spark_cluster import listening_addresses, standalone_cluster
from pipelines.orders import layout
from pipelines.orders.build import build_months
from tests.helpers import free_port, wait_until
from tests.orders.mixed_orders import make_mixed_orders

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with standalone_cluster(
        tmp_path_factory.mktemp("spark-cluster"), workers=2, cores=1, memory="1g"
    ) as running:
        yield running


def impact(*args: str, data_dir: Path, wait: bool = True):
    command = [sys.executable, "-m", "pipelines.cli.main", "run", "--orders", *args]
    command += ["--data-dir", str(data_dir), "--warehouse", str(data_dir / "warehouse.duckdb")]
    env = {**os.environ, "DAGSTER_HOME": str(data_dir / "dagster_home")}
    env.pop("IMPACT_ORDERS_ENGINE", None)
    if not wait:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)


def duckdb_figures(files_root: Path, tmp: Path) -> pl.DataFrame:
    """The DuckDB engine's figures for the same order files (built in a copy, not the tested folder)."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "orders").symlink_to(files_root)
    build_months(tmp, layout.months_on_disk(files_root))
    return _figures(tmp)


def _figures(data_dir: Path) -> pl.DataFrame:
    """The order figures the warehouse build makes from the months' grouped scans (none: empty)."""
    from pipelines.orders.facts import order_facts
    from pipelines.orders.regions_and_rates import monthly_rates, region_paths

    return order_facts(data_dir, region_paths(), monthly_rates()).figures.sort("figure_id")


def assert_same_figures(spark: pl.DataFrame, duck: pl.DataFrame) -> None:
    assert spark["figure_id"].to_list() == duck["figure_id"].to_list()
    assert (spark["value"] - duck["value"]).abs().max() <= 0.0100001  # to the cent (both rounded)
    orders = spark.filter(pl.col("metric") == "orders")
    assert orders["value"].to_list() == duck.filter(pl.col("metric") == "orders")["value"].to_list()


@pytest.fixture(scope="module")
def published(cluster, tmp_path_factory):
    """The CLI run on the cluster, over orders with every kind of bad row."""
    data_dir = tmp_path_factory.mktemp("cluster-data")
    make_mixed_orders(data_dir)
    done = impact("--engine", "spark", "--spark-master", cluster.master_url, data_dir=data_dir)
    return data_dir, done


def test_cli_on_the_cluster_equals_duckdb(cluster, published, tmp_path):
    data_dir, done = published
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "orders: 3 month(s)" in done.stdout and "published:" in done.stdout
    assert_same_figures(_figures(data_dir), duckdb_figures(layout.orders_dir(data_dir), tmp_path))
    apps = cluster.state()["completedapps"]
    assert [a["name"] for a in apps] == ["impact-orders"]  # it ran on the cluster, not in local mode
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        reasons = {r[0] for r in con.execute("select distinct reason from order_rejects").fetchall()}
    assert reasons == {
        "ordered_at_outside_month",
        "missing_amount",
        "invalid_amount",
        "unknown_country",
        "unknown_currency",
        "missing_status",
    }


def test_unreachable_master_fails_fast_and_keeps_the_warehouse(published):
    data_dir, done = published
    assert done.returncode == 0
    warehouse = data_dir / "warehouse.duckdb"
    before = (warehouse.stat().st_mtime_ns, warehouse.read_bytes())
    figures_before = _figures(data_dir)
    started = time.monotonic()
    failed = impact(
        "--engine", "spark", "--spark-master", f"spark://127.0.0.1:{free_port()}", data_dir=data_dir
    )
    seconds = time.monotonic() - started
    assert failed.returncode == 1
    assert "cannot be reached" in failed.stdout and "Connection refused" in failed.stdout, failed.stdout
    assert "was not rebuilt" in failed.stderr
    assert seconds < 60, seconds  # Python, Dagster and the 3 s probe; Spark alone would wait a minute+
    assert (warehouse.stat().st_mtime_ns, warehouse.read_bytes()) == before
    assert _figures(data_dir).equals(figures_before)


def test_worker_killed_mid_run(cluster, tmp_path):
    """Kill one worker (and its executor) while the job runs: the run completes on the other worker with
    DuckDB's numbers, or fails with a clear error having written nothing. Meanwhile every socket the
    cluster, the executors and the driver listen on is on 127.0.0.1."""
    data_dir = tmp_path / "big"
    config = GeneratorConfig(rows=1_500_000, months=3, start="2024-10", seed=3, bad_rows_share=0.001)
    generate_orders(config, layout.orders_dir(data_dir), layout.dataset_dir(data_dir))
    for stale in layout.dataset_dir(data_dir).glob("order_groups-2*"):
        stale.unlink()  # the generator writes projections only; make sure no month is scanned before
    run = impact("--engine", "spark", "--spark-master", cluster.master_url, data_dir=data_dir, wait=False)
    try:
        wait_until(
            lambda: len(ws := cluster.alive_workers()) == 2 and all(w["coresused"] >= 1 for w in ws),
            300,
            "executors on both workers",
            alive=[run],
        )
        time.sleep(2)  # pacing: executors are up; let tasks start (the kill must land mid-stage)
        sockets = listening_addresses([p.pid for p in cluster.processes] + [run.pid])
        cluster.kill_worker(1)
        output, _ = run.communicate(timeout=400)
    finally:
        if run.poll() is None:
            run.kill()
    assert sockets and all(s.startswith("127.0.0.1:") for s in sockets), sockets
    if run.returncode == 0:
        assert_same_figures(
            _figures(data_dir), duckdb_figures(layout.orders_dir(data_dir), tmp_path / "duck")
        )
    else:
        assert "FAILED 2024-10" in output, output[-3000:]
        assert _figures(data_dir).is_empty()
        assert not (data_dir / "warehouse.duckdb").exists()
    print(f"worker killed mid-run: exit {run.returncode}; {output.strip().splitlines()[0]}")
