"""The dashboard's only door to the warehouse: one query per chart or table, over the documented views.

Every function opens a short read-only connection, runs one query with bound parameters, closes it, and
caches the *result* keyed by the warehouse file's identity (path, mtime_ns, inode). A newly published
warehouse (an `os.replace` swap) has a new identity, so the next rerun reads it; nothing holds the file open
between queries, so a pipeline run is never blocked (design section 5).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from pipelines.readonly import SAFE_CONFIG
from pipelines.sqlfiles import sql_files

DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
Identity = tuple[str, int, int]

# Same config as the SQL console's connections: DuckDB refuses two connections to one file in one process
# with different configurations, and the console and the pages share a process.
CONNECT_CONFIG = SAFE_CONFIG


class NoWarehouse(RuntimeError):
    """The warehouse file does not exist (yet) or cannot be opened."""


def warehouse_path() -> Path:
    return Path(os.environ.get("IMPACT_WAREHOUSE") or DEFAULT_WAREHOUSE)


def identity(path: Path | None = None) -> Identity:
    """(path, mtime_ns, inode) of the published file: changes whenever a new warehouse is swapped in."""
    path = Path(path or warehouse_path()).resolve()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise NoWarehouse(f"no warehouse yet at {path}: run `impact run` to build it") from None
    return (str(path), stat.st_mtime_ns, stat.st_ino)


def run_query(ident: Identity, query: str, params: list | None = None) -> pl.DataFrame:
    """Uncached: one short read-only connection, one query (also used by the benchmark)."""
    try:
        con = duckdb.connect(ident[0], read_only=True, config=CONNECT_CONFIG)
    except duckdb.IOException as exc:
        raise NoWarehouse(f"the warehouse at {ident[0]} cannot be opened: {exc}") from None
    try:
        return con.sql(query, params=params or []).pl()
    finally:
        con.close()


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(ident: Identity, query: str, params: tuple) -> pl.DataFrame:
    return run_query(ident, query, list(params))


def query(ident: Identity, sql: str, *params) -> pl.DataFrame:
    return _cached(ident, sql, tuple(params))


# --- what is in the warehouse -----------------------------------------------------------------------------

BUILD_INFO = "select built_at, files, rows_in, rows_loaded, rows_rejected, product_version from build_info"

FIGURE_COUNTS = """
select f.entity, f.metric, f.kind, f.is_expectation, f.unit,
       count(*)::bigint as figures, count(f.value)::bigint as numeric_figures
from figures as f
group by all
"""

# Pairs with a comparison; the cheap way (figures table) first, the views only for the chosen pair.
COMPARABLE_PAIRS = f"""
select entity, metric,
       sum(numeric_figures) filter (where not is_expectation)::bigint as actual_figures,
       sum(numeric_figures) filter (where is_expectation)::bigint as expectation_figures,
       list(distinct kind order by kind) filter (where is_expectation and numeric_figures > 0) as expectation_kinds
from ({FIGURE_COUNTS})
group by all
having actual_figures > 0 and expectation_figures > 0
order by actual_figures + expectation_figures desc, entity, metric
"""

METRICS = "select metric, name, unit_kind, additive, higher_is_better from metrics"

REGIONS = "select region_code, name, parent_code, level, depth, path from regions order by path"


def build_info(ident: Identity) -> pl.DataFrame:
    return query(ident, BUILD_INFO)


def comparable_pairs(ident: Identity) -> pl.DataFrame:
    return query(ident, COMPARABLE_PAIRS)


def figure_counts(ident: Identity) -> pl.DataFrame:
    return query(ident, FIGURE_COUNTS)


def metrics(ident: Identity) -> pl.DataFrame:
    return query(ident, METRICS)


def regions(ident: Identity) -> pl.DataFrame:
    return query(ident, REGIONS)


# --- comparisons ------------------------------------------------------------------------------------------

COMPARISONS = """
select a.region_code, a.region_name, r.level as region_level, r.depth as region_depth, r.path as region_path,
       a.period, a.grain, a.period_start, a.period_end, a.unit,
       a.actual, a.actual_kind, a.actual_bound, a.actual_source_id, sa.publisher as actual_publisher,
       a.expectation, a.expectation_low, a.expectation_high, a.expectation_bound, a.expectation_as_of,
       a.expectation_source_id, se.publisher as expectation_publisher, a.vintages,
       a.variance, a.variance_pct, a.attainment, a.direction, a.direction_certain, a.is_shortfall,
       a.is_approximate, a.is_bound, 'reported' as basis
from actual_vs_expectation as a
inner join regions as r using (region_code)
left join sources as sa on sa.source_id = a.actual_source_id
left join sources as se on se.source_id = a.expectation_source_id
where a.entity = ? and a.metric = ? and a.expectation_kind = ? and a.policy = ?
order by r.path, a.period_start
"""

QUARTER_COMPARISONS = """
select q.region_code, q.region_name, q.region_level, r.depth as region_depth, r.path as region_path,
       q.quarter as period, 'quarter' as grain, q.period_start, q.period_end, 'USD' as unit,
       q.actual, null as actual_kind, null as actual_bound, q.actual_source_ids as actual_source_id,
       null as actual_publisher,
       q.expectation, null::double as expectation_low, null::double as expectation_high,
       null as expectation_bound, null::date as expectation_as_of,
       q.expectation_source_ids as expectation_source_id, null as expectation_publisher,
       null::bigint as vintages,
       q.variance, q.variance_pct, q.attainment, q.direction, true as direction_certain, q.is_shortfall,
       false as is_approximate, false as is_bound, q.basis
from variance_by_region_quarter as q
inner join regions as r using (region_code)
where q.entity = ? and q.metric = ? and q.expectation_kind = ? and q.policy = ?
order by r.path, q.period_start
"""

UNITS = "select distinct unit from figures where entity = ? and metric = ? and unit is not null"


def comparisons(ident: Identity, entity: str, metric: str, kind: str, policy: str) -> pl.DataFrame:
    """Every comparison of this series at every reported grain (actual_vs_expectation)."""
    return query(ident, COMPARISONS, entity, metric, kind, policy)


def quarter_comparisons(ident: Identity, entity: str, metric: str, kind: str, policy: str) -> pl.DataFrame:
    """Quarter grain, reported or summed from months (variance_by_region_quarter); unit is money (USD)."""
    frame = query(ident, QUARTER_COMPARISONS, entity, metric, kind, policy)
    units = query(ident, UNITS, entity, metric)["unit"].to_list()
    if units and frame.height:
        frame = frame.with_columns(pl.lit(units[0]).alias("unit"))
    return frame


STREAKS = """
select s.region_code, r.name as region_name, s.grain, s.first_period, s.last_period, s.streak_start,
       s.streak_end, s.length, s.cumulative_shortfall, s.is_current
from shortfall_streaks as s
inner join regions as r using (region_code)
where s.entity = ? and s.metric = ? and s.expectation_kind = ? and s.policy = ?
order by s.length desc, s.cumulative_shortfall desc
"""


def streaks(ident: Identity, entity: str, metric: str, kind: str, policy: str) -> pl.DataFrame:
    return query(ident, STREAKS, entity, metric, kind, policy)


# --- trends -----------------------------------------------------------------------------------------------

ACTUALS = """
select a.region_code, r.name as region_name, a.period, a.grain, a.period_start, a.period_end, a.value,
       a.value_low, a.value_high, a.bound, a.kind, a.as_of, a.source_id, s.publisher, a.candidates, a.unit
from actual_figures as a
inner join regions as r using (region_code)
left join sources as s using (source_id)
where a.entity = ? and a.metric = ? and list_contains(?, a.region_code)
order by a.region_code, a.period_start
"""

VINTAGES = """
select e.region_code, r.name as region_name, e.period, e.grain, e.period_start, e.period_end, e.kind,
       e.vintage, e.vintages, e.value, e.value_low, e.value_high, e.bound, e.as_of, e.source_id, s.publisher,
       e.is_original, e.is_latest, e.unit
from expectation_revisions as e
inner join regions as r using (region_code)
left join sources as s using (source_id)
where e.entity = ? and e.metric = ? and list_contains(?, e.region_code)
order by e.region_code, e.period_start, e.kind, e.vintage
"""

PACING = """
select region_code, expectation_period, expectation_kind, expectation, expectation_start, expectation_end,
       expectation_source_id, to_date_start, to_date_end, actual_to_date, actual_bound, basis, elapsed_share,
       share_achieved, expected_to_date, pace_attainment, run_rate_projection, source_ids
from pacing
where entity = ? and metric = ? and policy = ? and list_contains(?, region_code)
order by region_code, expectation_start, expectation_kind, to_date_end
"""

EVENTS = """
select e.event_id, e.date, e.date_precision, e.date_end, e.status, e.jurisdiction, r.name as jurisdiction_name,
       r.path as jurisdiction_path, e.category, e.title, e.entity, e.source_id, s.publisher, s.url, e.note
from events as e
left join regions as r on r.region_code = e.jurisdiction
left join sources as s using (source_id)
order by e.date, e.event_id
"""


SERIES_REGIONS = """
select f.region_code, r.depth, count(*)::bigint as figures
from figures as f
inner join regions as r using (region_code)
where f.entity = ? and f.metric = ? and f.value is not null
group by all
"""


def figure_counts_by_region(ident: Identity, entity: str, metric: str) -> pl.DataFrame:
    """Regions with numeric figures for this entity and metric (for the region picker)."""
    return query(ident, SERIES_REGIONS, entity, metric)


def actuals(ident: Identity, entity: str, metric: str, region_codes: list[str]) -> pl.DataFrame:
    return query(ident, ACTUALS, entity, metric, list(region_codes))


def vintages(ident: Identity, entity: str, metric: str, region_codes: list[str]) -> pl.DataFrame:
    return query(ident, VINTAGES, entity, metric, list(region_codes))


def pacing(ident: Identity, entity: str, metric: str, policy: str, region_codes: list[str]) -> pl.DataFrame:
    return query(ident, PACING, entity, metric, policy, list(region_codes))


def events(ident: Identity) -> pl.DataFrame:
    return query(ident, EVENTS)


def events_near_regions(frame: pl.DataFrame, region_paths: list[str]) -> pl.DataFrame:
    """Events whose jurisdiction lies in a shown region, or contains one (a WORLD-wide event applies to US)."""
    if frame.is_empty() or not region_paths:
        return frame.clear()
    paths = frame["jurisdiction_path"].fill_null("")
    keep = pl.Series([False] * frame.height)
    for shown in region_paths:
        inside = (paths == shown) | paths.str.starts_with(shown + "/")
        contains = pl.Series([p != "" and (shown == p or shown.startswith(p + "/")) for p in paths])
        keep = keep | inside | contains
    return frame.filter(keep)


# --- events -----------------------------------------------------------------------------------------------

EVENT_WINDOWS = """
select region_code, region_name, is_jurisdiction, entity, metric, grain, position, period, period_start,
       period_end, unit, actual, actual_bound, actual_source_id, expectation, expectation_kind,
       expectation_source_id, attainment, variance_pct, is_shortfall, change_vs_pre_pct, is_overlapping,
       overlapping_event_ids, after_data_end
from event_windows
where event_id = ?
order by entity, metric, grain, region_code, position
"""


def event_windows(ident: Identity, event_id: str) -> pl.DataFrame:
    try:
        return query(ident, EVENT_WINDOWS, event_id)
    except duckdb.CatalogException:  # an older warehouse without the view
        return pl.DataFrame()


# --- evidence ---------------------------------------------------------------------------------------------

EVIDENCE = """
select figure_id, entity, metric, region_code, region_name, period, grain, kind, value, value_high, bound,
       unit, direction, value_raw, value_high_raw, unit_raw, as_of, source_id, publisher, title, url,
       published_on, originally_reported_by, reliability, note, file, row_number
from figure_evidence
where (? is null or entity = ?) and (? is null or metric = ?)
order by entity, metric, period_start, region_code, kind, as_of
limit ?
"""

CLAIMS = """
select entity, metric, region_code, region_name, period, kind, direction, as_of, source_id, publisher, url,
       note, has_numeric_comparison, figure_id
from qualitative_claims
where (? is null or entity = ?) and (? is null or metric = ?)
order by as_of desc, entity, metric
"""

DISAGREEMENT = """
select entity, metric, region_code, period, kind_group, unit, figures, sources, min_value, max_value, spread,
       spread_pct, source_ids, figure_ids,
       to_json(values)::varchar as values_json
from source_disagreement
where (? is null or entity = ?) and (? is null or metric = ?)
order by spread_pct desc nulls last
"""

LOADS = """
select file, dataset, input_kind, status, rows_in, rows_loaded, rows_rejected, error, duration_ms, loaded_at
from loads order by file
"""

REJECTED = """
select file, row_number, column_name, value, reason, suggestion, input_kind, dataset
from rejected_rows order by file, row_number
limit 10000
"""


def evidence(ident: Identity, entity: str | None, metric: str | None, limit: int = 20_000) -> pl.DataFrame:
    return query(ident, EVIDENCE, entity, entity, metric, metric, limit)


def claims(ident: Identity, entity: str | None, metric: str | None) -> pl.DataFrame:
    return query(ident, CLAIMS, entity, entity, metric, metric)


def disagreement(ident: Identity, entity: str | None, metric: str | None) -> pl.DataFrame:
    return query(ident, DISAGREEMENT, entity, entity, metric, metric)


def loads(ident: Identity) -> pl.DataFrame:
    return query(ident, LOADS)


def rejected(ident: Identity) -> pl.DataFrame:
    return query(ident, REJECTED)


# --- SQL console ------------------------------------------------------------------------------------------


def example_queries() -> dict[str, str]:
    """The documented example queries (sql/examples), by a readable name."""
    return {path.stem.replace("_", " "): path.read_text().strip() for path in sql_files("examples")}
