"""The Trends page's reads: actuals and expectation vintages of chosen regions, the shaded shortfall periods,
pacing against a longer-period expectation, the regions with figures, and the events near the shown regions.
Each function names its read (sql/reads/trends/*.sql), binds the selection and returns the frame, cached by
the warehouse's identity.
"""

from __future__ import annotations

import polars as pl

from dashboard.data.connection import Identity, in_list, read
from pipelines.effects import entities


def shortfall_periods(
    ident: Identity, entity: str, metric: str, kind: str, policy: str, grain: str, region_code: str
) -> pl.DataFrame:
    """The periods of one region's series below expectation (the chart's shading): period_start, period_end."""
    return read(ident, "trends/shortfall_periods", entity, metric, kind, policy, grain, region_code)


def figure_counts_by_region(ident: Identity, entity: str, metric: str) -> pl.DataFrame:
    """Regions with numeric figures for this entity and metric (the region picker): region_code, depth,
    figures."""
    return read(ident, "trends/series_regions", entity, metric)


def actuals(ident: Identity, entity: str, metric: str, region_codes: list[str]) -> pl.DataFrame:
    """The regions' actuals (serve_actuals), by region and period; values in the base unit."""
    where = in_list("region_code", sorted(region_codes))
    return read(ident, "trends/actuals", entity, metric, where=where)


def vintages(ident: Identity, entity: str, metric: str, kind: str, region_codes: list[str]) -> pl.DataFrame:
    """Every vintage of one expectation kind for these regions (serve_vintages)."""
    where = in_list("region_code", sorted(region_codes))
    return read(ident, "trends/vintages", entity, metric, kind, where=where)


def prior_year(ident: Identity, entity: str, metric: str, region_codes: list[str]) -> pl.DataFrame:
    """The regions' actuals against the same period a year earlier (actual_vs_prior through
    sql/reads/trends/prior_year.sql): region_code, region_name, period, grain, period_start, period_end,
    prior_period, prior_actual, change, change_pct, change_bps, favourable, prior_bound, prior_as_of,
    prior_source_id, publisher, unit; values in the base unit. A period without a prior year has no row."""
    where = in_list("region_code", sorted(region_codes))
    return read(ident, "trends/prior_year", entity, metric, where=where)


def pacing(ident: Identity, entity: str, metric: str, policy: str, region_codes: list[str]) -> pl.DataFrame:
    """The regions' pacing, one phasing per expectation, with where the period landed (serve_pacing)."""
    where = in_list("region_code", sorted(region_codes))
    return read(ident, "trends/pacing", entity, metric, policy, where=where)


def events_near_regions(ident: Identity, region_codes: list[str]) -> pl.DataFrame:
    """Events whose jurisdiction lies in a shown region, or contains one (a WORLD-wide event applies to US):
    serve_events' columns."""
    return read(ident, "trends/events_near_regions", sorted(region_codes))


def entity_parents(ident: Identity) -> dict[str, str | None]:
    """Entity -> its parent entity (null for a top-level one), from the `entities` table."""
    frame = read(ident, "trends/entity_parents")
    return dict(zip(frame["entity"], frame["parent"], strict=True))


# The family rule lives with the effect estimators, which apply it too (pipelines/effects/entities.py).
entity_family = entities.entity_family
events_for_entity = entities.events_for_entity
