"""Headless runs of the orders path through Dagster: every month on disk, or one month."""

from __future__ import annotations

import time
from pathlib import Path

import dagster as dg

from pipelines.defs.orders import MONTHS_PER_RUN, order_figures, order_months, pyspark_resource
from pipelines.defs.resources import ImpactSettings
from pipelines.defs.run import QUIET, dagster_home
from pipelines.orders import layout


def run_orders(
    data_dir: str | Path,
    month: str | None = None,
    instance: dg.DagsterInstance | None = None,
    engine: str | None = None,
    spark_master: str | None = None,
) -> dict:
    """Materialise `order_figures` for every month under DATA_DIR/orders/ (or only `month`), up to
    MONTHS_PER_RUN months per Dagster run (as a UI backfill would), scanned by `engine` ('duckdb' or
    'spark'; None: IMPACT_ORDERS_ENGINE, else duckdb) on `spark_master` (None: IMPACT_SPARK_MASTER, else
    local[*]).

    Returns a summary: months run, rows in/aggregated/rejected, failures (month -> error) and timings.
    The warehouse build that picks the figures up is the caller's next step."""
    data_dir = Path(data_dir)
    on_disk = layout.months_on_disk(layout.orders_dir(data_dir))
    if month is not None and month not in on_disk:
        found = ", ".join(on_disk[-6:]) or "none"
        raise ValueError(
            f"no order files for {month} under {layout.orders_dir(data_dir)} (months found: {found})"
        )
    months = [month] if month else on_disk
    settings = ImpactSettings(data_dir=str(data_dir))
    resources = {"settings": settings, "pyspark": pyspark_resource(spark_master)}
    run_config = {**QUIET, "ops": {"order_figures": {"config": {"engine": engine}}}}
    started = time.perf_counter()
    if instance is None:
        dagster_home(data_dir)
        instance = dg.DagsterInstance.get()
    known = instance.get_dynamic_partitions(order_months.name)
    instance.add_dynamic_partitions(order_months.name, [m for m in months if m not in known])
    summary = {"months": [], "failed": {}, "rows_in": 0, "rows_aggregated": 0, "rows_rejected": 0, "runs": 0}
    for batch in _contiguous_batches(instance.get_dynamic_partitions(order_months.name), months):
        result = dg.materialize(
            [order_figures],
            resources=resources,
            instance=instance,
            run_config=run_config,
            raise_on_error=False,
            tags={
                "impact/trigger": "cli",
                "dagster/asset_partition_range_start": batch[0],
                "dagster/asset_partition_range_end": batch[-1],
            },
        )
        summary["runs"] += 1
        if not result.success:
            summary["failed"].update(dict.fromkeys(batch, _first_error(result)))
            continue
        meta = result.asset_materializations_for_node("order_figures")[0].metadata
        summary["months"].extend(batch)
        for name in ("rows_in", "rows_aggregated", "rows_rejected"):
            summary[name] += meta[name.replace("_", " ")].value
    summary["seconds"] = round(time.perf_counter() - started, 3)
    return summary


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


def _first_error(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error:
            error = event.step_failure_data.error
            while error.cause and error.message.startswith("dagster._core.errors"):
                error = error.cause  # the asset's own exception, not Dagster's wrapper
            return error.message.strip()
    return "run failed"
