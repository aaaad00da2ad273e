"""Headless runs of the orders path through Dagster: every month on disk, or one month."""

from __future__ import annotations

import time
from pathlib import Path

import dagster as dg

from pipelines.orders import layout
from pipelines.orders.assets import order_figures, order_months
from pipelines.resources import ImpactSettings
from pipelines.runner import QUIET, dagster_home


def run_orders(
    data_dir: str | Path, month: str | None = None, instance: dg.DagsterInstance | None = None
) -> dict:
    """Materialise `order_figures` for every month under DATA_DIR/orders/ (or only `month`), one run per month.

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
    started = time.perf_counter()
    if instance is None:
        dagster_home(data_dir)
        instance = dg.DagsterInstance.get()
    instance.add_dynamic_partitions(order_months.name, months)
    summary = {"months": [], "failed": {}, "rows_in": 0, "rows_aggregated": 0, "rows_rejected": 0}
    for key in months:
        result = dg.materialize(
            [order_figures],
            partition_key=key,
            resources={"settings": settings},
            instance=instance,
            run_config=QUIET,
            raise_on_error=False,
            tags={"impact/trigger": "cli"},
        )
        if not result.success:
            summary["failed"][key] = _first_error(result)
            continue
        meta = result.asset_materializations_for_node("order_figures")[0].metadata
        summary["months"].append(key)
        for name in ("rows_in", "rows_aggregated", "rows_rejected"):
            summary[name] += meta[name.replace("_", " ")].value
    summary["seconds"] = round(time.perf_counter() - started, 3)
    return summary


def _first_error(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error:
            return event.step_failure_data.error.message.strip()
    return "run failed"
