"""Data for the Impact page: the affected series of an event, its window, and the cached estimates.

Same rules as the other pages' reads (`dashboard.data.connection`): each read is a file of
sql/reads/impact/, run through `read` and cached by the warehouse's identity (path, mtime_ns, inode) and the
arguments, so a newly published warehouse is read on the next rerun and nothing holds the file open; the
estimates are cached the same way (`connection.cached`, shared, never copied), on a short connection of
their own. The estimates (`pipelines.effects.assess`) take a second or more: they are
computed once per (warehouse, event, metric, region, entity, controls, grain, window) and then served from
the cache.
statsmodels is imported only when the first estimate is asked for, so the other pages never pay for it.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import polars as pl

from dashboard.data.connection import Identity, cached, connect, read


@contextmanager
def _connection(ident: Identity):
    """A short read-only connection, attached as the other pages' are (`dashboard.data.connection.connect`)."""
    con = connect(ident)
    try:
        yield con.cursor  # a DuckDB connection whose default database is the attached warehouse
    finally:
        con.close()


# --- what can be assessed ----------------------------------------------------------------------------------


def affected_series(ident: Identity, event_id: str) -> pl.DataFrame:
    """Every series with actuals in the event's jurisdiction or under it (sql/reads/impact/affected_series.sql)."""
    return read(ident, "impact/affected_series", event_id)


def event_figures(ident: Identity) -> pl.DataFrame:
    """Per event and series in its jurisdiction (or under it): event_id, entity, metric, grain, region_code,
    before, after (figures ending before / on or after the event's date; sql/reads/impact/event_figures.sql)."""
    return read(ident, "impact/event_figures")


def window(ident: Identity, event_id: str, region: str, entity: str, metric: str, grain: str) -> pl.DataFrame:
    """The event_windows rows of one series around the event, by position."""
    return read(ident, "impact/window", event_id, region, entity, metric, grain)


def series(
    ident: Identity, entity: str, metric: str, grain: str, regions: list[str], start, end
) -> pl.DataFrame:
    """Actuals of several regions' series between two dates (the treated region and its controls)."""
    return read(ident, "impact/series", entity, metric, grain, sorted(regions), end, start)


def candidate_controls(ident: Identity, entity: str, metric: str, grain: str, treated: str) -> pl.DataFrame:
    """Regions other than the treated one with actuals of the series: region_code, region_name, path."""
    return read(ident, "impact/candidate_controls", entity, metric, grain, treated)


def sources(ident: Identity, keys: list[tuple[str | None, str]]) -> pl.DataFrame:
    """dataset, source_id, publisher, title, url, published_on of the sources cited by these (dataset,
    source_id) keys: an id is scoped to its dataset (two datasets may each have a source 'report')."""
    return read(ident, "impact/sources", sorted({f"{d}{chr(31)}{s}" for d, s in keys if d and s}))


# --- the estimates and the narrative (cached) ---------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """`report` (an EffectReport) or `error` (why the series could not be assessed at all)."""

    report: object | None = None
    error: str | None = None


@cached
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


@cached
def narrative(
    ident: Identity,
    entity: str,
    metric: str,
    region: str,
    period: str,
    event_id: str | None = None,
    pre: str | None = None,
    post: str | None = None,
    events_window: tuple | None = None,
):
    """The cited paragraph (`Narrative`) for one period, its effect sentence about `event_id` (the event chosen
    on the page; None: `explain_period`'s default), its events those of `events_window` (dates; None: around the
    period), or the reason there is none (a string)."""
    from pipelines.effects.assess import explain_period

    with _connection(ident) as con:
        try:
            return explain_period(
                con, entity, metric, region, period, event_id=event_id, pre=pre, post=post,
                events_window=events_window,
            )  # fmt: skip
        except LookupError as exc:
            return str(exc)


@cached
def staggered(
    ident: Identity,
    event_ids: tuple[str, ...],
    metric: str,
    entity: str | None,
    grain: str | None,
    pre: str | None = None,
    post: str | None = None,
) -> Assessment:
    """The staggered estimate (`pipelines.effects.adoption.assess_staggered`: Sun & Abraham) of several events,
    each in its own region, as `report` (a StaggeredReport), or `error`; cached per build like `assessment`.
    pre, post: the page's window (period ranges read for the first event), kept by every cohort."""
    from pipelines.effects.adoption import assess_staggered

    with _connection(ident) as con:
        try:
            report = assess_staggered(
                con, list(event_ids), metric, entity=entity, grain=grain, pre=pre, post=post
            )
        except LookupError as exc:
            return Assessment(error=str(exc))
    return Assessment(report=report)
