"""The Trends page's reads: actuals and expectation vintages of chosen regions, the shaded shortfall periods,
pacing against a longer-period expectation, the regions with figures, and the events near the shown regions.
One query per function; results cached by the warehouse's identity.
"""

from __future__ import annotations

import polars as pl

from dashboard.data import catalog
from dashboard.data.connection import Identity, cached, in_list, query, run_query
from pipelines.effects import entities

SHORTFALL_PERIODS = """
select period_start, period_end
from actual_vs_expectation
where entity = ? and metric = ? and expectation_kind = ? and policy = ? and grain = ? and region_code = ?
  and actual_vintage = 'latest' and is_shortfall
order by period_start
"""


def shortfall_periods(
    ident: Identity, entity: str, metric: str, kind: str, policy: str, grain: str, region_code: str
) -> pl.DataFrame:
    """The periods of one region's series below expectation (the Trends chart's shading): two columns, not
    the comparisons with their sources."""
    return query(ident, SHORTFALL_PERIODS, entity, metric, kind, policy, grain, region_code)


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
    names = catalog.regions(ident).select("region_code", pl.col("name").alias("region_name"))
    publishers = catalog.publishers(ident)
    return (
        frame.join(names, on="region_code", how="inner")
        .join(publishers, on="source_id", how="left")
        .sort(order)
        .select(columns)
    )


# period_actual: the actual reported for the whole expectation period, when there is one (the period is over:
# the chart shows where it landed instead of a run-rate from the last to-date point)
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
where p.entity = ? and p.metric = ? and p.policy = ? and {regions}
  -- one phasing per expectation: the plan's own where its finer expectations tile the period, else linear
  and (p.phasing = 'plan' or not p.has_plan_phasing)
order by p.region_code, p.expectation_start, p.expectation_kind, p.to_date_end
"""


@cached
def figure_counts_by_region(ident: Identity, entity: str, metric: str) -> pl.DataFrame:
    """Regions with numeric figures for this entity and metric (for the region picker), from the cached
    figure counts: region_code, depth, figures."""
    counts = catalog.figure_counts(ident).filter(
        (pl.col("entity") == entity) & (pl.col("metric") == metric) & (pl.col("numeric_figures") > 0)
    )
    return (
        counts.group_by("region_code")
        .agg(pl.col("numeric_figures").sum().cast(pl.Int64).alias("figures"))
        .join(catalog.regions(ident).select("region_code", "depth"), on="region_code")
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
    regions, codes = in_list("p.region_code", sorted(region_codes))
    return query(ident, PACING.format(regions=regions), entity, metric, policy, *codes)


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


# The grains at which each expectation kind, and the actuals ('actual'), exist for one series: the Trends
# page's default kind is one drawn at the grain it shows (`widgets.default_kind`).
KIND_GRAINS = """
select kind, grain from expectation_revisions where entity = ? and metric = ? group by all
union all
select 'actual' as kind, grain from actual_figures where entity = ? and metric = ? group by all
"""


def kind_grains(ident: Identity, entity: str, metric: str) -> pl.DataFrame:
    """kind ('actual' for the actuals), grain: where the series has figures of each kind."""
    return query(ident, KIND_GRAINS, entity, metric, entity, metric)


ENTITY_PARENTS = "select entity, parent from entities"


def entity_parents(ident: Identity) -> dict[str, str | None]:
    """Entity -> its parent entity (null for a top-level one), from the `entities` table."""
    frame = query(ident, ENTITY_PARENTS)
    return dict(zip(frame["entity"], frame["parent"], strict=True))


# The family rule lives with the effect estimators, which apply it too (pipelines/effects/entities.py).
entity_family = entities.entity_family
events_for_entity = entities.events_for_entity
