"""One month of orders -> actual figures (gmv, net_gmv, orders) by country and every region above it.

Definitions (also in `pipelines/reference/metrics.csv`):
- gmv: order value in USD, gross of refunds, excluding cancelled orders;
- net_gmv: gmv excluding refunded orders too;
- orders: number of orders excluding cancelled ones.
Statuses other than `cancelled` and `refunded` (e.g. `completed`, `shipped`) count in all three.

Each month is scanned once (all months of a run in one query), grouped by (entity, country, currency, status) at raw-scan speed; FX conversion,
validation against reference data and the region rollup then run on that small grouped table.
Bad rows are never dropped silently: each one is counted under exactly one reason (first that applies):
ordered_at_outside_month, missing_amount, unknown_country, unknown_currency, missing_status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import polars as pl

from pipelines.orders.months import month_start, next_month

REQUIRED_COLUMNS = ("ordered_at", "country", "currency", "amount", "status")
DEFAULT_ENTITY = "Demo Shop"
METRICS = ("gmv", "net_gmv", "orders")
REJECT_REASONS = (
    "ordered_at_outside_month",
    "missing_amount",
    "unknown_country",
    "unknown_currency",
    "missing_status",
)


class OrderFilesError(ValueError):
    """A month's files cannot be aggregated at all (missing, unreadable, or missing a required column)."""


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


def _month_branches(
    con: duckdb.DuckDBPyConnection, files: list[str], month: str, entity: str, first: int
) -> list[tuple[str, dict]]:
    """The SELECTs that group one month's files, with their parameters (checked: files exist, columns
    present). Files whose Parquet statistics prove one entity for every row (exact min = max, no nulls) are
    grouped under that constant and their entity column is never read: the column costs a quarter of the
    scan otherwise. Other files read it, with `entity` for rows that leave it empty."""
    if not files:
        raise OrderFilesError(
            f"no Parquet files for month {month}: expected .../year=YYYY/month=MM/*.parquet"
        )
    try:
        columns = {
            row[0] for row in con.execute("describe select * from read_parquet(?)", [files]).fetchall()
        }
        constant = _constant_entities(con, files) if "entity" in columns else dict.fromkeys(files, entity)
    except duckdb.Error as error:
        raise OrderFilesError(f"cannot read the order files of {month}: {error}") from error
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise OrderFilesError(
            f"order files of {month} lack column(s) {', '.join(missing)}; found {sorted(columns)}"
        )
    groups: dict[str | None, list[str]] = {}
    for path in files:
        value = constant.get(path)
        groups.setdefault(entity if value == "" else value, []).append(path)
    start = datetime.combine(month_start(month), datetime.min.time(), UTC)
    end = datetime.combine(next_month(month_start(month)), datetime.min.time(), UTC)
    branches = []
    for i, (value, paths) in enumerate(groups.items(), start=first):
        entity_expr = f"$entity_{i}::varchar" if value is not None else "coalesce(entity, $entity)"
        # `inside` is a grouping key rather than a filter on each aggregate: a plain group-by keeps the scan
        # at raw speed. It is null for a missing timestamp. Comparing as TIMESTAMPTZ in a UTC session makes
        # naive (UTC by convention) and tz-aware columns behave the same. The month's bounds are constants
        # of its branch, so the per-row test is two comparisons.
        sql = f"""
        select $month_{i} as month, {entity_expr} as entity, country, currency, status,
               ordered_at::timestamptz >= $start_{i} and ordered_at::timestamptz < $end_{i} as inside,
               count(*)::bigint as n, count(amount)::bigint as n_amount, sum(amount)::double as amount
        from read_parquet($files_{i})
        group by all"""
        params = {f"month_{i}": month, f"start_{i}": start, f"end_{i}": end, f"files_{i}": paths}
        if value is not None:
            params[f"entity_{i}"] = value
        branches.append((sql, params))
    return branches


def _constant_entities(con: duckdb.DuckDBPyConnection, files: list[str]) -> dict[str, str]:
    """file -> its one entity when the footer's statistics prove it ('' when every value is null).

    Parquet's min_value/max_value are bounds even when a writer truncates them (a truncated max is rounded
    up), so min = max with no nulls in every row group means every value is that string. Files without
    statistics, or with the legacy min/max fields only, are read."""
    rows = con.execute(
        """
        select file_name,
               case when sum(stats_null_count) = sum(row_group_num_rows) then ''
                    when bool_and(stats_null_count = 0 and stats_min_value = stats_max_value)
                         and count(distinct stats_min_value) = 1 then any_value(stats_min_value) end
        from parquet_metadata($files)
        where path_in_schema = 'entity'
        group by file_name
        """,
        {"files": files},
    ).fetchall()
    return {name: value for name, value in rows if value is not None}


def scan_months(con: duckdb.DuckDBPyConnection, files_by_month: dict[str, list[str]], entity: str) -> None:
    """Group the orders of every month given into the temp table `order_groups`, one row per
    month/entity/country/currency/status, in ONE query: DuckDB plans the months' scans together and keeps
    both cores busy, where a query per month paid its planning, start-up and tail cost each time."""
    branches, params = [], {}
    for month, files in sorted(files_by_month.items()):
        for sql, branch_params in _month_branches(con, files, month, entity, len(branches)):
            branches.append(sql)
            params.update(branch_params)
    if any("$entity)" in sql for sql in branches):  # DuckDB refuses unused named parameters
        params["entity"] = entity
    scanned = "\n        union all".join(branches)
    con.execute(
        f"""
        create or replace temp table order_groups as
        with scanned as ({scanned}
        )
        select month, entity, country, currency, status,
               sum(n)::bigint as rows_in,
               coalesce(sum(n) filter (where inside is not true), 0)::bigint as rows_outside,
               coalesce(sum(n_amount) filter (where inside), 0)::bigint as rows_valid,
               sum(amount) filter (where inside) as amount
        from scanned
        group by all
        """,
        params,
    )


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
) -> list[MonthAggregate]:
    """Scan several months' files at once; one MonthAggregate per month, in month order. Every month's
    result is exactly what aggregating it alone gives (its own bounds, rates and bad-row counts)."""
    months = sorted(files_by_month)
    scan_months(con, files_by_month, entity)
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
    select month, 'missing_amount', 'amount', null, sum(rows_in - rows_outside - rows_valid)::bigint
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
