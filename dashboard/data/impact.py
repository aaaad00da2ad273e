"""Data for the Impact page: the affected series of an event, its window, and the cached estimates.

Same rules as the other pages' reads (`dashboard.data.connection`): one short read-only
connection per call, closed right after, and results cached with `st.cache_data` keyed by the warehouse's
identity (path, mtime_ns, inode) and the arguments, so a newly published warehouse is read on the next rerun
and nothing holds the file open. The estimates (`pipelines.effects.assess`) take a second or more: they are
computed once per (warehouse, event, metric, region, entity, controls, grain, window) and then served from the
cache.
statsmodels is imported only when the first estimate is asked for, so the other pages never pay for it.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import polars as pl
import streamlit as st

from dashboard.data.connection import Identity, connect, query


@contextmanager
def _connection(ident: Identity):
    """A short read-only connection, attached as the other pages' are (`dashboard.data.connection.connect`)."""
    con = connect(ident)
    try:
        yield con.cursor  # a DuckDB connection whose default database is the attached warehouse
    finally:
        con.close()


# --- what can be assessed ----------------------------------------------------------------------------------

# Every series (entity x metric x grain) with actuals in the event's jurisdiction or a region under it: what
# the event_windows view covers. `in_window` counts the actuals inside the event's k-period window.
AFFECTED_SERIES = """
with ev as (
    select e.event_id, e.date, r.path from events as e inner join regions as r on r.region_code = e.jurisdiction
    where e.event_id = ?
)
select a.region_code, r.name as region_name, r.depth, r.path, (r.path = ev.path) as is_jurisdiction,
       a.entity, a.metric, coalesce(m.name, a.metric) as metric_name, a.grain,
       count(*)::bigint as figures,
       count(*) filter (where a.period_start <= ev.date)::bigint as figures_before,
       count(*) filter (where a.period_end >= ev.date)::bigint as figures_after,
       min(a.period_start) as first_period_start, max(a.period_end) as last_period_end
from actual_figures as a
inner join regions as r using (region_code)
left join metrics as m using (metric)
cross join ev
where (r.path = ev.path or starts_with(r.path, ev.path || '/')) and a.value is not null
  and a.grain in ('day', 'month', 'quarter', 'half', 'year')
group by all
order by r.path, a.entity, a.metric, a.grain
"""

# Events with any actual in their jurisdiction or a region under it (the page's default event is one).
EVENTS_WITH_FIGURES = """
select distinct e.event_id
from events as e
inner join regions as j on j.region_code = e.jurisdiction
inner join regions as r on r.path = j.path or starts_with(r.path, j.path || '/')
where exists (
    select 1 from actual_figures as a
    where a.region_code = r.region_code and a.value is not null and a.grain in ('day', 'month', 'quarter', 'half', 'year')
)
"""

WINDOW = """
select position, period, grain, period_start, period_end, unit, actual, actual_bound, actual_source_id,
       expectation, expectation_kind, expectation_source_id, expectation_as_of, attainment, variance_pct,
       is_shortfall, favourable, performance_pct, change_vs_pre, change_vs_pre_pct, is_overlapping, overlapping_event_ids, data_end,
       after_data_end, is_expected, k, window_start, window_end
from event_windows
where event_id = ? and region_code = ? and entity = ? and metric = ? and grain = ?
order by position
"""

SERIES = """
select a.region_code, r.name as region_name, a.period, a.period_start, a.period_end, a.value, a.unit,
       a.source_id
from actual_figures as a
inner join regions as r using (region_code)
where a.entity = ? and a.metric = ? and a.grain = ? and list_contains(?, a.region_code)
  and a.value is not null and a.period_start <= ? and a.period_end >= ?
order by a.region_code, a.period_start
"""

CANDIDATE_CONTROLS = """
select distinct a.region_code, r.name as region_name, r.path
from actual_figures as a inner join regions as r using (region_code)
where a.entity = ? and a.metric = ? and a.grain = ? and a.region_code <> ? and a.value is not null
order by r.path
"""

SOURCES = (
    "select source_id, publisher, title, url, published_on from sources where list_contains(?, source_id)"
)


def affected_series(ident: Identity, event_id: str) -> pl.DataFrame:
    return query(ident, AFFECTED_SERIES, event_id)


def events_with_figures(ident: Identity) -> pl.DataFrame:
    return query(ident, EVENTS_WITH_FIGURES)


def window(ident: Identity, event_id: str, region: str, entity: str, metric: str, grain: str) -> pl.DataFrame:
    """The event_windows rows of one series (empty on a warehouse built before the view existed)."""
    try:
        return query(ident, WINDOW, event_id, region, entity, metric, grain)
    except duckdb.CatalogException:
        return pl.DataFrame()


def series(
    ident: Identity, entity: str, metric: str, grain: str, regions: list[str], start, end
) -> pl.DataFrame:
    """Actuals of several regions' series between two dates (the treated region and its controls)."""
    return query(ident, SERIES, entity, metric, grain, sorted(regions), end, start)


def candidate_controls(ident: Identity, entity: str, metric: str, grain: str, treated: str) -> pl.DataFrame:
    return query(ident, CANDIDATE_CONTROLS, entity, metric, grain, treated)


def sources(ident: Identity, source_ids: list[str]) -> pl.DataFrame:
    return query(ident, SOURCES, sorted({s for s in source_ids if s}))


# --- the estimates and the narrative (cached) ---------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """`report` (an EffectReport) or `error` (why the series could not be assessed at all)."""

    report: object | None = None
    error: str | None = None


@st.cache_data(max_entries=256, show_spinner=False)
def assessment(
    ident: Identity,
    event_id: str,
    metric: str,
    region: str,
    entity: str | None,
    controls: tuple[str, ...] | None,
    grain: str | None,
    pre: str | None = None,
    post: str | None = None,
) -> Assessment:
    """Every estimate for one series (or its refusal) over the chosen window, cached per build (the
    warehouse's identity is part of the key), so a revisit is served without estimating again."""
    from pipelines.effects.assess import assess_effect

    with _connection(ident) as con:
        try:
            report = assess_effect(
                con,
                event_id,
                metric,
                region,
                entity=entity,
                controls=list(controls) if controls is not None else None,
                grain=grain,
                pre=pre,
                post=post,
            )
        except LookupError as exc:
            return Assessment(error=str(exc))
    return Assessment(report=report)


@st.cache_data(max_entries=256, show_spinner=False)
def narrative(
    ident: Identity,
    entity: str,
    metric: str,
    region: str,
    period: str,
    event_id: str | None = None,
    pre: str | None = None,
    post: str | None = None,
):
    """The cited paragraph (`Narrative`) for one period, its effect sentence about `event_id` (the event chosen
    on the page; None: `explain_period`'s default), or the reason there is none (a string)."""
    from pipelines.effects.assess import explain_period

    with _connection(ident) as con:
        try:
            return explain_period(con, entity, metric, region, period, event_id=event_id, pre=pre, post=post)
        except LookupError as exc:
            return str(exc)
