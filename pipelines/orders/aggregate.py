"""One month of orders -> actual figures (gmv, net_gmv, orders) by country and every region above it.

Definitions (also in `pipelines/reference/metrics.csv`):
- gmv: order value in USD, gross of refunds, excluding cancelled orders;
- net_gmv: gmv excluding refunded orders too;
- orders: number of orders excluding cancelled ones.
Statuses other than `cancelled` and `refunded` (e.g. `completed`, `shipped`) count in all three.

The month is scanned once, grouped by (entity, country, currency, status) at raw-scan speed; FX conversion,
validation against reference data and the region rollup then run on that small grouped table.
Bad rows are never dropped silently: each one is counted under exactly one reason (first that applies):
ordered_at_outside_month, missing_amount, unknown_country, unknown_currency, missing_status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import polars as pl

from pipelines.orders.reference import month_start, next_month

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


def scan_month(con: duckdb.DuckDBPyConnection, files: list[str], month: str, entity: str) -> None:
    """Group the month's orders into the temp table `order_groups`, one row per entity/country/currency/status."""
    if not files:
        raise OrderFilesError(
            f"no Parquet files for month {month}: expected .../year=YYYY/month=MM/*.parquet"
        )
    try:
        columns = {
            row[0] for row in con.execute("describe select * from read_parquet(?)", [files]).fetchall()
        }
    except duckdb.Error as error:
        raise OrderFilesError(f"cannot read the order files of {month}: {error}") from error
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise OrderFilesError(
            f"order files of {month} lack column(s) {', '.join(missing)}; found {sorted(columns)}"
        )
    entity_expr = "coalesce(entity, $entity)" if "entity" in columns else "$entity"
    start = datetime.combine(month_start(month), datetime.min.time(), UTC)
    end = datetime.combine(next_month(month_start(month)), datetime.min.time(), UTC)
    # `inside` is a grouping key rather than a filter on each aggregate: a plain group-by keeps the scan at
    # raw speed. It is null for a missing timestamp. Comparing as TIMESTAMPTZ in a UTC session makes naive
    # (UTC by convention) and tz-aware columns behave the same.
    con.execute(
        f"""
        create or replace temp table order_groups as
        with scanned as (
            select {entity_expr} as entity, country, currency, status,
                   ordered_at::timestamptz >= $start and ordered_at::timestamptz < $end as inside,
                   count(*)::bigint as n, count(amount)::bigint as n_amount, sum(amount)::double as amount
            from read_parquet($files)
            group by all
        )
        select entity, country, currency, status,
               sum(n)::bigint as rows_in,
               coalesce(sum(n) filter (where inside is not true), 0)::bigint as rows_outside,
               coalesce(sum(n_amount) filter (where inside), 0)::bigint as rows_valid,
               sum(amount) filter (where inside) as amount
        from scanned
        group by all
        """,
        {"entity": entity, "start": start, "end": end, "files": files},
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


def aggregate_month(
    con: duckdb.DuckDBPyConnection,
    files: list[str],
    month: str,
    regions: pl.DataFrame,
    rates: pl.DataFrame,
    entity: str = DEFAULT_ENTITY,
) -> MonthAggregate:
    """Scan one month's files and return its figures and bad-row counts."""
    scan_month(con, files, month, entity)
    month_rates = rates_for_month(rates, month)
    country_paths = regions.filter(pl.col("level") == "country").select("region_code", "path")
    con.register("month_rates", month_rates.to_arrow())
    con.register("country_paths", country_paths.to_arrow())
    con.execute(_CLASSIFY_SQL)
    rejects = con.sql(_REJECTS_SQL, params={"month": month}).pl()
    figures = con.sql(_FIGURES_SQL, params={"month": month}).pl()
    rows_in, rows_aggregated = con.execute(
        "select coalesce(sum(rows_in), 0)::bigint, "
        "coalesce(sum(rows_valid) filter (where reason is null), 0)::bigint from classified_groups"
    ).fetchone()
    by_reason = dict.fromkeys(REJECT_REASONS, 0)
    for reason, rows in rejects.group_by("reason").agg(pl.col("rows").sum()).iter_rows():
        by_reason[reason] = rows
    used = con.execute(
        "select distinct currency, rate_month from classified_groups where reason is null order by 1"
    ).fetchall()
    return MonthAggregate(
        month=month,
        figures=figures,
        rejects=rejects,
        rows_in=rows_in,
        rows_aggregated=rows_aggregated,
        rows_rejected=sum(by_reason.values()),
        rejected_by_reason=by_reason,
        fx_months=dict(used),
    )


_CLASSIFY_SQL = """
create or replace temp table classified_groups as
select g.*, p.path, r.usd_per_unit, r.rate_month,
       case when p.path is null then 'unknown_country'
            when r.usd_per_unit is null then 'unknown_currency'
            when g.status is null then 'missing_status' end as reason
from order_groups g
left join country_paths p on p.region_code = g.country
left join month_rates r on r.currency = g.currency
"""

_REJECTS_SQL = """
with row_level as (
    select 'ordered_at_outside_month' as reason, 'ordered_at' as "column", null::varchar as value,
           sum(rows_outside)::bigint as rows
    from classified_groups
    union all
    select 'missing_amount', 'amount', null, sum(rows_in - rows_outside - rows_valid)::bigint
    from classified_groups
),
group_level as (
    select reason,
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
select $month as month, reason, "column", value, rows
from all_rejects
where rows > 0
order by reason, value nulls first
"""

_FIGURES_SQL = """
with valid as (
    select entity, path, status, rows_valid, amount * usd_per_unit as amount_usd
    from classified_groups
    where reason is null and rows_valid > 0
),
by_region as (
    select entity, unnest(string_split(path, '/')) as region, status, rows_valid, amount_usd
    from valid
),
totals as (
    select entity, region,
           coalesce(sum(amount_usd) filter (where status <> 'cancelled'), 0) as gmv,
           coalesce(sum(amount_usd) filter (where status not in ('cancelled', 'refunded')), 0) as net_gmv,
           coalesce(sum(rows_valid) filter (where status <> 'cancelled'), 0)::double as orders
    from by_region
    group by all
),
long as (
    unpivot totals on gmv, net_gmv, orders into name metric value value
)
select entity, metric, region, $month as period, round(value, 2) as value,
       case metric when 'orders' then 'count' else 'USD' end as unit
from long
order by entity, metric, region
"""
