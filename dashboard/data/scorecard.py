"""The Scorecard's reads: comparisons of one series (reported grains or quarters), the grains it can be
shown at, and its shortfall streaks. One query per function; results cached by the warehouse's identity.
"""

from __future__ import annotations

import polars as pl

from dashboard.data import catalog
from dashboard.data.connection import Identity, cached, query, run_query, where_given

# Values in the base unit (actual_vs_expectation's own are in each expectation's reported unit): the charts
# scale one series of many regions and periods together. The region tree's columns and the publishers are joined in Polars from small cached tables, and the
# rows sorted there: in DuckDB the join and the sort by path cost several times the pruned scan itself.
COMPARISONS = """
select a.region_code, a.region_name,
       a.period, a.grain, a.period_start, a.period_end, a.base_unit as unit,
       a.actual * a.to_base as actual, a.actual_kind, a.actual_bound, a.actual_source_id,
       a.expectation * a.to_base as expectation, a.expectation_low * a.to_base as expectation_low,
       a.expectation_high * a.to_base as expectation_high, a.expectation_bound, a.expectation_as_of,
       a.expectation_source_id, a.vintages,
       a.variance * a.to_base as variance, a.variance_pct, a.attainment, a.direction, a.direction_certain, a.is_shortfall,
       a.is_approximate, a.is_bound, a.basis, a.favourable, a.performance_pct,
       a.actual_components, a.actual_approximate_components,
       a.expectation_components, a.expectation_approximate_components
from actual_vs_expectation as a
where a.entity = ? and a.metric = ? and a.expectation_kind = ? and a.policy = ? and a.actual_vintage = 'latest'
  and {narrow}
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
       false as is_approximate, false as is_bound, q.basis, q.favourable, q.performance_pct,
       q.actual_components, q.actual_approximate_components,
       q.expectation_components, q.expectation_approximate_components
from variance_by_region_quarter as q
where q.entity = $1 and q.metric = $2 and q.expectation_kind = $3 and q.policy = $4
"""

COMPARISON_COLUMNS = [
    "region_code", "region_name", "region_level", "region_depth", "region_path",
    "period", "grain", "period_start", "period_end", "unit",
    "actual", "actual_kind", "actual_bound", "actual_source_id", "actual_publisher",
    "expectation", "expectation_low", "expectation_high", "expectation_bound", "expectation_as_of",
    "expectation_source_id", "expectation_publisher", "vintages",
    "variance", "variance_pct", "attainment", "direction", "direction_certain", "is_shortfall",
    "is_approximate", "is_bound", "basis", "favourable", "performance_pct",
    "actual_components", "actual_approximate_components", "actual_figure_ids",
    "expectation_components", "expectation_approximate_components", "expectation_figure_ids",
]  # fmt: skip


# The figure ids behind rolled-up rows (the hover and the links to Evidence), read only when the series has
# such rows: lists cost about as much as the rest of the comparison columns together (10,000 rows at 1M figures:
# 50 ms without them, 110 ms with them, while almost every list holds one id).
ROLLUP_FIGURES = """
select region_code, period_start, period_end, actual_figure_ids, expectation_figure_ids
from {view}
where entity = ? and metric = ? and expectation_kind = ? and policy = ? and basis <> 'reported' and {vintage}
  and {narrow}
"""


def _with_figure_ids(ident: Identity, frame: pl.DataFrame, view: str, params: list, narrow: str = "true"):
    """The frame with actual_figure_ids / expectation_figure_ids: read for its rolled-up rows, null elsewhere."""
    keys = ["region_code", "period_start", "period_end"]
    if frame.filter(pl.col("basis") != "reported").is_empty():
        return frame.with_columns(
            pl.lit(None, pl.List(pl.String)).alias("actual_figure_ids"),
            pl.lit(None, pl.List(pl.String)).alias("expectation_figure_ids"),
        )
    # the quarter view holds the latest actuals only; actual_vs_expectation also the first releases
    vintage = "actual_vintage = 'latest'" if view == "actual_vs_expectation" else "true"
    ids = run_query(ident, ROLLUP_FIGURES.format(view=view, narrow=narrow, vintage=vintage), params)
    return frame.join(ids.unique(keys), on=keys, how="left")


def _placed(ident: Identity, frame: pl.DataFrame, publishers: bool) -> pl.DataFrame:
    """Add the region tree's level, depth and path (inner join, as in SQL) and the publishers; sort."""
    frame = frame.join(catalog.region_places(ident), on="region_code", how="inner")
    if publishers:
        names = catalog.publishers(ident)
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
where entity = ? and metric = ? and expectation_kind = ? and policy = ? and actual_vintage = 'latest'
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
    narrow, params = where_given(**{"grain": grain, "region_code": region_code})
    frame = run_query(ident, COMPARISONS.format(narrow=narrow), [entity, metric, kind, policy, *params])
    frame = _with_figure_ids(
        ident, frame, "actual_vs_expectation", [entity, metric, kind, policy, *params], narrow
    )
    return _placed(ident, frame, publishers=True)


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
    series = [entity, metric, kind, policy]
    frame = _with_figure_ids(
        ident, run_query(ident, QUARTER_COMPARISONS, series), "variance_by_region_quarter", series
    )
    frame = _placed(ident, frame, publishers=False)
    counts = catalog.figure_counts(ident)
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


def comparisons_at(
    ident: Identity, entity: str, metric: str, kind: str, policy: str, grain: str, has_quarters: bool
) -> pl.DataFrame:
    """The series' comparisons at one grain: quarters from variance_by_region_quarter (reported or summed
    from months) when it has them, else the reported comparisons at that grain."""
    if grain == "quarter" and has_quarters:
        return quarter_comparisons(ident, entity, metric, kind, policy)
    return comparisons(ident, entity, metric, kind, policy, grain=grain)
