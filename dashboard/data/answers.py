"""The reads of the Bridge and Track record pages, one SQL file each in sql/reads/answers/ (bound parameters);
this module only binds them and returns Polars frames, cached by the warehouse's identity."""

from __future__ import annotations

import polars as pl

from dashboard.data.connection import Identity, read


def bridges(ident: Identity) -> pl.DataFrame:
    """entity, metric, region_code, region_name, period, period_start, expectation_kind, steps of every bridge."""
    return read(ident, "answers/bridges")


def bridge_steps(
    ident: Identity, entity: str, metric: str, region: str, period: str, kind: str
) -> pl.DataFrame:
    """One bridge's steps (step_order, step, label, region_step, step_value, running_total in the base unit,
    unit, policy, as_of, source_id, publisher, title, url, figure_id)."""
    return read(ident, "answers/bridge_steps", entity, metric, region, period, kind)


def track_record(ident: Identity, actual_vintage: str) -> pl.DataFrame:
    """expectation_track_record's rows for one actual vintage ('first_release' or 'latest')."""
    return read(ident, "answers/track_record", actual_vintage)


def worst_misses(ident: Identity, actual_vintage: str, limit: int = 15) -> pl.DataFrame:
    """The `limit` largest misses (by |error_pct|) with their sources' titles and addresses."""
    return read(ident, "answers/worst_misses", actual_vintage, limit)


def prior_comparisons(ident: Identity, entity: str, metric: str) -> pl.DataFrame:
    """The series' actuals against the same period a year earlier (actual_vs_prior), in the Scorecard's
    comparison columns (those of sql/views/serve/serve_comparisons.sql, in that order): the prior actual stands where the
    expectation does, basis 'against 2023'."""
    return read(ident, "answers/prior_comparisons", entity, metric)
