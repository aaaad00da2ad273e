"""Reads for the impact functions: small frames from the warehouse's tables and views, with bound parameters.

Every function takes an open (read-only) DuckDB connection and returns Polars frames or plain dicts.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from pipelines.effects.entities import entity_parents, events_for_entity
from pipelines.effects.periods import EFFECT_GRAINS
from pipelines.warehouse.rules import EXPECTATION_PREFERENCE, RELATED_REGIONS_SQL


def event(con: duckdb.DuckDBPyConnection, event_id: str) -> dict | None:
    rows = con.sql("select * from events where event_id = ?", params=[event_id]).pl()
    return rows.row(0, named=True) if rows.height else None


def events(con: duckdb.DuckDBPyConnection, entity: str | None = None) -> pl.DataFrame:
    """Every reported event (all reports); `entity`: only those that concern it (`pipelines.effects.entities`)."""
    frame = con.sql(
        "select event_id, date, date_precision, date_end, status, jurisdiction, category, title, entity, source_id"
        " from events order by date, event_id"
    ).pl()
    return events_for_entity(frame, entity, entity_parents(con)) if entity else frame


def regions(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(
        "select region_code, name, parent_code, level, depth, path from regions order by path"
    ).pl()


def region_name(con: duckdb.DuckDBPyConnection, region_code: str) -> str | None:
    rows = con.sql("select name from regions where region_code = ?", params=[region_code]).fetchall()
    return rows[0][0] if rows else None


def related_events(
    con: duckdb.DuckDBPyConnection,
    region_code: str,
    start: date | None = None,
    end: date | None = None,
    exclude: str | None = None,
    entity: str | None = None,
) -> pl.DataFrame:
    """Events whose jurisdiction is the region, an ancestor or a descendant, optionally dated in [start, end],
    each once (a group of reports of one event as its representative, with every report's `source_ids` and
    ids `reported_as`: sql/views/chosen/event_groups.sql). `exclude`: an event id whose whole group is left
    out. `entity`: only events that concern it (`pipelines.effects.entities`: none named, it or its family)."""
    frame = con.sql(
        f"select e.event_id, e.date, e.date_end, e.status, e.jurisdiction, e.category, e.title, e.entity,"
        f" e.source_id, e.group_source_ids as source_ids, e.group_event_ids as reported_as, e.dataset,"
        f" e.group_cited as cited"
        f" from event_groups as e where e.is_representative and e.jurisdiction in ({RELATED_REGIONS_SQL})"
        " and (? is null or coalesce(e.date_end, e.date) >= ?) and (? is null or e.date <= ?)"
        " and (? is null or not list_contains(e.group_event_ids, ?))"
        " order by e.date, e.event_id",
        params=[region_code, region_code, start, start, end, end, exclude, exclude],
    ).pl()
    return events_for_entity(frame, entity, entity_parents(con)) if entity else frame


def representative(con: duckdb.DuckDBPyConnection, event_id: str) -> str:
    """The id under which an event is listed: its group's representative (BRE03 -> EV07), else itself."""
    rows = con.sql(
        "select group_id from event_groups where event_id = ? order by is_representative desc limit 1",
        params=[event_id],
    ).fetchall()
    return rows[0][0] if rows else event_id


def series(
    con: duckdb.DuckDBPyConnection, entity: str, metric: str, region_code: str, grain: str
) -> pl.DataFrame:
    """The chosen actuals of one series (actual_figures), oldest first."""
    return con.sql(
        "select period, period_start, period_end, value, unit, bound, source_id, dataset, as_of from actual_figures"
        " where entity = ? and metric = ? and region_code = ? and grain = ? order by period_start",
        params=[entity, metric, region_code, grain],
    ).pl()


def panel(
    con: duckdb.DuckDBPyConnection, entity: str, metric: str, region_codes: list[str], grain: str
) -> pl.DataFrame:
    """Long frame (region_code, period_start, value, source_id, dataset) of several regions' series."""
    return con.sql(
        "select region_code, period_start, value, source_id, dataset from actual_figures"
        " where entity = ? and metric = ? and grain = ? and list_contains(?, region_code)"
        " order by region_code, period_start",
        params=[entity, metric, grain, region_codes],
    ).pl()


def series_grains(con: duckdb.DuckDBPyConnection, entity: str, metric: str, region_code: str) -> list[str]:
    found = {
        g
        for (g,) in con.sql(
            "select distinct grain from actual_figures where entity = ? and metric = ? and region_code = ?",
            params=[entity, metric, region_code],
        ).fetchall()
    }
    return [g for g in EFFECT_GRAINS if g in found]


def entities_with_series(con: duckdb.DuckDBPyConnection, metric: str, region_code: str) -> list[str]:
    return [
        e
        for (e,) in con.sql(
            "select distinct entity from actual_figures where metric = ? and region_code = ? order by entity",
            params=[metric, region_code],
        ).fetchall()
    ]


def regions_with_series(con: duckdb.DuckDBPyConnection, entity: str, metric: str, grain: str) -> list[str]:
    return [
        r
        for (r,) in con.sql(
            "select distinct region_code from actual_figures where entity = ? and metric = ? and grain = ?",
            params=[entity, metric, grain],
        ).fetchall()
    ]


def event_window(
    con: duckdb.DuckDBPyConnection,
    event_id: str,
    region_code: str | None = None,
    metric: str | None = None,
    entity: str | None = None,
) -> pl.DataFrame:
    """Rows of the event_windows view for one event, optionally narrowed to a region, metric and entity."""
    return con.sql(
        "select * from event_windows where event_id = ? and (? is null or region_code = ?)"
        " and (? is null or metric = ?) and (? is null or entity = ?)"
        " order by region_code, entity, metric, grain, position",
        params=[event_id, region_code, region_code, metric, metric, entity, entity],
    ).pl()


def comparison(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    metric: str,
    region_code: str,
    period: str,
    policy: str | None = None,
) -> dict | None:
    """The actual against the preferred expectation kind for one period (actual_vs_expectation), under
    `policy`, or under each kind's default policy (`is_default_policy`) when None."""
    rows = con.sql(
        "select * replace (actual * to_base as actual, expectation * to_base as expectation,"
        " variance * to_base as variance, base_unit as unit)"  # the base unit, as the event windows
        " from actual_vs_expectation where entity = ? and metric = ? and region_code = ? and period = ?"
        " and actual_vintage = 'latest' and (policy = ? or (? is null and is_default_policy))"
        " order by coalesce(list_position(?, expectation_kind), 99)",
        params=[entity, metric, region_code, period, policy, policy, list(EXPECTATION_PREFERENCE)],
    ).pl()
    return rows.row(0, named=True) if rows.height else None


def actual(
    con: duckdb.DuckDBPyConnection, entity: str, metric: str, region_code: str, period: str
) -> dict | None:
    rows = con.sql(
        "select * from actual_figures where entity = ? and metric = ? and region_code = ? and period = ?",
        params=[entity, metric, region_code, period],
    ).pl()
    return rows.row(0, named=True) if rows.height else None


def streak_containing(
    con: duckdb.DuckDBPyConnection, comparison_row: dict, policy: str | None = None
) -> tuple[dict | None, list[str]]:
    """The shortfall streak the compared period belongs to (under `policy`, default the comparison's own),
    and the (dataset, source_id) citations of every period in it."""
    c = comparison_row
    policy = policy or c["policy"]
    rows = con.sql(
        "select * from shortfall_streaks where entity = ? and metric = ? and region_code = ? and grain = ?"
        " and expectation_kind = ? and policy = ? and streak_start <= ? and streak_end >= ?",
        params=[
            c["entity"],
            c["metric"],
            c["region_code"],
            c["grain"],
            c["expectation_kind"],
            policy,
            c["period_start"],
            c["period_end"],
        ],
    ).pl()
    if not rows.height:
        return None, []
    streak = rows.row(0, named=True)
    rows = con.sql(
        # a subquery: `select distinct unnest([...], recursive := true)` keeps one row only (DuckDB 2.0)
        "select distinct c.dataset, c.source_id from (select unnest([{'dataset': actual_dataset,"
        " 'source_id': actual_source_id}, {'dataset': expectation_dataset, 'source_id': expectation_source_id}])"
        " as c from actual_vs_expectation"
        " where entity = ? and metric = ? and region_code = ? and grain = ? and expectation_kind = ?"
        " and policy = ? and actual_vintage = 'latest' and period_start between ? and ?) order by 1, 2",
        params=[
            c["entity"],
            c["metric"],
            c["region_code"],
            c["grain"],
            c["expectation_kind"],
            policy,
            streak["streak_start"],
            streak["streak_end"],
        ],
    ).fetchall()
    return streak, sorted({c for d, s in rows for c in cited(d, s)}, key=lambda c: (c[0] or "", c[1]))


def metric_name(con: duckdb.DuckDBPyConnection, metric: str) -> str:
    rows = con.sql("select name from metrics where metric = ?", params=[metric]).fetchall()
    return rows[0][0] if rows else metric


Cited = tuple[str | None, str]  # (dataset, source_id): a source id is scoped to its dataset


def cited(dataset: str | None, source_ids: str | list | None) -> list[Cited]:
    """The (dataset, source_id) keys of one row's citation: a rolled-up figure's source_id joins its
    components' ids with commas (all of its dataset); None or '' cites nothing."""
    given = source_ids if isinstance(source_ids, list) else str(source_ids or "").split(",")
    return [(dataset, s.strip()) for s in given if s and s.strip()]


def cited_in(frame: pl.DataFrame, dataset: str = "dataset", source_id: str = "source_id") -> list[Cited]:
    """Every distinct (dataset, source_id) a frame's rows cite, sorted."""
    pairs = frame.select(dataset, source_id).unique().iter_rows()
    return sorted({c for d, s in pairs for c in cited(d, s)}, key=lambda c: (c[0] or "", c[1]))


def sources(con: duckdb.DuckDBPyConnection, keys: list[Cited]) -> dict[Cited, dict]:
    """(dataset, source_id) -> dataset, source_id, publisher, published_on, title, url, resolved in the citing
    dataset or reference/'s shared sources (sql/views/chosen/cited_sources.sql), never by source_id alone."""
    rows = con.sql(
        "select dataset, source_id, publisher, published_on, title, url from cited_sources"
        " where list_contains(?, dataset || chr(31) || source_id)",
        params=[sorted({f"{d}{chr(31)}{s}" for d, s in keys if d is not None})],
    ).pl()
    return {(r["dataset"], r["source_id"]): r for r in rows.iter_rows(named=True)}


def panel_periods(
    con: duckdb.DuckDBPyConnection, entities: list[str], metric: str, grain: str
) -> list[tuple[str, date]]:
    """(region_code, period_start) of every chosen actual with a value of the entities' metric at a grain."""
    return con.sql(
        "select distinct region_code, period_start from actual_figures"
        " where list_contains(?, entity) and metric = ? and grain = ? and value is not null",
        params=[entities, metric, grain],
    ).fetchall()


def unit_panel(con: duckdb.DuckDBPyConnection, entities: list[str], metric: str, grain: str) -> pl.DataFrame:
    """Long frame (entity, region_code, period_start, value, source_id, dataset) of many entities' series."""
    return con.sql(
        "select entity, region_code, period_start, value, source_id, dataset from actual_figures"
        " where list_contains(?, entity) and metric = ? and grain = ? and value is not null"
        " order by entity, period_start",
        params=[entities, metric, grain],
    ).pl()


def grain_counts(con: duckdb.DuckDBPyConnection, entities: list[str], metric: str, region_code: str) -> dict:
    """grain -> number of figures of the entities' metric in the region."""
    return dict(
        con.sql(
            "select grain, count(*)::bigint from actual_figures where list_contains(?, entity) and metric = ?"
            " and region_code = ? group by grain",
            params=[entities, metric, region_code],
        ).fetchall()
    )
