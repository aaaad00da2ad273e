"""Headless runs of the orders path through Dagster: every month on disk, or one month; in parallel on
request (one step per month in a multiprocess run). `order_run` prepares the one run of `impact run
--orders` that scans the months and builds the warehouse (pipelines/defs/run.py run_pipeline)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines.defs.orders import MONTHS_PER_RUN, order_months
from pipelines.defs.run import QUIET, dagster_home
from pipelines.orders import layout


@dataclass
class OrderRun:
    """The order part of one pipeline run: months (one partition range of `order_figures`), the instance
    that records their partitions, the range tags, the asset's config and the `pyspark` resource."""

    months: list[str]
    instance: dg.DagsterInstance
    tags: dict[str, str]
    scan_config: dict
    pyspark: object


def order_run(
    data_dir: str | Path,
    month: str | None = None,
    instance: dg.DagsterInstance | None = None,
    engine: str | None = None,
    spark_master: str | None = None,
) -> OrderRun | None:
    """The order months of one `impact run --orders` (every month on disk, or `month`), registered as
    partitions on `instance` (None: DATA_DIR's DAGSTER_HOME). None when they are not one range of partition
    keys (keys added out of order, or months gone from disk between them): run_orders runs them first then.
    Raises ValueError for a month without files."""
    from pipelines.defs.orders import pyspark_resource

    data_dir = Path(data_dir)
    months = _months(data_dir, month)
    if instance is None:
        dagster_home(data_dir)
        instance = dg.DagsterInstance.get()
    known = instance.get_dynamic_partitions(order_months.name)
    instance.add_dynamic_partitions(order_months.name, [m for m in months if m not in known])
    batches = _contiguous_batches(
        instance.get_dynamic_partitions(order_months.name), months, size=len(months)
    )
    if len(batches) != 1:
        return None
    tags = {
        "dagster/asset_partition_range_start": batches[0][0],
        "dagster/asset_partition_range_end": batches[0][-1],
    }
    return OrderRun(
        months=batches[0],
        instance=instance,
        tags=tags,
        scan_config={"engine": engine, "months_per_step": MONTHS_PER_RUN},
        pyspark=pyspark_resource(spark_master),
    )


def _months(data_dir: Path, month: str | None) -> list[str]:
    on_disk = layout.months_on_disk(layout.orders_dir(data_dir))
    if month is not None and month not in on_disk:
        found = ", ".join(on_disk[-6:]) or "none"
        raise ValueError(
            f"no order files for {month} under {layout.orders_dir(data_dir)} (months found: {found})"
        )
    return [month] if month else on_disk


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

    Returns a summary: months run, rows in, rows outside their month, failures (month -> error), runs, run
    ids and timings. The warehouse build that makes the figures is the caller's next step (or the same run:
    `order_run`)."""
    data_dir = Path(data_dir)
    months = _months(data_dir, month)
    if parallel < 1:
        raise ValueError(f"parallel must be at least 1, got {parallel}")
    run_config = order_run_config(data_dir, engine, spark_master, parallel)
    started = time.perf_counter()
    if instance is None:
        dagster_home(data_dir)
        instance = dg.DagsterInstance.get()
    known = instance.get_dynamic_partitions(order_months.name)
    instance.add_dynamic_partitions(order_months.name, [m for m in months if m not in known])
    summary = {"months": [], "failed": {}, "rows_in": 0, "rows_outside_month": 0}
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
                summary["failed"].update(failed_months(result, batch))
                continue
            meta = result.asset_materializations_for_node("order_figures")[0].metadata
        summary["months"].extend(batch)
        for name in ("rows_in", "rows_outside_month"):
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


def failed_months(result, batch: list[str], node: str | None = None) -> dict[str, str]:
    """month -> error for the months of a failed run (an ExecuteJobResult or ExecuteInProcessResult): a
    failed step names its months (mapping key m2024_01_2024_02); a failure outside the month steps fails
    every month of the run. node: only failures of that asset's steps count ('order_figures'); {} if none."""
    failed: dict[str, str] = {}
    for event in result.all_events:
        if not (event.is_step_failure and event.step_failure_data.error):
            continue
        if node is not None and not (event.step_key or "").startswith(f"{node}."):
            continue
        error = event.step_failure_data.error
        while error.cause and error.message.startswith("dagster._core.errors"):
            error = error.cause  # the asset's own exception, not Dagster's wrapper
        key = event.step_key or ""
        named = [m for m in batch if "[m" in key and m.replace("-", "_") in key]
        failed.update(dict.fromkeys(named or batch, error.message.strip()))
    if node is not None:
        return failed
    return failed or dict.fromkeys(batch, "run failed")
