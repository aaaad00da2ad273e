"""Headless runs of the orders path through Dagster: every month on disk, or one month; in parallel on
request (one step per month in a multiprocess run)."""

from __future__ import annotations

import time
from pathlib import Path

import dagster as dg

from pipelines.defs.orders import MONTHS_PER_RUN, order_months
from pipelines.defs.run import QUIET, dagster_home
from pipelines.orders import layout


def order_figures_job() -> dg.JobDefinition:
    """The code location's `order_figures_job` (reconstructable: step processes import it by this name)."""
    from pipelines.defs.definitions import defs

    return defs.resolve_job_def("order_figures_job")


def run_orders(
    data_dir: str | Path,
    month: str | None = None,
    instance: dg.DagsterInstance | None = None,
    engine: str | None = None,
    spark_master: str | None = None,
    parallel: int = 1,
) -> dict:
    """Materialise `order_figures` for every month under DATA_DIR/orders/ (or only `month`), up to
    MONTHS_PER_RUN months per Dagster run (as a UI backfill would), scanned by `engine` ('duckdb' or
    'spark'; None: IMPACT_ORDERS_ENGINE, else duckdb) on `spark_master` (None: IMPACT_SPARK_MASTER, else
    local[*]). parallel 1: each run's months in one step, in this process (one scan). parallel N > 1: one
    step per month in its own process, at most N at once (Dagster's multiprocess executor).

    Returns a summary: months run, rows in/aggregated/rejected, failures (month -> error), runs, run ids
    and timings. The warehouse build that picks the figures up is the caller's next step."""
    data_dir = Path(data_dir)
    on_disk = layout.months_on_disk(layout.orders_dir(data_dir))
    if month is not None and month not in on_disk:
        found = ", ".join(on_disk[-6:]) or "none"
        raise ValueError(
            f"no order files for {month} under {layout.orders_dir(data_dir)} (months found: {found})"
        )
    if parallel < 1:
        raise ValueError(f"parallel must be at least 1, got {parallel}")
    months = [month] if month else on_disk
    run_config = order_run_config(data_dir, engine, spark_master, parallel)
    started = time.perf_counter()
    if instance is None:
        dagster_home(data_dir)
        instance = dg.DagsterInstance.get()
    known = instance.get_dynamic_partitions(order_months.name)
    instance.add_dynamic_partitions(order_months.name, [m for m in months if m not in known])
    summary = {"months": [], "failed": {}, "rows_in": 0, "rows_aggregated": 0, "rows_rejected": 0}
    summary |= {"runs": 0, "run_ids": []}
    for batch in _contiguous_batches(instance.get_dynamic_partitions(order_months.name), months):
        tags = {
            "impact/trigger": "cli",
            "dagster/asset_partition_range_start": batch[0],
            "dagster/asset_partition_range_end": batch[-1],
        }
        job = dg.reconstructable(order_figures_job)
        with dg.execute_job(job, instance, run_config=run_config, tags=tags, raise_on_error=False) as result:
            summary["runs"] += 1
            summary["run_ids"].append(result.run_id)
            if not result.success:
                summary["failed"].update(_failed_months(result, batch))
                continue
            meta = result.asset_materializations_for_node("order_figures")[0].metadata
        summary["months"].extend(batch)
        for name in ("rows_in", "rows_aggregated", "rows_rejected"):
            summary[name] += meta[name.replace("_", " ")].value
    summary["seconds"] = round(time.perf_counter() - started, 3)
    return summary


def order_run_config(data_dir: Path, engine: str | None, spark_master: str | None, parallel: int) -> dict:
    """Run config of `order_figures_job`: the data dir and Spark master as resource config, the engine,
    and the executor (in-process, or multiprocess with one month per step and at most `parallel` at once;
    step processes fork from a server that has already imported the code location)."""
    from pipelines.orders.spark import spark_config
    from pipelines.settings import env_spark_master

    if parallel > 1:
        start = {"forkserver": {"preload_modules": ["pipelines.defs.definitions"]}}
        execution = {"multiprocess": {"max_concurrent": parallel, "start_method": start}}
    else:
        execution = {"in_process": {}}
    scan = {"engine": engine, "months_per_step": 1 if parallel > 1 else MONTHS_PER_RUN}
    return {
        **QUIET,
        "execution": {"config": execution},
        "ops": {"order_figures": {"config": scan}},
        "resources": {
            "settings": {"config": {"data_dir": str(data_dir)}},
            "pyspark": {"config": {"spark_config": spark_config(spark_master or env_spark_master())}},
        },
    }


def _contiguous_batches(
    ordered_keys: list[str], months: list[str], size: int = MONTHS_PER_RUN
) -> list[list[str]]:
    """Runs cover partition-key ranges, which follow the order keys were added in: split `months` into
    ranges of consecutive keys in that order (at most `size` long)."""
    position = {key: i for i, key in enumerate(ordered_keys)}
    batches: list[list[str]] = []
    for month in sorted(months, key=position.__getitem__):
        last = batches[-1] if batches else None
        if last and len(last) < size and position[last[-1]] + 1 == position[month]:
            last.append(month)
        else:
            batches.append([month])
    return batches


def _failed_months(result: dg.ExecuteJobResult, batch: list[str]) -> dict[str, str]:
    """month -> error for the months of a failed run: a failed step names its months (mapping key
    m2024_01_2024_02); a failure outside the month steps fails every month of the run."""
    failed: dict[str, str] = {}
    for event in result.all_events:
        if not (event.is_step_failure and event.step_failure_data.error):
            continue
        error = event.step_failure_data.error
        while error.cause and error.message.startswith("dagster._core.errors"):
            error = error.cause  # the asset's own exception, not Dagster's wrapper
        key = event.step_key or ""
        named = [m for m in batch if "[m" in key and m.replace("-", "_") in key]
        failed.update(dict.fromkeys(named or batch, error.message.strip()))
    return failed or dict.fromkeys(batch, "run failed")
