"""One month of orders -> actual figures (gmv, net_gmv, orders) by country and every region above it.

Definitions (also in `pipelines/reference/metrics.csv`):
- gmv: order value in USD, gross of refunds, excluding cancelled orders;
- net_gmv: gmv excluding refunded orders too;
- orders: number of orders excluding cancelled ones.
Statuses other than `cancelled` and `refunded` (e.g. `completed`, `shipped`) count in all three.

Each month is scanned once (all months of a run in one query), grouped by (entity, country, currency, status) at raw-scan speed; FX conversion,
validation against reference data and the region rollup then run on that small grouped table.
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

__all__ = ["REQUIRED_COLUMNS", "OrderFilesError", "aggregate_month", "aggregate_months", "connect"]

DEFAULT_ENTITY = "Demo Shop"
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
    figures: pl.DataFrame  # canonical figure columns, without source_id/note (added by the writer)
    rejects: pl.DataFrame  # month, reason, column, value, rows
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
    """Each currency's rate for the month, else its latest earlier month (data past the ECB file's end)."""
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
    classification, FX, bad-row counts and rollup below run here, on its small grouped result."""
    months = sorted(files_by_month)
    scan(con, files_by_month, entity)
    month_rates = rates_for_months(rates, months)
    country_paths = regions.filter(pl.col("level") == "country").select("region_code", "path")
    # Small tables go in as list parameters and results come out as Python rows: registering or fetching
    # Arrow would import pyarrow, a tenth of a second that a one-month run in a fresh process pays in full.
    _table(con, "month_rates", month_rates)
    _table(con, "country_paths", country_paths)
    con.execute(_CLASSIFY_SQL)
    rejects = _frame(con, _REJECTS_SQL, REJECTS_SCHEMA)
    figures = _frame(con, _FIGURES_SQL, FIGURES_SCHEMA)
    counts = {
        month: (rows_in, aggregated, fx) for month, rows_in, aggregated, fx in con.sql(_COUNTS_SQL).fetchall()
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
                figures=figures.filter(pl.col("period") == month),
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
    "column": pl.String,
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


def _table(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """A temp table from a small frame, its columns passed as lists."""
    columns = ", ".join(f"unnest(${c}) as {c}" for c in frame.columns)
    con.execute(
        f"create or replace temp table {name} as select {columns}",
        {c: frame[c].to_list() for c in frame.columns},
    )


def _frame(con: duckdb.DuckDBPyConnection, sql: str, schema: dict) -> pl.DataFrame:
    return pl.DataFrame(con.execute(sql).fetchall(), schema=schema, orient="row")


_CLASSIFY_SQL = """
create or replace temp table classified_groups as
select g.*, p.path, r.usd_per_unit, r.rate_month,
       case when p.path is null then 'unknown_country'
            when r.usd_per_unit is null then 'unknown_currency'
            when g.status is null then 'missing_status' end as reason
from order_groups g
left join country_paths p on p.region_code = g.country
left join month_rates r on r.month = g.month and r.currency = g.currency
"""

_COUNTS_SQL = """
select month,
       coalesce(sum(rows_in), 0)::bigint as rows_in,
       coalesce(sum(rows_valid) filter (where reason is null), 0)::bigint as rows_aggregated,
       list(distinct {'currency': currency, 'rate_month': rate_month})
           filter (where reason is null) as fx_months
from classified_groups
group by month
"""

_REJECTS_SQL = """
with row_level as (
    select month, 'ordered_at_outside_month' as reason, 'ordered_at' as "column", null::varchar as value,
           sum(rows_outside)::bigint as rows
    from classified_groups
    group by month
    union all
    select month, 'missing_amount', 'amount', null,
           sum(rows_in - rows_outside - rows_valid - rows_invalid_amount)::bigint
    from classified_groups
    group by month
    union all
    select month, 'invalid_amount', 'amount', null, sum(rows_invalid_amount)::bigint
    from classified_groups
    group by month
),
group_level as (
    select month, reason,
           case reason when 'unknown_country' then 'country' when 'unknown_currency' then 'currency'
                else 'status' end as "column",
           case reason when 'unknown_country' then country when 'unknown_currency' then currency end as value,
           sum(rows_valid)::bigint as rows
    from classified_groups
    where reason is not null
    group by all
),
all_rejects as (
    select * from row_level
    union all
    select * from group_level
)
select month, reason, "column", value, rows
from all_rejects
where rows > 0
order by month, reason, value nulls first
"""

_FIGURES_SQL = """
with valid as (
    select month, entity, path, status, rows_valid, amount * usd_per_unit as amount_usd
    from classified_groups
    where reason is null and rows_valid > 0
),
by_region as (
    select month, entity, unnest(string_split(path, '/')) as region, status, rows_valid, amount_usd
    from valid
),
totals as (
    select month, entity, region,
           coalesce(sum(amount_usd) filter (where status <> 'cancelled'), 0) as gmv,
           coalesce(sum(amount_usd) filter (where status not in ('cancelled', 'refunded')), 0) as net_gmv,
           coalesce(sum(rows_valid) filter (where status <> 'cancelled'), 0)::double as orders
    from by_region
    group by all
),
long as (
    unpivot totals on gmv, net_gmv, orders into name metric value value
)
select entity, metric, region, month as period, round(value, 2) as value,
       case metric when 'orders' then 'count' else 'USD' end as unit
from long
order by period, entity, metric, region
"""
