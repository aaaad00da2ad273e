"""A synthetic warehouse for scale tests and benchmarks: the real DDL and views, generated figures.

Series are entity x metric x country (the ~250 countries of the reference region tree, under their real
regions); each series has 10 years of months, and each month one actual and several expectation vintages
(original target, a revision, the expectation at the period's start). Values follow a per-series level,
trend and seasonality; actuals sit below the target in runs of months so that shortfall streaks exist.
Everything is computed in DuckDB from `range()` and `hash()` of the row number and the seed, so the output
is deterministic for a seed and ten million figures take well under a minute.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import polars as pl

from pipelines.normalise.regions import load_reference_regions
from pipelines.warehouse.build import MATERIALISED_VIEWS, connect_for_build
from pipelines.warehouse.sqlfiles import create_tables, create_views, materialise_views, schema_fingerprint

MONTHS = 120
FIRST_MONTH = dt.date(2016, 1, 1)
VINTAGES = 3  # expectation vintages per month; with the actual, 4 figures per series-month
METRICS = ("gmv", "revenue", "ad_revenue")
REFERENCE = Path(__file__).resolve().parents[1] / "reference"

# u(i, salt) in [0, 1): a deterministic, parallel-safe uniform from the row and the seed.
_U = "(hash({x}, $seed, {salt}) % 1000000)::double / 1000000"

FIGURES = f"""
insert into figures
with rows as (
    select i,
           i // ({MONTHS} * ({VINTAGES} + 1)) as series,
           (i // ({VINTAGES} + 1)) % {MONTHS} as month_index,
           i % ({VINTAGES} + 1) as vintage   -- 0 = actual
    from range($n) as t(i)
),
keyed as (
    select *,
           series % $countries as country_index,
           series // $countries as pair,
           (date '{FIRST_MONTH}' + to_months(month_index::integer))::date as period_start
    from rows
),
valued as (
    select k.*, c.region_code,
           'Entity ' || lpad((pair // {len(METRICS)})::varchar, 3, '0') as entity,
           ['{"', '".join(METRICS)}'][pair % {len(METRICS)} + 1] as metric,
           last_day(period_start) as period_end,
           1e6 * pow(10, 3 * {_U.format(x="series", salt=1)})              -- level: 1m to 1bn USD a month
             * (1 + 0.06 * (month_index / 12))                            -- trend
             * (1 + 0.12 * sin(2 * pi() * (month_index % 12) / 12)) as expected,
           -- runs of shortfall: half-year blocks where the series is in a slump
           case when (hash(series, month_index // 6, $seed) % 4) = 0 then 0.12 else 0 end as slump,
           {_U.format(x="i", salt=2)} as noise,
           {_U.format(x="i", salt=3)} as flag
    from keyed as k
    inner join countries as c on c.country_index = k.country_index
)
select 'S' || i as figure_id,
       'synthetic' as dataset, entity, metric, region_code,
       strftime(period_start, '%Y-%m') as period, 'month' as grain, period_start, period_end,
       case when vintage = 0 then 'actual' else 'target' end as kind,
       vintage > 0 as is_expectation,
       round(case
           when vintage = 0 then expected * (1.02 - slump + 0.12 * (noise - 0.5))
           when vintage = 1 then expected * 1.10
           when vintage = 2 then expected * 1.05
           else expected
       end, 0) as value,
       null::double as value_high,
       case when flag < 0.02 then 'approx' when flag < 0.03 and vintage = 0 then 'at_most' else 'exact' end as bound,
       'USD' as unit, null as direction,
       case vintage
           when 0 then period_end + 15
           when 1 then period_start - 180
           when 2 then period_start - 60
           else period_start + 10
       end as as_of,
       'day' as as_of_precision,
       'SRC' || lpad((hash(entity, year(period_start), vintage) % $sources)::varchar, 5, '0') as source_id,
       null as note,
       null::double as value_raw, null::double as value_high_raw, 'USD' as unit_raw, 'USD' as currency,
       1.0 as fx_usd_per_unit, 'synthetic' as file, (i + 1)::integer as row_number, null as origin,
       1.0 as unit_scale
from valued
"""

CLAIMS = """
insert into figures
select 'Q' || row_number() over (), 'synthetic', entity, metric, region_code,
       strftime(period_start, '%Y') || '-Q' || quarter(period_start), 'quarter',
       date_trunc('quarter', period_start)::date, last_day(date_trunc('quarter', period_start)::date + 62),
       'actual', false, null, null, 'exact', null, 'below', period_end + 30, 'day', source_id,
       'synthetic direction-only claim', null, null, null, null, null, 'synthetic', 0, null, null
from figures
where kind = 'actual' and month(period_start) = 1 and hash(figure_id, $seed) % 200 = 0
"""

SOURCES = """
insert into sources
select 'SRC' || lpad(i::varchar, 5, '0'), 'Publisher ' || (i % 37), 'Synthetic report ' || i,
       'https://example.com/reports/' || i, strftime(date '2016-01-01' + (i % 3650)::integer, '%Y-%m-%d'),
       date '2016-01-01' + (i % 3650)::integer, 'day', null,
       ['press', 'leak', 'company', 'analyst_consensus', 'third_party_estimate'][i % 5 + 1],
       null, 'synthetic', 'synthetic', i::integer + 1
from range($sources) as t(i)
"""

EVENTS = """
insert into events
select 'SE' || i, 'synthetic', date '2016-01-01' + (hash(i, $seed, 7) % 3650)::integer, 'day', null,
       ['effective', 'effective', 'announced', 'expected'][i % 4 + 1],
       c.region_code,
       ['law', 'litigation', 'ruling', 'regulation', 'order', 'ban', 'market_exit', 'other'][i % 8 + 1],
       'Synthetic event ' || i || ' in ' || c.region_code, null, 'SRC00000', null, 'synthetic', i::integer + 1
from range($events) as t(i)
inner join countries as c on c.country_index = hash(i, $seed, 8) % $countries
"""


def _reference_tables(con: duckdb.DuckDBPyConnection) -> int:
    regions, _ = load_reference_regions()
    con.register("regions_frame", regions)
    con.execute("insert into regions by name select * from regions_frame")
    countries = regions.filter(pl.col("level") == "country").sort("path")
    countries = countries.with_row_index("country_index").select("country_index", "region_code")
    con.register("countries_frame", countries)
    con.execute("create temp table countries as select * from countries_frame")
    metrics = pl.read_csv(REFERENCE / "metrics.csv")
    con.register("metrics_frame", metrics)
    con.execute("insert into metrics by name select * from metrics_frame")
    return countries.height


def generate_warehouse(
    out: Path, figures: int, seed: int = 7, events: int = 400, sources: int = 2000
) -> dict:
    """Write a complete warehouse with `figures` numeric figures (plus a few direction-only claims) to `out`.

    Built beside `out` and swapped in with os.replace, like the pipeline's publish step.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".synthetic.tmp")
    tmp.unlink(missing_ok=True)
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con = connect_for_build(tmp)  # as the pipeline writes its files
    try:
        con.execute("set enable_progress_bar = false")
        create_tables(con)
        countries = _reference_tables(con)
        params = {"n": figures, "seed": seed, "countries": countries, "sources": sources, "events": events}
        con.execute(FIGURES, {k: params[k] for k in ("n", "seed", "countries", "sources")})
        con.execute(CLAIMS, {"seed": seed})
        con.execute(SOURCES, {"sources": sources})
        con.execute(EVENTS, {k: params[k] for k in ("seed", "events", "countries")})
        con.execute(
            "insert into entities by name select distinct entity, null as parent, 1 as fiscal_year_start_month,"
            " 'synthetic entity' as description from figures"
        )
        total = con.execute("select count(*)::bigint from figures").fetchone()[0]
        con.execute(
            "insert into loads by name select 'synthetic' as file, 'synthetic' as dataset, 'figures' as input_kind, "
            "'loaded' as status, ?::integer as rows_in, ?::integer as rows_loaded, 0 as rows_rejected, "
            "?::timestamp as loaded_at",
            [total, total, started],
        )
        con.execute(
            "insert into build_info by name select ?::timestamp as built_at, 'synthetic' as data_dir, "
            "'synthetic' as product_version, ? as duckdb_version, 1 as files, ?::integer as rows_in, "
            "?::integer as rows_loaded, 0 as rows_rejected, ? as inputs_hash, ? as schema_fingerprint",
            [started, duckdb.__version__, total, total, f"synthetic-{figures}-{seed}", schema_fingerprint()],
        )
        create_views(con)
        materialise_views(con, MATERIALISED_VIEWS)  # as the pipeline publishes them
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(tmp, out)
    return {
        "figures": total,
        "countries": countries,
        "seconds": (dt.datetime.now(dt.UTC).replace(tzinfo=None) - started).total_seconds(),
    }
