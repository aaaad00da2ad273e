"""Dagster wiring for the orders path: one partition per month of order files found on disk.

Partitions are dynamic (`order_months`), not a fixed monthly calendar: the months that exist are the ones
under DATA_DIR/orders/, whatever the generator's --start or the operator's history. The sensor registers a
new or changed month and requests a run of just that month; `run_orders` (CLI) registers and runs them too.
A backfill from the UI selects `order_figures` and any set of registered months.

Engine: the asset's run config `engine` ('duckdb' or 'spark'; default IMPACT_ORDERS_ENGINE, else duckdb).
With 'spark' the scan runs on the session of the `pyspark` resource (dagster-pyspark's LazyPySparkResource,
started only when used; its spark_config comes from IMPACT_SPARK_MASTER and can be changed at launch).
"""

import json
from pathlib import Path

import dagster as dg
from dagster_pyspark import LazyPySparkResource

from pipelines.defs.resources import ImpactSettings
from pipelines.orders import layout
from pipelines.orders.build import build_months
from pipelines.settings import ORDERS_ENGINES, env_orders_engine, env_spark_master

order_months = dg.DynamicPartitionsDefinition(name="order_months")


MONTHS_PER_RUN = (
    12  # a backfill of 24 months is 2 runs: little Dagster overhead, still spreadable over executors
)


class OrderScanConfig(dg.Config):
    """Which engine scans the order files: 'duckdb' or 'spark' (None: IMPACT_ORDERS_ENGINE, else duckdb)."""

    engine: str | None = None


def pyspark_resource(master: str | None = None) -> LazyPySparkResource:
    """The `pyspark` resource for a master (None: IMPACT_SPARK_MASTER, else local[*]); loopback-bound for a
    master on this machine (pipelines/orders/spark.py)."""
    from pipelines.orders.spark import spark_config

    return LazyPySparkResource(spark_config=spark_config(master or env_spark_master()))


def _scanner(engine: str | None, pyspark: LazyPySparkResource):
    """None for DuckDB (build_months' default); for Spark, a scanner on the resource's session."""
    engine = engine or env_orders_engine()
    if engine not in ORDERS_ENGINES:
        raise ValueError(f"unknown orders engine {engine!r}: expected one of {', '.join(ORDERS_ENGINES)}")
    if engine == "duckdb":
        return None
    from pipelines.orders.spark import prepare, spark_scanner

    prepare(pyspark.spark_config)  # unreachable master: a clear error now, not a hung job
    return spark_scanner(pyspark.spark_session)


@dg.asset(
    partitions_def=order_months,
    backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=MONTHS_PER_RUN),
    group_name="orders",
    check_specs=[dg.AssetCheckSpec("order_rows_accounted", asset="order_figures")],
    kinds={"duckdb", "spark", "parquet"},
)
def order_figures(
    context: dg.AssetExecutionContext,
    config: OrderScanConfig,
    settings: ImpactSettings,
    pyspark: LazyPySparkResource,
) -> dg.MaterializeResult:
    """Actual gmv, net_gmv and order counts per month, by country and every region above it, in USD
    (DATA_DIR/datasets/orders/figures-YYYY-MM.parquet), with each month's bad order rows counted by reason.
    Every month of the run is aggregated before any file is written: a failed scan writes nothing."""
    scan = _scanner(config.engine, pyspark)
    options = {"scan": scan} if scan else {}
    summaries = build_months(settings.data_path, context.partition_keys, **options)
    totals = {key: sum(s[key] for s in summaries) for key in ("rows_in", "rows_aggregated", "rows_rejected")}
    unaccounted = totals["rows_in"] - totals["rows_aggregated"] - totals["rows_rejected"]
    by_reason = {
        r: sum(s["rejected_by_reason"][r] for s in summaries) for r in summaries[0]["rejected_by_reason"]
    }
    return dg.MaterializeResult(
        metadata={
            "months": dg.MetadataValue.json(context.partition_keys),
            **{key.replace("_", " "): n for key, n in totals.items()},
            **{f"rejected: {reason}": n for reason, n in by_reason.items()},
            "per month": dg.MetadataValue.md(_month_table(summaries)),
            "seconds": round(sum(s["seconds"] for s in summaries), 3),
            "engine": config.engine or env_orders_engine(),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="order_rows_accounted",
                passed=unaccounted == 0,
                metadata={"rows unaccounted": unaccounted},
            )
        ],
    )


def _month_table(summaries: list[dict]) -> str:
    lines = [
        "| month | rows in | aggregated | rejected | world gmv (USD) | seconds |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for s in summaries:
        lines.append(
            f"| {s['month']} | {s['rows_in']:,} | {s['rows_aggregated']:,} | {s['rows_rejected']:,} "
            f"| {s['world_gmv_usd'] or 0:,.0f} | {s['seconds']} |"
        )
    return "\n".join(lines)


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
