"""The dashboard's only door to the warehouse: one query per chart or table, over the documented views.

Results are cached, keyed by the warehouse file's identity (path, mtime_ns, inode). A newly published
warehouse (an `os.replace` swap) has a new identity, so the next rerun reads it. The cache shares each result
(`st.cache_resource`) instead of copying it (`st.cache_data` pickles a result when it stores it and unpickles
it on every hit: 7 ms and 5 ms for the Scorecard's 10,000 comparisons at one million figures, paid again on
each rerun). Nothing mutates a Polars frame in place here, so one shared frame is safe for every session.

Connections are short and read-only. A page wraps its render in `with reading(ident):`: the first cache miss
attaches the warehouse file, every other miss of that render reuses it, and it is detached when the render
ends (or stops); nothing holds the file between renders, so a pipeline run is never blocked (design section
5). Outside `reading` (the benchmark, deferred CSV downloads on their own thread) each query attaches and
detaches on its own.

Attach, not connect: `duckdb.connect(file)` starts a whole DuckDB instance (its catalog of built-in
functions, extensions, thread pool), about 40 ms to open and close on this machine even for an in-memory
database, and the first queries of a new instance run cold (the Scorecard's comparisons at one million
figures: 64 ms, against 27 ms). So the process keeps one in-memory DuckDB instance without any file, and a
render takes a cursor on it and `ATTACH`es the file read-only under a name of its own (5 ms with the detach).
A swapped-in file is attached afresh by the next render; two renders may hold the same or an old and a new
file side by side.

Every query takes the page's filters (entity, metric, kind, policy, grain, regions) as bound parameters so
DuckDB prunes the materialised tables, stored sorted by (entity, metric, region_code), by their zone maps;
wide or long results (evidence, disagreement) are limited, with the full table downloadable on demand.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from pipelines.settings import Settings
from pipelines.warehouse.console import SAFE_CONFIG
from pipelines.warehouse.sqlfiles import sql_files

Identity = tuple[str, int, int]

# The in-memory instance the warehouse is attached to: no extension loading. File access stays enabled, as
# ATTACH needs it; only this module's own SQL runs there (the SQL page has its own locked-down connection).
INSTANCE_CONFIG = {
    k: v for k, v in SAFE_CONFIG.items() if k not in ("enable_external_access", "lock_configuration")
}

# Rows shown in the long tables (the full table is a download away).
SHOWN_ROWS = 1_000
DISAGREEMENTS_SHOWN = 40


class NoWarehouse(RuntimeError):
    """The warehouse file does not exist (yet) or cannot be opened."""


def warehouse_path() -> Path:
    return Settings.from_env().warehouse_path


def identity(path: Path | None = None) -> Identity:
    """(path, mtime_ns, inode) of the published file: changes whenever a new warehouse is swapped in."""
    path = Path(path or warehouse_path()).resolve()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise NoWarehouse(f"no warehouse yet at {path}: run `impact run` to build it") from None
    return (str(path), stat.st_mtime_ns, stat.st_ino)


_instance: duckdb.DuckDBPyConnection | None = None
_instance_lock = threading.Lock()
_aliases = itertools.count(1)


def _cursor() -> duckdb.DuckDBPyConnection:
    """A new connection (cursor) on the process's one in-memory DuckDB instance, started on first use."""
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = duckdb.connect(":memory:", config=INSTANCE_CONFIG)
        return _instance.cursor()


class Connection:
    """A short read-only connection to the warehouse file: attached to a cursor of the process's in-memory
    instance under a name of its own (made the default database, so the views' names resolve), detached by
    `close()`."""

    def __init__(self, ident: Identity) -> None:
        self.alias = f"warehouse_{next(_aliases)}"
        self.cursor = _cursor()
        path = ident[0].replace("'", "''")
        try:
            self.cursor.sql(f"attach '{path}' as {self.alias} (read_only)")
        except duckdb.Error as exc:
            self.cursor.close()
            raise NoWarehouse(f"the warehouse at {ident[0]} cannot be opened: {exc}") from None
        self.cursor.sql(f"use {self.alias}")

    def sql(self, query: str, params: list | None = None) -> duckdb.DuckDBPyRelation:
        return self.cursor.sql(query, params=params or [])

    def close(self) -> None:
        try:
            self.cursor.sql("use memory")
            self.cursor.sql(f"detach {self.alias}")
        finally:
            self.cursor.close()


def connect(ident: Identity) -> Connection:
    return Connection(ident)


class Reader:
    """One render's connection: opened on the first query that misses the cache, closed by `close()`."""

    def __init__(self, ident: Identity) -> None:
        self.ident = ident
        self.con: Connection | None = None
        self.queries = 0

    def run(self, query: str, params: list | None = None) -> pl.DataFrame:
        if self.con is None:
            self.con = connect(self.ident)
        self.queries += 1
        return self.con.sql(query, params).pl()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


_local = threading.local()  # Streamlit runs each session's script on its own thread


@contextmanager
def reading(ident: Identity) -> Iterator[Reader]:
    """Share one short read-only connection among the uncached queries of one render (this thread only)."""
    previous = getattr(_local, "reader", None)
    reader = Reader(ident)
    _local.reader = reader
    try:
        yield reader
    finally:
        _local.reader = previous
        reader.close()


def run_query(ident: Identity, query: str, params: list | None = None) -> pl.DataFrame:
    """Uncached: through the render's connection when inside `reading(ident)`, else a connection of its own."""
    reader = getattr(_local, "reader", None)
    if reader is not None and reader.ident == ident:
        return reader.run(query, params)
    one = Reader(ident)
    try:
        return one.run(query, params)
    finally:
        one.close()


# Results shared by every session (see the module's docstring); `clear_cache()` empties it.
cached = st.cache_resource(max_entries=512, show_spinner=False)


def clear_cache() -> None:
    st.cache_resource.clear()


@cached
def _cached(ident: Identity, query: str, params: tuple) -> pl.DataFrame:
    return run_query(ident, query, list(params))


def query(ident: Identity, sql: str, *params) -> pl.DataFrame:
    return _cached(ident, sql, tuple(params))


def in_list(column: str, values: list) -> tuple[str, list]:
    """`column in (?, ?, ...)`: unlike list_contains(?, column), DuckDB pushes it into the scan."""
    if not values:
        return "false", []
    return f"{column} in ({', '.join('?' * len(values))})", list(values)


def where_given(**filters) -> tuple[str, list]:
    """`col = ?` for each filter given (None = all): no `? is null or` that would defeat pruning."""
    given = {c: v for c, v in filters.items() if v is not None}
    sql = " and ".join(f"{c} = ?" for c in given) or "true"
    return sql, list(given.values())


# --- what is in the warehouse -----------------------------------------------------------------------------

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


def build_info(ident: Identity) -> pl.DataFrame:
    return query(ident, BUILD_INFO)


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


def metrics(ident: Identity) -> pl.DataFrame:
    return query(ident, METRICS)


def regions(ident: Identity) -> pl.DataFrame:
    return query(ident, REGIONS)


# --- comparisons ------------------------------------------------------------------------------------------

# The region tree's columns and the publishers are joined in Polars from small cached tables, and the
# rows sorted there: in DuckDB the join and the sort by path cost several times the pruned scan itself.
COMPARISONS = """
select a.region_code, a.region_name,
       a.period, a.grain, a.period_start, a.period_end, a.unit,
       a.actual, a.actual_kind, a.actual_bound, a.actual_source_id,
       a.expectation, a.expectation_low, a.expectation_high, a.expectation_bound, a.expectation_as_of,
       a.expectation_source_id, a.vintages,
       a.variance, a.variance_pct, a.attainment, a.direction, a.direction_certain, a.is_shortfall,
       a.is_approximate, a.is_bound, 'reported' as basis
from actual_vs_expectation as a
where a.entity = ? and a.metric = ? and a.expectation_kind = ? and a.policy = ? and {narrow}
"""

QUARTER_COMPARISONS = """
select q.region_code, q.region_name,
       q.quarter as period, 'quarter' as grain, q.period_start, q.period_end,
       null::varchar as unit,
       q.actual, null as actual_kind, null as actual_bound, q.actual_source_ids as actual_source_id,
       q.expectation, null::double as expectation_low, null::double as expectation_high,
       null as expectation_bound, null::date as expectation_as_of,
       q.expectation_source_ids as expectation_source_id,
       null::bigint as vintages,
       q.variance, q.variance_pct, q.attainment, q.direction, true as direction_certain, q.is_shortfall,
       false as is_approximate, false as is_bound, q.basis
from variance_by_region_quarter as q
where q.entity = $1 and q.metric = $2 and q.expectation_kind = $3 and q.policy = $4
"""

REGION_PLACES = (
    "select region_code, level as region_level, depth as region_depth, path as region_path from regions"
)
PUBLISHERS = "select source_id, publisher from sources"

COMPARISON_COLUMNS = [
    "region_code", "region_name", "region_level", "region_depth", "region_path",
    "period", "grain", "period_start", "period_end", "unit",
    "actual", "actual_kind", "actual_bound", "actual_source_id", "actual_publisher",
    "expectation", "expectation_low", "expectation_high", "expectation_bound", "expectation_as_of",
    "expectation_source_id", "expectation_publisher", "vintages",
    "variance", "variance_pct", "attainment", "direction", "direction_certain", "is_shortfall",
    "is_approximate", "is_bound", "basis",
]  # fmt: skip


def _placed(ident: Identity, frame: pl.DataFrame, publishers: bool) -> pl.DataFrame:
    """Add the region tree's level, depth and path (inner join, as in SQL) and the publishers; sort."""
    frame = frame.join(query(ident, REGION_PLACES), on="region_code", how="inner")
    if publishers:
        names = query(ident, PUBLISHERS)
        for role in ("actual", "expectation"):
            frame = frame.join(
                names.rename({"source_id": f"{role}_source_id", "publisher": f"{role}_publisher"}),
                on=f"{role}_source_id",
                how="left",
            )
    else:
        frame = frame.with_columns(
            pl.lit(None, pl.String).alias("actual_publisher"),
            pl.lit(None, pl.String).alias("expectation_publisher"),
        )
    return frame.sort("region_path", "period_start").select(COMPARISON_COLUMNS)


# Which grains a series can be shown at: reported comparisons, and quarters (reported or summed from months).
COMPARISON_GRAINS = """
select distinct grain from actual_vs_expectation
where entity = ? and metric = ? and expectation_kind = ? and policy = ?
union
select 'quarter (summed)' from (
    select 1 from variance_by_region_quarter
    where entity = ? and metric = ? and expectation_kind = ? and policy = ?
    limit 1
)
"""


@cached
def comparisons(
    ident: Identity,
    entity: str,
    metric: str,
    kind: str,
    policy: str,
    grain: str | None = None,
    region_code: str | None = None,
) -> pl.DataFrame:
    """Comparisons of this series at the reported grains (actual_vs_expectation), for one grain and one
    region when given (the filters go into the scan: only the rows shown are read)."""
    narrow, params = where_given(**{"a.grain": grain, "a.region_code": region_code})
    frame = run_query(ident, COMPARISONS.format(narrow=narrow), [entity, metric, kind, policy, *params])
    return _placed(ident, frame, publishers=True)


SHORTFALL_PERIODS = """
select period_start, period_end
from actual_vs_expectation
where entity = ? and metric = ? and expectation_kind = ? and policy = ? and grain = ? and region_code = ?
  and is_shortfall
order by period_start
"""


def shortfall_periods(
    ident: Identity, entity: str, metric: str, kind: str, policy: str, grain: str, region_code: str
) -> pl.DataFrame:
    """The periods of one region's series below expectation (the Trends chart's shading): two columns, not
    the comparisons with their sources."""
    return query(ident, SHORTFALL_PERIODS, entity, metric, kind, policy, grain, region_code)


def comparison_grains(ident: Identity, entity: str, metric: str, kind: str, policy: str) -> tuple[set, bool]:
    """(grains with reported comparisons, whether quarters exist in variance_by_region_quarter)."""
    series = (entity, metric, kind, policy)
    grains = set(query(ident, COMPARISON_GRAINS, *series, *series)["grain"].to_list())
    quarters = "quarter (summed)" in grains
    return grains - {"quarter (summed)"}, quarters


@cached
def quarter_comparisons(ident: Identity, entity: str, metric: str, kind: str, policy: str) -> pl.DataFrame:
    """Quarter grain, reported or summed from months (variance_by_region_quarter), in the unit of the series'
    actuals (from the cached figure counts: the view has no unit column)."""
    frame = _placed(
        ident, run_query(ident, QUARTER_COMPARISONS, [entity, metric, kind, policy]), publishers=False
    )
    counts = figure_counts(ident)
    units = counts.filter(
        (pl.col("entity") == entity) & (pl.col("metric") == metric) & ~pl.col("is_expectation")
    )["unit"].drop_nulls()
    return frame.with_columns(pl.lit(units.min() if units.len() else None, pl.String).alias("unit"))


STREAKS = """
select s.region_code, r.name as region_name, s.grain, s.first_period, s.last_period, s.streak_start,
       s.streak_end, s.length, s.cumulative_shortfall, s.is_current
from shortfall_streaks as s
inner join regions as r using (region_code)
where s.entity = ? and s.metric = ? and s.expectation_kind = ? and s.policy = ? and {narrow}
order by s.length desc, s.cumulative_shortfall desc
"""


def streaks(
    ident: Identity, entity: str, metric: str, kind: str, policy: str, grain: str | None = None
) -> pl.DataFrame:
    narrow, params = where_given(**{"s.grain": grain})
    return query(ident, STREAKS.format(narrow=narrow), entity, metric, kind, policy, *params)


# --- trends -----------------------------------------------------------------------------------------------

# Region names and publishers are joined, and rows sorted, in Polars from the cached small tables (as for
# the comparisons): the pruned scans alone are a few milliseconds.
ACTUALS = """
select a.region_code, a.period, a.grain, a.period_start, a.period_end, a.value,
       a.value_low, a.value_high, a.bound, a.kind, a.as_of, a.source_id, a.candidates, a.unit
from actual_figures as a
where a.entity = ? and a.metric = ? and {regions}
"""
ACTUAL_COLUMNS = [
    "region_code", "region_name", "period", "grain", "period_start", "period_end", "value", "value_low",
    "value_high", "bound", "kind", "as_of", "source_id", "publisher", "candidates", "unit",
]  # fmt: skip

VINTAGES = """
select e.region_code, e.period, e.grain, e.period_start, e.period_end, e.kind,
       e.vintage, e.vintages, e.value, e.value_low, e.value_high, e.bound, e.as_of, e.source_id,
       e.is_original, e.is_latest, e.unit
from expectation_revisions as e
where e.entity = ? and e.metric = ? and e.kind = ? and {regions}
"""
VINTAGE_COLUMNS = [
    "region_code", "region_name", "period", "grain", "period_start", "period_end", "kind", "vintage", "vintages",
    "value", "value_low", "value_high", "bound", "as_of", "source_id", "publisher", "is_original", "is_latest",
    "unit",
]  # fmt: skip


def _named(ident: Identity, frame: pl.DataFrame, columns: list[str], order: list[str]) -> pl.DataFrame:
    """Add region_name (inner join, as in SQL) and publisher (left join) from the cached tables; sort."""
    names = regions(ident).select("region_code", pl.col("name").alias("region_name"))
    publishers = query(ident, PUBLISHERS)
    return (
        frame.join(names, on="region_code", how="inner")
        .join(publishers, on="source_id", how="left")
        .sort(order)
        .select(columns)
    )


PACING = """
select region_code, expectation_period, expectation_kind, expectation, expectation_start, expectation_end,
       expectation_source_id, to_date_start, to_date_end, actual_to_date, actual_bound, basis, elapsed_share,
       share_achieved, expected_to_date, pace_attainment, run_rate_projection, source_ids
from pacing
where entity = ? and metric = ? and policy = ? and {regions}
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


@cached
def figure_counts_by_region(ident: Identity, entity: str, metric: str) -> pl.DataFrame:
    """Regions with numeric figures for this entity and metric (for the region picker), from the cached
    figure counts: region_code, depth, figures."""
    counts = figure_counts(ident).filter(
        (pl.col("entity") == entity) & (pl.col("metric") == metric) & (pl.col("numeric_figures") > 0)
    )
    return (
        counts.group_by("region_code")
        .agg(pl.col("numeric_figures").sum().cast(pl.Int64).alias("figures"))
        .join(regions(ident).select("region_code", "depth"), on="region_code")
        .select("region_code", "depth", "figures")
        .sort("region_code")
    )


@cached
def actuals(ident: Identity, entity: str, metric: str, region_codes: list[str]) -> pl.DataFrame:
    where, codes = in_list("a.region_code", sorted(region_codes))
    frame = run_query(ident, ACTUALS.format(regions=where), [entity, metric, *codes])
    return _named(ident, frame, ACTUAL_COLUMNS, ["region_code", "period_start"])


@cached
def vintages(ident: Identity, entity: str, metric: str, kind: str, region_codes: list[str]) -> pl.DataFrame:
    """Every vintage of one expectation kind for these regions (expectation_revisions)."""
    where, codes = in_list("e.region_code", sorted(region_codes))
    frame = run_query(ident, VINTAGES.format(regions=where), [entity, metric, kind, *codes])
    return _named(ident, frame, VINTAGE_COLUMNS, ["region_code", "period_start", "kind", "vintage"])


def pacing(ident: Identity, entity: str, metric: str, policy: str, region_codes: list[str]) -> pl.DataFrame:
    regions, codes = in_list("region_code", sorted(region_codes))
    return query(ident, PACING.format(regions=regions), entity, metric, policy, *codes)


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

EVIDENCE_COLUMNS = """
figure_id, entity, metric, region_code, region_name, period, grain, kind, value, value_high, bound,
unit, direction, value_raw, value_high_raw, unit_raw, as_of, source_id, publisher, title, url,
published_on, originally_reported_by, reliability, note, file, row_number, origin
"""

# In stored order (entity, metric, region): no sort of a million rows to show the first thousand.
EVIDENCE = f"""
select {EVIDENCE_COLUMNS}
from figure_evidence
where {{narrow}}
limit ?
"""

CLAIMS = """
select entity, metric, region_code, region_name, period, kind, direction, as_of, source_id, publisher, url,
       note, has_numeric_comparison, figure_id
from qualitative_claims
where {narrow}
order by as_of desc, entity, metric
"""

# The widest disagreements only, in two steps. DISAGREEMENT_CUT reads one column to find the N-th widest
# spread; DISAGREEMENT then keeps the rows at least that wide (a constant the scan filters on, skipping whole
# row groups) before it sorts them and makes JSON of the kept rows. One top-N query over all the columns
# took 38 ms at 1M figures (250,000 disagreements), the two 2 + 10 ms (most of it reading the 40 rows'
# lists of figures and making their JSON).
DISAGREEMENT_CUT = """
select spread_pct
from source_disagreement
where {narrow}
order by spread_pct desc nulls last
limit 1 offset ?
"""
DISAGREEMENT = """
select * exclude (values), to_json(values)::varchar as values_json
from (
    select entity, metric, region_code, period, kind_group, unit, figures, sources, min_value, max_value,
           spread, spread_pct, source_ids, figure_ids, values
    from source_disagreement
    where {narrow}
    order by spread_pct desc nulls last, spread desc, entity, metric, region_code, period, kind_group
    limit ?
)
order by spread_pct desc nulls last, spread desc, entity, metric, region_code, period, kind_group
"""

DISAGREEMENT_COUNT = "select count(*)::bigint as n from source_disagreement where {narrow}"

DISAGREEMENT_ALL = """
select entity, metric, region_code, period, kind_group, unit, figures, sources, min_value, max_value, spread,
       spread_pct, source_ids, figure_ids
from source_disagreement
where {narrow}
order by spread_pct desc nulls last
"""

LOADS = """
select file, dataset, input_kind, status, rows_in, rows_loaded, rows_rejected, error, duration_ms, loaded_at
from loads order by file
"""

REJECTED = """
select file, row_number, origin, column_name, value, reason, suggestion, input_kind, dataset
from rejected_rows order by file, row_number
limit 10000
"""

# Warehouses built before the orders path existed have no order_rejects table: read it only when present.
ORDER_REJECTS = """
select month, reason, column_name, value, rows, file, dataset
from order_rejects
order by month desc, rows desc, reason
limit 10000
"""
HAS_ORDER_REJECTS = "select count(*) as n from duckdb_tables() where table_name = 'order_rejects'"


def evidence(
    ident: Identity, entity: str | None, metric: str | None, limit: int = SHOWN_ROWS
) -> pl.DataFrame:
    """The first `limit` figures of the selection (figure_evidence), in stored order."""
    narrow, params = where_given(entity=entity, metric=metric)
    return query(ident, EVIDENCE.format(narrow=narrow), *params, limit)


def evidence_csv(ident: Identity, entity: str | None, metric: str | None) -> bytes:
    """Every figure of the selection as CSV: uncached, on its own connection (for a deferred download)."""
    narrow, params = where_given(entity=entity, metric=metric)
    sql = (
        f"select {EVIDENCE_COLUMNS} from figure_evidence where {narrow} order by entity, metric, region_code"
    )
    return run_query(ident, sql, params).write_csv().encode()


def claims(ident: Identity, entity: str | None, metric: str | None) -> pl.DataFrame:
    narrow, params = where_given(entity=entity, metric=metric)
    return query(ident, CLAIMS.format(narrow=narrow), *params)


def disagreement(
    ident: Identity, entity: str | None, metric: str | None, limit: int = DISAGREEMENTS_SHOWN
) -> pl.DataFrame:
    """The `limit` widest disagreements between sources (by spread %), with each source's figure as JSON."""
    narrow, params = where_given(entity=entity, metric=metric)
    cut = query(ident, DISAGREEMENT_CUT.format(narrow=narrow), *params, limit - 1)
    if cut.height and cut["spread_pct"][0] is not None:
        # the `limit` widest all have spread_pct >= the limit-th one (ties included); nulls sort last
        narrow, params = f"{narrow} and spread_pct >= ?", [*params, cut["spread_pct"][0]]
    return query(ident, DISAGREEMENT.format(narrow=narrow), *params, limit)


def disagreement_count(ident: Identity, entity: str | None, metric: str | None) -> int:
    narrow, params = where_given(entity=entity, metric=metric)
    return int(query(ident, DISAGREEMENT_COUNT.format(narrow=narrow), *params)["n"][0])


def disagreement_csv(ident: Identity, entity: str | None, metric: str | None) -> bytes:
    narrow, params = where_given(entity=entity, metric=metric)
    return run_query(ident, DISAGREEMENT_ALL.format(narrow=narrow), params).write_csv().encode()


def loads(ident: Identity) -> pl.DataFrame:
    return query(ident, LOADS)


FX_RATES_USED = "select * from fx_rates_used order by currency, first_month"
HAS_FX_RATES_USED = (
    "select count(*) as n from (select view_name as name from duckdb_views() union all "
    "select table_name from duckdb_tables()) where name = 'fx_rates_used'"
)


def fx_rates_used(ident: Identity) -> pl.DataFrame:
    """The exchange rates behind the USD values, per currency and source (view fx_rates_used; empty for
    warehouses built before it existed)."""
    if query(ident, HAS_FX_RATES_USED)["n"][0] == 0:
        return pl.DataFrame(schema={"currency": pl.String, "source": pl.String})
    return query(ident, FX_RATES_USED)


def rejected(ident: Identity) -> pl.DataFrame:
    return query(ident, REJECTED)


def order_rejects(ident: Identity) -> pl.DataFrame:
    """Bad order rows counted per month and reason by the orders path (empty for older warehouses)."""
    if query(ident, HAS_ORDER_REJECTS)["n"][0] == 0:
        return pl.DataFrame(
            schema={"month": pl.String, "reason": pl.String, "rows": pl.Int64, "file": pl.String}
        )
    return query(ident, ORDER_REJECTS)


# --- SQL console ------------------------------------------------------------------------------------------


def example_queries() -> dict[str, str]:
    """The documented example queries (sql/examples), by a readable name."""
    return {path.stem.replace("_", " "): path.read_text().strip() for path in sql_files("examples")}
