"""Write each month's grouped order scan into the orders dataset folder (idempotent, one file per month)."""

from __future__ import annotations

import csv
import time
from functools import partial
from pathlib import Path

import polars as pl

from pipelines.orders import layout
from pipelines.orders.aggregate import DEFAULT_ENTITY, SOURCE_ID, Scanner, connect
from pipelines.orders.scan import scan_months
from pipelines.warehouse.sqlfiles import sql_literal

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


def figure_note(synthetic: bool) -> str:
    """The note of every order figure (and what says *synthetic data* when the generator made the orders)."""
    label = "Synthetic data. " if synthetic else ""
    return f"{label}Computed from order-level data; money converted to USD at the month's average rate."


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
    """Write `frame` to a temporary name beside `path`, then swap it in (readers see old or new)."""
    tmp = path.with_name(f"_{path.name}.tmp")
    frame.write_parquet(tmp)
    layout.replace_atomically(tmp, path)


GROUPS_PREFIX = "order_groups-"  # DATASET/order_groups-YYYY-MM.parquet: a month's grouped scan
LEGACY_PREFIXES = ("figures-", "order_rejects-")  # what older versions wrote per month (removed on rewrite)


def groups_path(dataset: Path, month: str) -> Path:
    """Where a month's grouped scan lives: DATASET/order_groups-YYYY-MM.parquet."""
    return Path(dataset) / f"{GROUPS_PREFIX}{month}.parquet"


def build_month(data_dir: Path, month: str, **options) -> dict:
    """Scan DATA_DIR/orders/<month> and replace exactly that month's grouped-scan file in the orders dataset."""
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
    """Scan several months (a ranged run or a backfill) in one query and write each month's grouped scan
    (order_groups-YYYY-MM.parquet: GROUP_COLUMNS + COUNT_COLUMNS + amount, typed as scanned: counts bigint,
    amount double in the order's currency), atomically per month, plus the dataset's sources.csv.

    The figures are made from these files by the warehouse build (pipelines/orders/facts.py) with the
    warehouse's reference data. scan: the engine (DuckDB's `scan_months`, or
    `pipelines.orders.spark.spark_scanner(session)`). Every month is scanned before any file is written,
    so a failed scan (OrderFilesError) leaves the dataset as it was. Returns one summary per month: month,
    rows_in, rows_outside_month, rows_missing_amount, rows_invalid_amount, groups, files, seconds, path."""
    orders_root = layout.orders_dir(data_dir)
    dataset = layout.dataset_dir(data_dir)
    dataset.mkdir(parents=True, exist_ok=True)
    synthetic = layout.is_synthetic(orders_root)
    files = {month: layout.month_files(orders_root, month) for month in months}
    if memory_limit and scan is scan_months:  # a tight memory budget: fewer scans at once (scan_months)
        scan = partial(scan_months, row_groups=False)
    started = time.perf_counter()
    con = connect(threads=threads, memory_limit=memory_limit, temp_dir=temp_dir)
    try:
        scan(con, files, entity)
        counts = {row[0]: row[1:] for row in con.execute(_MONTH_COUNTS).fetchall()}
        scan_seconds = time.perf_counter() - started
        total_rows = sum(c[0] for c in counts.values()) or 1
        summaries = []
        for month in sorted(months):
            started = time.perf_counter()
            path = _write_groups(con, dataset, month)
            rows_in, outside, missing, invalid, groups = counts.get(month, (0, 0, 0, 0, 0))
            seconds = scan_seconds * rows_in / total_rows + time.perf_counter() - started
            summaries.append(
                {
                    "month": month,
                    "rows_in": rows_in,
                    "rows_outside_month": outside,
                    "rows_missing_amount": missing,
                    "rows_invalid_amount": invalid,
                    "groups": groups,
                    "files": len(files[month]),
                    "seconds": round(seconds, 3),
                    "path": str(path),
                }
            )
    finally:
        con.close()
    write_sources(dataset, synthetic)
    return summaries


_MONTH_COUNTS = """
select month, sum(rows_in)::bigint, sum(rows_outside)::bigint,
       sum(rows_in - rows_outside - rows_valid - rows_invalid_amount)::bigint, sum(rows_invalid_amount)::bigint,
       count(*)::bigint
from order_groups
group by month
"""


def _write_groups(con, dataset: Path, month: str) -> Path:
    """COPY the month's rows of `order_groups` to its file (a temporary name swapped in with os.replace);
    the month's files of older versions (figures-, order_rejects-) go, so no figure is loaded twice."""
    path = groups_path(dataset, month)
    tmp = path.with_name(f"_{path.name}.tmp")
    con.execute(
        f"copy (select * from order_groups where month = $month order by all) to {sql_literal(tmp)} "
        "(format parquet)",
        {"month": month},
    )
    layout.replace_atomically(tmp, path)
    for prefix in LEGACY_PREFIXES:
        (dataset / f"{prefix}{month}.parquet").unlink(missing_ok=True)
    return path
