"""Dagster wiring for the orders path: one partition per month of order files found on disk.

Partitions are dynamic (`order_months`), not a fixed monthly calendar: the months that exist are the ones
under DATA_DIR/orders/, whatever the generator's --start or the operator's history. The sensor registers a
new or changed month and requests a run of just that month; `run_orders` (CLI) registers and runs them too.
A backfill from the UI selects `order_figures` and any set of registered months.

Fan-out: `order_figures` is a graph (month groups -> one `build_order_months` step per group -> totals and
check). One group by default (one scan per run); `months_per_step: 1` with the multiprocess executor runs
each month in its own process, `max_concurrent` at once; the pool `orders_scan` caps month steps across
runs and executors (docs/scaling.md section 4).

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


ORDERS_POOL = "orders_scan"  # Dagster pool of the scan steps: the instance's limit holds for every executor


class OrderScanConfig(dg.Config):
    """engine: 'duckdb' or 'spark' (None: IMPACT_ORDERS_ENGINE, else duckdb). months_per_step: how many of
    the run's months one step scans (in one query); 1 fans every month out to its own step, which the
    multiprocess (or k8s, celery) executor runs in parallel up to its limit."""

    engine: str | None = None
    months_per_step: int = MONTHS_PER_RUN


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


@dg.op(out=dg.DynamicOut(list))
def order_month_steps(context: dg.OpExecutionContext, config: OrderScanConfig):
    """The run's months in groups of `months_per_step`, one dynamic step each (mapping key m2024_01...)."""
    if config.months_per_step < 1:
        raise ValueError(f"months_per_step must be at least 1, got {config.months_per_step}")
    months = list(context.partition_keys)
    for i in range(0, len(months), config.months_per_step):
        group = months[i : i + config.months_per_step]
        yield dg.DynamicOutput(group, mapping_key="m" + "_".join(group).replace("-", "_"))


@dg.op(pool=ORDERS_POOL)
def build_order_months(
    config: OrderScanConfig, settings: ImpactSettings, pyspark: LazyPySparkResource, months: list
) -> list:
    """Scan a group of months and replace exactly their grouped-scan files (atomically, each month on its
    own): build_months. A failed scan writes nothing; other steps' months are not touched."""
    scan = _scanner(config.engine, pyspark)
    return build_months(settings.data_path, months, **({"scan": scan} if scan else {}))


@dg.op(out={"result": dg.Out(dg.Nothing)})
def order_month_totals(context: dg.OpExecutionContext, config: OrderScanConfig, groups: list):
    """The run's metadata: rows in, rows the scan already knows are bad (outside their month, missing or
    invalid amount), a table per month. Reference checks (country, currency) and the figures come in the
    warehouse build's `order_facts`, with the reference data of every figure."""
    summaries = sorted((s for group in groups for s in group), key=lambda s: s["month"])
    keys = ("rows_in", "rows_outside_month", "rows_missing_amount", "rows_invalid_amount", "groups")
    totals = {key: sum(s[key] for s in summaries) for key in keys}
    yield dg.Output(
        None,
        "result",
        metadata={
            "months": dg.MetadataValue.json([s["month"] for s in summaries]),
            **{key.replace("_", " "): n for key, n in totals.items()},
            "per month": dg.MetadataValue.md(_month_table(summaries)),
            "seconds": round(sum(s["seconds"] for s in summaries), 3),
            "engine": config.engine or env_orders_engine(),
            "steps": len(groups),
        },
    )


def _scan_config(config: OrderScanConfig) -> dict:
    """The asset's one config block (`ops: order_figures: config:`), handed to each op of its graph."""
    values = config if isinstance(config, dict) else config.model_dump()  # Dagster passes the dict
    block = {"config": OrderScanConfig(**values).model_dump()}
    return {name: block for name in ("order_month_steps", "build_order_months", "order_month_totals")}


@dg.graph_asset(
    partitions_def=order_months,
    backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=MONTHS_PER_RUN),
    group_name="orders",
    kinds={"duckdb", "spark", "parquet"},
    config=dg.ConfigMapping(config_fn=_scan_config),
)
def order_figures():
    """Each month's orders scanned once and grouped by entity, country, currency and status, with the rows
    counted that are outside their month or lack a valid amount (DATA_DIR/datasets/orders/
    order_groups-YYYY-MM.parquet, typed). The warehouse build's `order_facts` turns every materialised month
    into gmv, net_gmv and order figures. Each step scans its months before writing any file: a failed scan
    writes nothing."""
    groups = order_month_steps().map(build_order_months).collect()
    return order_month_totals(groups)


def _month_table(summaries: list[dict]) -> str:
    lines = [
        "| month | rows in | outside month | missing amount | invalid amount | groups | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in summaries:
        lines.append(
            f"| {s['month']} | {s['rows_in']:,} | {s['rows_outside_month']:,} | {s['rows_missing_amount']:,} "
            f"| {s['rows_invalid_amount']:,} | {s['groups']:,} | {s['seconds']} |"
        )
    return "\n".join(lines)


order_figures_job = dg.define_asset_job(
    "order_figures_job",
    selection=dg.AssetSelection.assets(order_figures),
    description="Scan one month of order files (the next warehouse build makes its figures); launch a "
    "backfill for many months. "
    "To run a run's months in parallel: execution multiprocess (max_concurrent N) and months_per_step 1.",
    # in-process unless the launch asks for multiprocess: a step process costs seconds of start-up
    executor_def=dg.multi_or_in_process_executor,
    config={"execution": {"config": {"in_process": {}}}},
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
