"""The reads of the Bridge and Track record pages, one SQL file each in sql/reads/answers/ (bound parameters);
this module only binds them and returns Polars frames, cached by the warehouse's identity."""

from __future__ import annotations

from functools import cache

import polars as pl

from dashboard.data.connection import Identity, query
from pipelines.warehouse.sqlfiles import SQL_DIR

READS = SQL_DIR / "reads" / "answers"


@cache
def read_sql(name: str) -> str:
    """The text of sql/reads/answers/<name>.sql (read once per process)."""
    return (READS / f"{name}.sql").read_text()


def bridges(ident: Identity) -> pl.DataFrame:
    """entity, metric, region_code, region_name, period, period_start, expectation_kind, steps of every bridge."""
    return query(ident, read_sql("bridges"))


def bridge_steps(
    ident: Identity, entity: str, metric: str, region: str, period: str, kind: str
) -> pl.DataFrame:
    """One bridge's steps (step_order, step, label, region_step, step_value, running_total in the base unit,
    unit, policy, as_of, source_id, publisher, title, url, figure_id)."""
    return query(ident, read_sql("bridge_steps"), entity, metric, region, period, kind)


def track_record(ident: Identity, actual_vintage: str) -> pl.DataFrame:
    """expectation_track_record's rows for one actual vintage ('first_release' or 'latest')."""
    return query(ident, read_sql("track_record"), actual_vintage)


def worst_misses(ident: Identity, actual_vintage: str, limit: int = 15) -> pl.DataFrame:
    """The `limit` largest misses (by |error_pct|) with their sources' titles and addresses."""
    return query(ident, read_sql("worst_misses"), actual_vintage, limit)


def prior_comparisons(ident: Identity, entity: str, metric: str) -> pl.DataFrame:
    """The series' actuals against the same period a year earlier (actual_vs_prior), in the Scorecard's
    comparison columns (dashboard.data.scorecard.COMPARISON_COLUMNS): the prior actual stands where the
    expectation does, basis 'against 2023'."""
    return query(ident, read_sql("prior_comparisons"), entity, metric)
