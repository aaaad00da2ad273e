"""The report's reads: one query per section over the documented views, with bound parameters.

Every function takes an open read-only DuckDB connection and returns a Polars frame (or a dict). The
dashboard's reads (`dashboard/data/`) are tuned for a page that re-runs on every click; these are read once
per report, so region places and publishers are joined in SQL.
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.effects.entities import entity_parents, events_for_entity

BUILD = """
select built_at, inputs_hash, schema_fingerprint, product_version, data_dir
from build_info order by built_at desc limit 1
"""

# The series' expectation kinds with their default policy and comparisons (the latest actuals', under every
# policy), most first. Which kind the report opens on is the pages' one rule (pipelines/warehouse/default_view.py).
SERIES_KINDS = """
select a.expectation_kind as kind, d.default_policy, count(*) as comparisons
from actual_vs_expectation as a
left join default_policies as d using (expectation_kind)
where a.entity = ? and a.metric = ? and a.actual_vintage = 'latest'
group by all
order by comparisons desc, kind
"""

# The Scorecard's read model (sql/views/serve/serve_comparisons.sql: values in the base unit, region columns and
# publishers joined), in the report's order; the figure ids of a reported row are null there (its source names it).
COMPARISONS = """
select * exclude (entity, metric, expectation_kind, policy)
from serve_comparisons
where entity = ? and metric = ? and expectation_kind = ? and policy = ?
order by region_path, period_start, grain desc
"""

STREAKS = """
select s.region_code, r.name as region_name, s.grain, s.first_period, s.last_period, s.streak_start,
       s.streak_end, s.length, s.cumulative_shortfall, s.is_current
from shortfall_streaks as s
inner join regions as r using (region_code)
where s.entity = ? and s.metric = ? and s.expectation_kind = ? and s.policy = ? and s.grain = ?
order by s.length desc, s.cumulative_shortfall desc, s.region_code
"""

# The Trends page's reads, from the same read model (serve_*: publishers by the dataset a citation is scoped to).
ACTUALS = """
select region_code, region_name, period, grain, period_start, period_end, value, value_low, value_high, bound,
       kind, as_of, source_id, publisher, candidates, unit
from serve_actuals
where entity = ? and metric = ? and region_code = ? and grain = ?
order by period_start
"""

VINTAGES = """
select region_code, region_name, period, grain, period_start, period_end, kind, vintage, vintages, value,
       value_low, value_high, bound, as_of, source_id, publisher, is_original, is_latest, unit
from serve_vintages
where entity = ? and metric = ? and kind = ? and region_code = ? and grain = ?
order by period_start, vintage
"""

# The same event from several sources is one event (event_groups, as serve_events lists it), citing each
# report's source.
EVENTS = """
select event_id, date, date_precision, date_end, status, jurisdiction, jurisdiction_name, jurisdiction_path,
       category, title, entity, source_id, publisher, reported_as, source_ids, publishers, dataset, cited
from serve_events
order by date, event_id
"""

PACING = """
select p.region_code, p.expectation_period, p.expectation_kind, p.expectation, p.expectation_start,
       p.expectation_end, p.expectation_source_id, p.to_date_start, p.to_date_end, p.actual_to_date,
       p.actual_bound, p.basis, p.elapsed_share, p.share_achieved, p.expected_to_date, p.pace_attainment,
       p.run_rate_projection, p.source_ids, p.unit, p.favourable, p.performance_pct, p.to_date_grain,
       p.is_complete, w.value as period_actual, w.source_id as period_actual_source_id
from pacing as p
left join actual_figures as w
    on  w.entity = p.entity and w.metric = p.metric and w.region_code = p.region_code
    and w.period_start = p.expectation_start and w.period_end = p.expectation_end
    and w.unit is not distinct from p.unit
where p.entity = ? and p.metric = ? and p.policy = ? and p.region_code = ? and p.expectation_kind = ?
  and (p.phasing = 'plan' or not p.has_plan_phasing)
order by p.expectation_start, p.to_date_end
"""

BRIDGE = """
select b.* from expectation_bridge as b
where b.entity = ? and b.metric = ? and b.region_code = ? and b.period = ? and b.expectation_kind = ?
  and b.policy = ?
order by b.step_order
"""

UNMATCHED = """
select u.region_code, coalesce(r.name, u.region_code) as region_name, u.period, u.period_start, u.kind,
       u.vintage,
       u.reason_kind, u.reason,
       list(distinct {'dataset': f.dataset, 'source_id': f.source_id}
            order by {'dataset': f.dataset, 'source_id': f.source_id})
           filter (where f.source_id is not null) as cited
from unmatched_expectations as u
left join regions as r using (region_code)
left join figures as f
    on list_contains(u.expectation_figure_ids, f.figure_id) and f.entity = u.entity and f.metric = u.metric
where u.entity = ? and u.metric = ?
group by all
order by u.period_start, u.region_code, u.kind
"""

# A citation is resolved by (dataset, source_id) in cited_sources (its dataset's own source or a shared one),
# never by source_id alone: two datasets may each have a source 'report'. The keys come bound as
# dataset || chr(31) || source_id.
SOURCES = """
select c.dataset, c.source_id, c.publisher, c.title, c.url, c.published_on, c.reliability,
       s.originally_reported_by
from cited_sources as c
left join sources as s on s.dataset = c.defined_in and s.source_id = c.source_id
where list_contains(?, c.dataset || chr(31) || c.source_id)
"""


def build(con: duckdb.DuckDBPyConnection) -> dict:
    """The warehouse's stamp: built_at, inputs_hash, schema_fingerprint, product_version, data_dir.
    LookupError when the file has no build_info row (not a built warehouse)."""
    try:
        rows = con.sql(BUILD).pl()
    except duckdb.CatalogException:
        rows = pl.DataFrame()
    if rows.is_empty():
        raise LookupError("the file holds no build_info row: not a warehouse built by `impact run`")
    return rows.row(0, named=True)


def series_kinds(con: duckdb.DuckDBPyConnection, entity: str, metric: str) -> pl.DataFrame:
    """kind, default_policy, comparisons: the series' expectation kinds with comparisons, most first (the
    kinds a selection may name; the default kind is `pipelines.warehouse.default_view.default_view`'s)."""
    return con.sql(SERIES_KINDS, params=[entity, metric]).pl()


def comparisons(con, entity: str, metric: str, kind: str, policy: str) -> pl.DataFrame:
    """The series' comparisons at every reported grain (the dashboard's COMPARISON_COLUMNS), by region path."""
    return con.sql(COMPARISONS, params=[entity, metric, kind, policy]).pl()


def streaks(con, entity: str, metric: str, kind: str, policy: str, grain: str) -> pl.DataFrame:
    """Shortfall streaks at one grain, longest first."""
    return con.sql(STREAKS, params=[entity, metric, kind, policy, grain]).pl()


def actuals(con, entity: str, metric: str, region_code: str, grain: str) -> pl.DataFrame:
    return con.sql(ACTUALS, params=[entity, metric, region_code, grain]).pl()


def vintages(con, entity: str, metric: str, kind: str, region_code: str, grain: str) -> pl.DataFrame:
    return con.sql(VINTAGES, params=[entity, metric, kind, region_code, grain]).pl()


def events_near(con, entity: str, region_path: str) -> pl.DataFrame:
    """Events that concern the entity (its family: `pipelines.effects.entities`) whose jurisdiction lies in
    the region or contains it (a WORLD-wide event applies to US)."""
    frame = events_for_entity(con.sql(EVENTS).pl(), entity, entity_parents(con))
    paths = frame["jurisdiction_path"].fill_null("").to_list()
    keep = [
        p != "" and (p == region_path or p.startswith(region_path + "/") or region_path.startswith(p + "/"))
        for p in paths
    ]
    return frame.filter(pl.Series(keep, dtype=pl.Boolean))


def pacing(con, entity: str, metric: str, policy: str, region_code: str, kind: str) -> pl.DataFrame:
    """Every to-date point of every expectation paced for the region (pacing view)."""
    return con.sql(PACING, params=[entity, metric, policy, region_code, kind]).pl()


def bridge(con, entity, metric, region_code, period, kind, policy) -> pl.DataFrame:
    """The steps from the first expectation to the actual (expectation_bridge), in order."""
    return con.sql(BRIDGE, params=[entity, metric, region_code, period, kind, policy]).pl()


def unmatched(con, entity: str, metric: str) -> pl.DataFrame:
    """The series' expectations compared with nothing, with the reason and the sources of their figures."""
    return con.sql(UNMATCHED, params=[entity, metric]).pl()


def sources(con, keys: list[tuple], datasets: list[str] = ()) -> dict[tuple, dict]:
    """(dataset, source_id) -> dataset, source_id, publisher, title, url, published_on, reliability,
    originally_reported_by. A key without its dataset (None, id) (pacing's running sources carry none) is
    resolved in `datasets` (the report's series' own), the first that cites such an id."""
    bare = {sid for d, sid in keys if d is None}
    wanted = {f"{d}{chr(31)}{sid}" for d, sid in keys if d is not None}
    wanted |= {f"{d}{chr(31)}{sid}" for d in datasets for sid in bare}
    frame = con.sql(SOURCES, params=[sorted(wanted)]).pl()
    found = {(row["dataset"], row["source_id"]): row for row in frame.iter_rows(named=True)}
    for sid in bare:
        hit = next((found[(d, sid)] for d in datasets if (d, sid) in found), None)
        if hit is not None:
            found[(None, sid)] = hit
    return found
