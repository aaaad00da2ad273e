"""Write one month's canonical figures and bad-row counts into the orders dataset folder (idempotent)."""

from __future__ import annotations

import csv
import time
from functools import partial
from pathlib import Path

import polars as pl

from pipelines.orders import layout
from pipelines.orders.aggregate import DEFAULT_ENTITY, MonthAggregate, Scanner, aggregate_months, connect
from pipelines.orders.months import month_start, next_month
from pipelines.orders.regions_and_rates import monthly_rates, region_paths
from pipelines.orders.scan import scan_months

SOURCE_ID = "orders-pipeline"
SOURCE_COLUMNS = (
    "source_id",
    "publisher",
    "title",
    "url",
    "published_on",
    "originally_reported_by",
    "reliability",
    "note",
)


def canonical_figures(agg: MonthAggregate, synthetic: bool) -> pl.DataFrame:
    """The month's figures in the core's canonical figure columns. as_of is the day after the month ends,
    so re-running the same inputs gives the same file."""
    as_of = next_month(month_start(agg.month)).isoformat()
    label = "Synthetic data. " if synthetic else ""
    note = f"{label}Computed from order-level data; money converted to USD at the month's average ECB rate."
    return agg.figures.select(
        figure_id=pl.concat_str(pl.lit("orders"), "entity", "metric", "region", "period", separator=":"),
        entity="entity",
        metric="metric",
        region="region",
        period="period",
        kind=pl.lit("actual"),
        value="value",
        value_high=pl.lit(None, pl.Float64),
        bound=pl.lit("exact"),
        unit="unit",
        direction=pl.lit(None, pl.String),
        as_of=pl.lit(as_of),
        source_id=pl.lit(SOURCE_ID),
        note=pl.lit(note),
    )


def write_sources(dataset: Path, synthetic: bool) -> Path:
    title = "Actual GMV, net GMV and order counts computed from order-level data by the orders pipeline"
    row = {
        "source_id": SOURCE_ID,
        "publisher": "Internal order data",
        "title": f"{title} (synthetic data)" if synthetic else title,
        "url": "",
        "published_on": "",
        "originally_reported_by": "",
        "reliability": "internal",
        "note": "One figure per entity, metric, region and month; see docs/orders.md for definitions.",
    }
    path = dataset / "sources.csv"
    tmp = dataset / "_sources.csv.tmp"
    with tmp.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SOURCE_COLUMNS)
        writer.writeheader()
        writer.writerow(row)
    layout.replace_atomically(tmp, path)
    return path


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    tmp = path.with_name(f"_{path.name}.tmp")
    frame.write_parquet(tmp)
    layout.replace_atomically(tmp, path)


def build_month(data_dir: Path, month: str, **options) -> dict:
    """Aggregate DATA_DIR/orders/<month> and replace exactly that month's files in the orders dataset."""
    return build_months(data_dir, [month], **options)[0]


def build_months(
    data_dir: Path,
    months: list[str],
    entity: str = DEFAULT_ENTITY,
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_dir: str | None = None,
    scan: Scanner = scan_months,
) -> list[dict]:
    """build_month for several months (a ranged run or a backfill): scanned in one query, written per month.

    scan: the engine (DuckDB's `scan_months`, or `pipelines.orders.spark.spark_scanner(session)`). Every month
    is aggregated before any file is written, so a failed scan leaves the dataset as it was."""
    orders_root = layout.orders_dir(data_dir)
    dataset = layout.dataset_dir(data_dir)
    dataset.mkdir(parents=True, exist_ok=True)
    synthetic = layout.is_synthetic(orders_root)
    regions, rates = region_paths(), monthly_rates()
    summaries = []
    files = {month: layout.month_files(orders_root, month) for month in months}
    if memory_limit and scan is scan_months:  # a tight memory budget: fewer scans at once (scan_months)
        scan = partial(scan_months, row_groups=False)
    started = time.perf_counter()
    con = connect(threads=threads, memory_limit=memory_limit, temp_dir=temp_dir)
    try:
        aggregates = aggregate_months(con, files, regions, rates, entity, scan=scan)
    finally:
        con.close()
    # The months are scanned together; each month's share of the time is by its rows.
    scan_seconds = time.perf_counter() - started
    total_rows = sum(agg.rows_in for agg in aggregates) or 1
    for agg in aggregates:
        started = time.perf_counter()
        summary = _write_month(agg, dataset, synthetic)
        seconds = scan_seconds * agg.rows_in / total_rows + time.perf_counter() - started
        summaries.append({**summary, "files": len(files[agg.month]), "seconds": round(seconds, 3)})
    write_sources(dataset, synthetic)
    return summaries


def _write_month(agg: MonthAggregate, dataset: Path, synthetic: bool) -> dict:
    figures_path = dataset / f"figures-{agg.month}.parquet"
    rejects_path = dataset / f"order_rejects-{agg.month}.parquet"
    write_parquet(canonical_figures(agg, synthetic), figures_path)
    write_parquet(agg.rejects, rejects_path)
    world = agg.figures.filter(pl.col("region") == "WORLD")
    world_values = dict(zip(world["metric"], world["value"], strict=True))
    return {
        "month": agg.month,
        "rows_in": agg.rows_in,
        "rows_aggregated": agg.rows_aggregated,
        "rows_rejected": agg.rows_rejected,
        "rejected_by_reason": agg.rejected_by_reason,
        "figures": agg.figures.height,
        "world_gmv_usd": world_values.get("gmv"),
        "world_net_gmv_usd": world_values.get("net_gmv"),
        "world_orders": world_values.get("orders"),
        "fx_months": agg.fx_months,
        "figures_path": str(figures_path),
        "rejects_path": str(rejects_path),
    }
