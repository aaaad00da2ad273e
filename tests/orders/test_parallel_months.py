"""Month partitions fanned out: a real multiprocess Dagster run, one step (and process) per month, at most
N at once; the same figures as one in-process step; re-runs idempotent; a failed month touches nothing."""

from __future__ import annotations

import dagster as dg
import polars as pl
import pytest

from pipelines.defs.orders import ORDERS_POOL
from pipelines.defs.orders_run import run_orders
from pipelines.devtools.orders_generator import GeneratorConfig, generate_orders

MONTHS = ["2024-10", "2024-11", "2024-12", "2025-01"]
LIMIT = 2


@pytest.fixture
def data_dir(tmp_path):
    config = GeneratorConfig(rows=40_000, months=4, start="2024-10", seed=5, bad_rows_share=0.01)
    generate_orders(config, tmp_path / "orders", tmp_path / "datasets" / "orders")
    return tmp_path


def month_files(data_dir) -> dict[str, pl.DataFrame]:
    folder = data_dir / "datasets" / "orders"
    return {p.name: pl.read_parquet(p) for p in sorted(folder.glob("*-20*.parquet"))}


def same_groups(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    """Equal grouped scans: the counts exactly, the double sums to their last bits (a parallel sum's order)."""
    close = ((a["amount"] - b["amount"]).abs() <= 1e-9 * b["amount"].abs()).all()
    return a.drop("amount").equals(b.drop("amount")) and bool(close)


def step_windows(instance: dg.DagsterInstance, run_id: str) -> dict[str, tuple[float, float]]:
    """Per month step: from the executor launching its process to the step's end (success or failure),
    from the run's event log. Counting from the launch over-counts what runs at once, never under-counts."""
    launched: dict[str, float] = {}
    ended: dict[str, float] = {}
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        key = record.step_key or ""
        if event is None or "build_order_months[" not in key:
            continue
        if event.event_type_value == "STEP_WORKER_STARTING":  # "Launching subprocess for ..."
            launched.setdefault(key, record.timestamp)
        if event.is_step_success or event.is_step_failure:
            ended[key] = record.timestamp
    return {key: (launched[key], ended[key]) for key in ended}


def most_at_once(windows: dict[str, tuple[float, float]]) -> int:
    edges = sorted([(start, 1) for start, _ in windows.values()] + [(end, -1) for _, end in windows.values()])
    running = peak = 0
    for _, change in edges:  # an end before a start at the same instant: sorted (t, -1) < (t, 1)
        running += change
        peak = max(peak, running)
    return peak


def test_months_fan_out_within_the_limit(data_dir):
    with dg.instance_for_test() as instance:
        sequential = run_orders(data_dir, instance=instance)
        one_step = month_files(data_dir)
        fanned = run_orders(data_dir, instance=instance, parallel=LIMIT)
        windows = step_windows(instance, fanned["run_ids"][0])
        steps = [
            r.step_key
            for r in instance.all_logs(fanned["run_ids"][0])
            if r.dagster_event and r.dagster_event.is_step_success
        ]
    assert sequential["failed"] == fanned["failed"] == {}
    assert fanned["months"] == sequential["months"] == MONTHS
    assert fanned["rows_in"] == sequential["rows_in"] == 40_000
    assert len(windows) == len(MONTHS)  # one step per month
    assert most_at_once(windows) == LIMIT  # months overlapped, never more than the limit
    assert "order_figures.build_order_months[m2024_10]" in steps
    assert month_files(data_dir).keys() == one_step.keys() and len(one_step) == len(MONTHS)
    for name, frame in month_files(data_dir).items():
        assert same_groups(frame, one_step[name]), name  # the same grouped scan as one step


@pytest.mark.slow  # two multiprocess runs: ~15-30 s
def test_a_failed_month_leaves_the_others_and_its_last_output(data_dir):
    """Re-running the months gives identical files (idempotent); the month whose step fails (its order
    file is not Parquet) keeps its previous files byte for byte, and the other months still complete."""
    with dg.instance_for_test() as instance:
        run_orders(data_dir, instance=instance, parallel=LIMIT)
        before = month_files(data_dir)
        folder = data_dir / "datasets" / "orders"
        kept = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.glob("*-2024-11.parquet")}
        mtimes = {p.name: p.stat().st_mtime_ns for p in folder.glob("*-20*.parquet")}
        [broken] = (data_dir / "orders" / "year=2024" / "month=11").glob("*.parquet")
        broken.write_bytes(b"not parquet at all")
        again = run_orders(data_dir, instance=instance, parallel=LIMIT)
        windows = step_windows(instance, again["run_ids"][0])
    assert list(again["failed"]) == ["2024-11"]
    assert broken.name in again["failed"]["2024-11"]
    assert most_at_once(windows) <= LIMIT
    after = month_files(data_dir)
    assert after.keys() == before.keys()
    for name, frame in after.items():
        assert same_groups(frame, before[name]), name  # identical results: re-runs are idempotent
        rewritten = (data_dir / "datasets" / "orders" / name).stat().st_mtime_ns != mtimes[name]
        assert rewritten == ("2024-11" not in name), name  # the other months really ran again
    for name, (data, mtime) in kept.items():
        path = folder / name
        assert (path.read_bytes(), path.stat().st_mtime_ns) == (data, mtime)


@pytest.mark.slow
def test_the_instance_pool_limit_holds_whatever_the_executor_allows(data_dir):
    """The pool `orders_scan` (set in the instance: dagster.yaml or `dagster instance concurrency set`)
    caps month steps across runs and executors: with 4 processes allowed and a pool of 1, one at a time."""
    with dg.instance_for_test() as instance:
        instance.event_log_storage.set_concurrency_slots(ORDERS_POOL, 1)
        done = run_orders(data_dir, instance=instance, parallel=4)
        windows = step_windows(instance, done["run_ids"][0])
        blocked = [
            r for r in instance.all_logs(done["run_ids"][0]) if "blocked by limit for pool" in r.user_message
        ]
    assert done["failed"] == {} and done["months"] == MONTHS
    assert len(windows) == len(MONTHS) and most_at_once(windows) == 1
    assert blocked  # the executor would have started more: the pool held them back


@pytest.mark.slow
def test_cli_parallel_months(data_dir, monkeypatch):
    """`impact run --orders --parallel 2`: one process per month, then the warehouse build."""
    from click.testing import CliRunner

    from pipelines.cli.main import main

    monkeypatch.setenv("DAGSTER_HOME", str(data_dir / "dagster_home"))
    warehouse = data_dir / "warehouse.duckdb"
    args = ["run", "--orders", "--parallel", "2", "--data-dir", str(data_dir), "--warehouse", str(warehouse)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "orders: 4 month(s), 40,000 rows in" in result.output
    with dg.DagsterInstance.get() as instance:
        [run] = instance.get_runs(filters=dg.RunsFilter(job_name="order_figures_job"))
        windows = step_windows(instance, run.run_id)
    assert len(windows) == len(MONTHS) and most_at_once(windows) == 2
    assert warehouse.exists()


def test_parallel_needs_orders(tmp_path):
    from click.testing import CliRunner

    from pipelines.cli.main import main

    result = CliRunner().invoke(main, ["run", "--parallel", "2", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "need --orders" in result.output
