"""What is in the warehouse, shared by every page: build info, figure counts, comparable pairs, metrics,
regions, publishers, events and the documented example queries.

Each function holds one query (its SQL just above it) and returns a Polars frame, cached by the warehouse's
identity (`dashboard.data.connection`).
"""

from __future__ import annotations

import duckdb
import polars as pl

from dashboard.data.connection import Identity, cached, query
from pipelines.warehouse.sqlfiles import sql_files

BUILD_INFO = "select built_at, files, rows_in, rows_loaded, rows_rejected, product_version from build_info"

FIGURE_COUNTS = """
select entity, metric, region_code, kind, is_expectation, unit, figures, numeric_figures
from figure_counts
"""


# Pairs with a comparison, derived from the figure counts (stored at build time, cached by identity and
# shared by every page) rather than a scan of `figures`.
def pairs_from_counts(counts: pl.DataFrame) -> pl.DataFrame:
    if counts.is_empty():
        return pl.DataFrame(
            schema={
                "entity": pl.String,
                "metric": pl.String,
                "actual_figures": pl.Int64,
                "expectation_figures": pl.Int64,
                "expectation_kinds": pl.List(pl.String),
            }
        )
    numeric = counts.filter(pl.col("numeric_figures") > 0)
    frame = (
        counts.group_by("entity", "metric")
        .agg(
            pl.col("numeric_figures")
            .filter(~pl.col("is_expectation"))
            .sum()
            .cast(pl.Int64)
            .alias("actual_figures"),
            pl.col("numeric_figures")
            .filter(pl.col("is_expectation"))
            .sum()
            .cast(pl.Int64)
            .alias("expectation_figures"),
        )
        .join(
            numeric.filter(pl.col("is_expectation"))
            .group_by("entity", "metric")
            .agg(pl.col("kind").unique().sort().alias("expectation_kinds")),
            on=["entity", "metric"],
            how="left",
        )
        .filter((pl.col("actual_figures") > 0) & (pl.col("expectation_figures") > 0))
    )
    return frame.sort(
        [pl.col("actual_figures") + pl.col("expectation_figures"), "entity", "metric"],
        descending=[True, False, False],
    )


METRICS = "select metric, name, unit_kind, additive, higher_is_better from metrics"

REGIONS = "select region_code, name, parent_code, level, depth, path from regions order by path"

REGION_PLACES = (
    "select region_code, level as region_level, depth as region_depth, path as region_path from regions"
)
# one row per source_id (ids are scoped to their dataset: two datasets may share one; the first publisher is shown)
PUBLISHERS = "select source_id, min(publisher) as publisher from sources group by source_id"
DEFAULT_POLICIES = "select expectation_kind, default_policy from default_policies"


def build_info(ident: Identity) -> pl.DataFrame:
    return query(ident, BUILD_INFO)


# build_info's columns as the warehouse has them: a warehouse built before schema_fingerprint existed has none
SCHEMA_FINGERPRINT = """
select max(case when c.column_name = 'schema_fingerprint' then 1 end) is not null as recorded
from duckdb_columns() as c
where c.table_name = 'build_info' and c.schema_name = 'main' and c.database_name = current_database()
"""


def schema_fingerprint(ident: Identity) -> str | None:
    """The fingerprint of the SQL the warehouse was built with (build_info.schema_fingerprint), None when the
    warehouse predates the column (then it was built by an older version)."""
    if not query(ident, SCHEMA_FINGERPRINT)["recorded"][0]:
        return None
    return query(ident, "select max(schema_fingerprint) as f from build_info")["f"][0]


@cached
def _pairs(ident: Identity) -> pl.DataFrame:
    return pairs_from_counts(figure_counts(ident))


def comparable_pairs(ident: Identity) -> pl.DataFrame:
    """Entity and metric pairs with a numeric actual and a numeric expectation, most figures first."""
    return _pairs(ident)


# Warehouses built before figure_counts had region_code: the same counts from `figures` (slower, once per build).
FIGURE_COUNTS_OF_OLDER_BUILDS = """
select entity, metric, region_code, kind, is_expectation, unit, count(*)::bigint as figures,
       count(value)::bigint as numeric_figures
from figures
group by entity, metric, region_code, kind, is_expectation, unit
"""


def figure_counts(ident: Identity) -> pl.DataFrame:
    try:
        return query(ident, FIGURE_COUNTS)
    except duckdb.BinderException:
        return query(ident, FIGURE_COUNTS_OF_OLDER_BUILDS)


# Entities whose every figure comes from a dataset named 'illustrative-*' (the operator demo's
# 'illustrative-marketplace', docs/orders.md section 7): made-up data, labelled on every page and listed last.
ILLUSTRATIVE_ENTITIES = """
select entity from figures
group by entity
having bool_and(starts_with(dataset, 'illustrative-'))
"""


def illustrative_entities(ident: Identity) -> set[str]:
    """Names of the entities whose figures are all illustrative (generated, not reported)."""
    return set(query(ident, ILLUSTRATIVE_ENTITIES)["entity"].to_list())


def metrics(ident: Identity) -> pl.DataFrame:
    return query(ident, METRICS)


def regions(ident: Identity) -> pl.DataFrame:
    return query(ident, REGIONS)


def region_places(ident: Identity) -> pl.DataFrame:
    """region_code, region_level, region_depth, region_path: the region tree's columns to join on."""
    return query(ident, REGION_PLACES)


def publishers(ident: Identity) -> pl.DataFrame:
    """source_id, publisher of every source."""
    return query(ident, PUBLISHERS)


# One row per event, a group of reports of the same event (sql/views/chosen/event_groups.sql) shown once as its
# representative, with every report's id, source and publisher (`reported_as`, `source_ids`, `publishers`).
EVENTS = """
select e.event_id, e.date, e.date_precision, e.date_end, e.status, e.jurisdiction, r.name as jurisdiction_name,
       r.path as jurisdiction_path, e.category, e.title, e.entity, e.source_id, s.publisher, s.url, e.note,
       e.group_event_ids as reported_as, e.group_source_ids as source_ids,
       list(coalesce(p.publisher, p_id.source_id) order by p_id.n) as publishers
from event_groups as e
left join regions as r on r.region_code = e.jurisdiction
left join sources as s on s.source_id = e.source_id and s.dataset in (e.dataset, '_reference')
cross join unnest(e.group_source_ids) with ordinality as p_id(source_id, n)
left join (select source_id, min(publisher) as publisher from sources group by source_id) as p
    on p.source_id = p_id.source_id
where e.is_representative
group by all
order by e.date, e.event_id
"""

# A warehouse built before event_groups: every report is its own event.
EVENTS_OF_OLDER_BUILDS = """
select e.event_id, e.date, e.date_precision, e.date_end, e.status, e.jurisdiction, r.name as jurisdiction_name,
       r.path as jurisdiction_path, e.category, e.title, e.entity, e.source_id, s.publisher, s.url, e.note,
       [e.event_id] as reported_as, [e.source_id] as source_ids, [coalesce(s.publisher, e.source_id)] as publishers
from events as e
left join regions as r on r.region_code = e.jurisdiction
left join sources as s on s.source_id = e.source_id and s.dataset in (e.dataset, '_reference')
order by e.date, e.event_id
"""


def events(ident: Identity) -> pl.DataFrame:
    """Every event once (a group of reports of the same event as its representative, `event_groups`):
    event_id, date, date_precision, date_end, status, jurisdiction(_name, _path), category, title, entity,
    source_id, publisher, url, note, reported_as (the group's event ids), source_ids, publishers."""
    try:
        return query(ident, EVENTS)
    except duckdb.CatalogException:
        return query(ident, EVENTS_OF_OLDER_BUILDS)


def representative_event(events_frame: pl.DataFrame, event_id: str | None) -> str | None:
    """The id under which `events` shows the event: itself, or its group's representative for another report
    of it (a link to BRE03 opens EV07, the same order); None when no event has that id."""
    if event_id is None or events_frame.is_empty():
        return None
    hit = events_frame.filter(pl.col("reported_as").list.contains(event_id))
    return hit["event_id"][0] if hit.height else None


def example_queries() -> dict[str, str]:
    """The documented example queries (sql/examples), by a readable name."""
    return {path.stem.replace("_", " "): path.read_text().strip() for path in sql_files("examples")}


def default_policies(ident: Identity) -> dict[str, str]:
    """Expectation kind -> its default policy (view default_policies, the one place it is chosen: consensus
    'when_reported', the other kinds 'at_period_end'); {} for a warehouse built before that view existed."""
    try:
        frame = query(ident, DEFAULT_POLICIES)
    except duckdb.CatalogException:
        return {}
    return dict(zip(frame["expectation_kind"], frame["default_policy"], strict=True))


# Expectations of one business compared with nothing (sql/views/analysis/unmatched_expectations.sql), with the
# reason in words: the Scorecard and Trends say how many, so an empty shortfall list is never read as "no misses".
UNMATCHED = """
select metric, region_code, period, kind, vintages, reason, expectation_figure_ids
from unmatched_expectations
where entity = ?
order by metric, region_code, period_start, kind
"""


def unmatched_expectations(ident: Identity, entity: str) -> pl.DataFrame:
    """metric, region_code, period, kind, vintages, reason, expectation_figure_ids of the entity's expectations
    that no comparison uses (empty for a warehouse without the view: an older build)."""
    try:
        return query(ident, UNMATCHED, entity)
    except duckdb.CatalogException:
        return pl.DataFrame(
            schema={
                "metric": pl.String, "region_code": pl.String, "period": pl.String, "kind": pl.String,
                "vintages": pl.Int64, "reason": pl.String, "expectation_figure_ids": pl.List(pl.String),
            }
        )  # fmt: skip
