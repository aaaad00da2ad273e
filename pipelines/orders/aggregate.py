"""One month of orders -> actual figures (gmv, net_gmv, orders) by country and every region above it.

Definitions (also in `pipelines/reference/metrics.csv`):
- gmv: order value in USD, gross of refunds, excluding cancelled orders;
- net_gmv: gmv excluding refunded orders too;
- orders: number of orders excluding cancelled ones.
Statuses other than `cancelled` and `refunded` (e.g. `completed`, `shipped`) count in all three.

Every month of a run is scanned in one query (sql/orders/scan.sql), grouped by (month, entity, country,
currency, status) at raw-scan speed; FX conversion, validation against reference data and the region rollup
then run on that small grouped table (sql/orders/classified.sql, rejects.sql, figures.sql, counts.sql).
Bad rows are never dropped silently: each one is counted under exactly one reason (first that applies):
ordered_at_outside_month, missing_amount, invalid_amount (NaN or infinite), unknown_country, unknown_currency,
missing_status. An invalid amount is one rejected order: the month's figures are the sum of the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import polars as pl

from pipelines.orders.months import month_start
from pipelines.orders.scan import REQUIRED_COLUMNS, OrderFilesError, scan_months
from pipelines.orders.sql import orders_sql

__all__ = ["REQUIRED_COLUMNS", "OrderFilesError", "aggregate_month", "aggregate_months", "connect"]

DEFAULT_ENTITY = "Demo Shop"
SOURCE_ID = "orders-pipeline"  # the internal source of every order figure (DATASET/sources.csv)
METRICS = ("gmv", "net_gmv", "orders")
REJECT_REASONS = (
    "ordered_at_outside_month",
    "missing_amount",
    "invalid_amount",
    "unknown_country",
    "unknown_currency",
    "missing_status",
)
# scan(con, files_by_month, entity) fills the temp table `order_groups` (pipelines/orders/scan.py)
Scanner = Callable[[duckdb.DuckDBPyConnection, dict[str, list[str]], str], None]


@dataclass
class MonthAggregate:
    month: str
    figures: pl.DataFrame  # entity, metric, region, period, value (double), unit
    rejects: pl.DataFrame  # month, reason, column_name, value, rows
    rows_in: int
    rows_aggregated: int
    rows_rejected: int
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    fx_months: dict[str, str] = field(default_factory=dict)  # currency -> month of the rate used


def connect(threads: int | None = None, memory_limit: str | None = None, temp_dir: str | None = None):
    """An in-memory DuckDB connection for the scan; memory_limit + temp_dir make big months spill to disk."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    if threads:
        con.execute(f"set threads = {int(threads)}")
    if memory_limit:
        con.execute("set memory_limit = ?", [memory_limit])
    if temp_dir:
        con.execute("set temp_directory = ?", [temp_dir])
    return con


def rates_for_month(rates: pl.DataFrame, month: str) -> pl.DataFrame:
    """Each currency's rate for the month, else its latest earlier month (data past the rates' end): columns
    currency, usd_per_unit, rate_month ('YYYY-MM'). The rule sql/orders/classified.sql applies (as-of join)."""
    first = month_start(month)
    return (
        rates.filter(pl.col("month") <= first)
        .sort("month")
        .group_by("currency")
        .last()
        .select("currency", "usd_per_unit", rate_month=pl.col("month").dt.strftime("%Y-%m"))
    )


def rates_for_months(rates: pl.DataFrame, months: list[str]) -> pl.DataFrame:
    """rates_for_month for several months, with a `month` column ('YYYY-MM')."""
    return pl.concat([rates_for_month(rates, m).with_columns(month=pl.lit(m)) for m in months])


def aggregate_month(
    con: duckdb.DuckDBPyConnection,
    files: list[str],
    month: str,
    regions: pl.DataFrame,
    rates: pl.DataFrame,
    entity: str = DEFAULT_ENTITY,
) -> MonthAggregate:
    """Scan one month's files and return its figures and bad-row counts."""
    return aggregate_months(con, {month: files}, regions, rates, entity)[0]


def aggregate_months(
    con: duckdb.DuckDBPyConnection,
    files_by_month: dict[str, list[str]],
    regions: pl.DataFrame,
    rates: pl.DataFrame,
    entity: str = DEFAULT_ENTITY,
    scan: Scanner = scan_months,
) -> list[MonthAggregate]:
    """Scan several months' files at once; one MonthAggregate per month, in month order. Every month's
    result is exactly what aggregating it alone gives (its own bounds, rates and bad-row counts).

    scan: the engine that fills `order_groups` (DuckDB's `scan_months`, or Spark's); whatever it is, the
    classification, FX, bad-row counts and rollup (sql/orders/) run in DuckDB on its small grouped result.
    regions: region_code, level, path; rates: currency, month (date), usd_per_unit."""
    scan(con, files_by_month, entity)
    classify_groups(con, regions, rates)
    return month_aggregates(con, sorted(files_by_month))


def classify_groups(con: duckdb.DuckDBPyConnection, regions: pl.DataFrame, rates: pl.DataFrame) -> None:
    """The temp table `classified_groups` (sql/orders/classified.sql) from `order_groups` and the reference
    data: regions (region_code, level, path: every country's path up the tree), rates (currency, month as a
    date, usd_per_unit: ECB and the user's rates files)."""
    country_paths = regions.filter(pl.col("level") == "country").select("region_code", "path")
    month_rates = rates.select("currency", rate_month=pl.col("month"), usd_per_unit="usd_per_unit")
    # Small tables go in as list parameters and results come out as Python rows: registering or fetching
    # Arrow would import pyarrow, a tenth of a second that a one-month run in a fresh process pays in full.
    _table(con, "month_rates", month_rates, {"rate_month": "date", "usd_per_unit": "double"})
    _table(con, "country_paths", country_paths)
    con.execute(f"create or replace temp table classified_groups as {orders_sql('classified')}")


def order_figure_rows(
    con: duckdb.DuckDBPyConnection,
    dataset: str = "orders",
    note: str | None = None,
    file_prefix: str = "orders/",
    file_suffix: str = "",
) -> pl.DataFrame:
    """The figures of `classified_groups` (sql/orders/figures.sql) in the warehouse's `figures` columns
    (values as doubles, money in USD); `file` is file_prefix + 'YYYY-MM' + file_suffix."""
    params = {"dataset": dataset, "source_id": SOURCE_ID, "note": note}
    params |= {"file_prefix": file_prefix, "file_suffix": file_suffix}
    cursor = con.execute(orders_sql("figures"), params)
    names = [d[0] for d in cursor.description]
    return pl.DataFrame(cursor.fetchall(), schema=names, orient="row", infer_schema_length=None)


def month_aggregates(con: duckdb.DuckDBPyConnection, months: list[str]) -> list[MonthAggregate]:
    """One MonthAggregate per month from `classified_groups` (months without rows get zeros)."""
    rejects = _frame(con, orders_sql("rejects"), REJECTS_SCHEMA)
    figures = order_figure_rows(con).select(
        "entity", "metric", pl.col("region_code").alias("region"), "period", "value", "unit"
    )
    counts = {
        m: (rows_in, aggregated, fx)
        for m, rows_in, aggregated, fx in con.sql(orders_sql("counts")).fetchall()
    }
    results = []
    for month in months:
        rows_in, rows_aggregated, fx = counts.get(month, (0, 0, None))
        month_rejects = rejects.filter(pl.col("month") == month)
        by_reason = dict.fromkeys(REJECT_REASONS, 0)
        for reason, rows in month_rejects.group_by("reason").agg(pl.col("rows").sum()).iter_rows():
            by_reason[reason] = rows
        results.append(
            MonthAggregate(
                month=month,
                figures=figures.filter(pl.col("period") == month).cast(FIGURES_SCHEMA),
                rejects=month_rejects,
                rows_in=rows_in,
                rows_aggregated=rows_aggregated,
                rows_rejected=sum(by_reason.values()),
                rejected_by_reason=by_reason,
                fx_months={f["currency"]: f["rate_month"] for f in fx or []},
            )
        )
    return results


REJECTS_SCHEMA = {
    "month": pl.String,
    "reason": pl.String,
    "column_name": pl.String,
    "value": pl.String,
    "rows": pl.Int64,
}
FIGURES_SCHEMA = {
    "entity": pl.String,
    "metric": pl.String,
    "region": pl.String,
    "period": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
}


def _table(
    con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame, types: dict[str, str] | None = None
) -> None:
    """A temp table from a small frame, its columns passed as lists (typed by `types`, else varchar)."""
    types = types or {}
    columns = ", ".join(f"unnest(${c}::{types.get(c, 'varchar')}[]) as {c}" for c in frame.columns)
    con.execute(
        f"create or replace temp table {name} as select {columns}",
        {c: frame[c].to_list() for c in frame.columns},
    )


def _frame(con: duckdb.DuckDBPyConnection, sql: str, schema: dict) -> pl.DataFrame:
    return pl.DataFrame(con.execute(sql).fetchall(), schema=schema, orient="row")
