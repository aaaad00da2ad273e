"""Dagster wiring for the orders path: one partition per month of order files found on disk.

Partitions are dynamic (`order_months`), not a fixed monthly calendar: the months that exist are the ones
under DATA_DIR/orders/, whatever the generator's --start or the operator's history. The sensor registers a
new or changed month and requests a run of just that month; `run_orders` (CLI) registers and runs them too.
A backfill from the UI selects `order_figures` and any set of registered months.
"""

import json
from pathlib import Path

import dagster as dg

from pipelines.orders import layout
from pipelines.orders.build import build_month
from pipelines.resources import ImpactSettings

order_months = dg.DynamicPartitionsDefinition(name="order_months")


@dg.asset(
    partitions_def=order_months,
    group_name="orders",
    check_specs=[dg.AssetCheckSpec("order_rows_accounted", asset="order_figures")],
    kinds={"duckdb", "parquet"},
)
def order_figures(context: dg.AssetExecutionContext, settings: ImpactSettings) -> dg.MaterializeResult:
    """Actual gmv, net_gmv and order counts of one month, by country and every region above it, in USD
    (DATA_DIR/datasets/orders/figures-YYYY-MM.parquet), with the month's bad order rows counted by reason."""
    summary = build_month(settings.data_path, context.partition_key)
    accounted = summary["rows_in"] == summary["rows_aggregated"] + summary["rows_rejected"]
    return dg.MaterializeResult(
        metadata={
            "rows in": summary["rows_in"],
            "rows aggregated": summary["rows_aggregated"],
            "rows rejected": summary["rows_rejected"],
            **{f"rejected: {reason}": n for reason, n in summary["rejected_by_reason"].items()},
            "figures": summary["figures"],
            "world gmv (USD)": summary["world_gmv_usd"],
            "world orders": summary["world_orders"],
            "fx months used": dg.MetadataValue.json(summary["fx_months"]),
            "seconds": summary["seconds"],
            "path": dg.MetadataValue.path(summary["figures_path"]),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="order_rows_accounted",
                passed=bool(accounted),
                metadata={
                    "rows unaccounted": summary["rows_in"]
                    - summary["rows_aggregated"]
                    - summary["rows_rejected"]
                },
            )
        ],
    )


order_figures_job = dg.define_asset_job(
    "order_figures_job",
    selection=dg.AssetSelection.assets(order_figures),
    description="Turn one month of order files into actual figures; launch a backfill for many months.",
)


def month_fingerprints(settings: ImpactSettings) -> dict[str, list]:
    """Per month on disk: file count, total bytes and latest mtime; a change means the month must re-run."""
    root = layout.orders_dir(settings.data_path)
    prints = {}
    for month in layout.months_on_disk(root):
        stats = [Path(f).stat() for f in layout.month_files(root, month)]
        prints[month] = [len(stats), sum(s.st_size for s in stats), max(s.st_mtime_ns for s in stats)]
    return prints


@dg.sensor(job=order_figures_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def order_months_sensor(context: dg.SensorEvaluationContext, settings: ImpactSettings) -> dg.SensorResult:
    """Registers months found under DATA_DIR/orders/ and runs each month that is new or whose files changed."""
    seen = json.loads(context.cursor) if context.cursor else {}
    current = month_fingerprints(settings)
    changed = sorted(m for m, fp in current.items() if seen.get(m) != fp)
    known = set(context.instance.get_dynamic_partitions(order_months.name))
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=m, run_key=f"{m}:{current[m]}") for m in changed],
        dynamic_partitions_requests=[order_months.build_add_request(sorted(set(current) - known))],
        cursor=json.dumps(current),
    )


ORDER_ASSETS = [order_figures]
ORDER_JOBS = [order_figures_job]
ORDER_SENSORS = [order_months_sensor]
