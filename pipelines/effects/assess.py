"""What the CLI and the dashboard call: an event's effect on one series, and the cited narrative of a period.

These functions read through `queries` and hand plain frames to the pure estimators and templates.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import duckdb
import polars as pl

from pipelines.effects import reads as queries
from pipelines.effects.counterfactual import estimate_counterfactual
from pipelines.effects.did import estimate_did
from pipelines.effects.donors import DonorPool, donor_pool
from pipelines.effects.entities import entity_family, entity_parents
from pipelines.effects.narrative import Narrative, event_cited, write_narrative
from pipelines.effects.overlaps import overlap_refusal
from pipelines.effects.periods import period_index, window_around
from pipelines.effects.pooled import pool_synthetic_controls
from pipelines.effects.ranking import rank_events
from pipelines.effects.reports import EffectReport, PooledReport
from pipelines.effects.results import Refusal
from pipelines.effects.synthetic_control import SyntheticControlEstimate, estimate_synthetic_control
from pipelines.effects.units import assess_units, units_for
from pipelines.effects.windows import Window, event_window
from pipelines.warehouse.rules import lineage_pairs


def assess_effect(con: duckdb.DuckDBPyConnection, event_id: str, metric: str, region_code: str,
                  **options) -> EffectReport:  # fmt: skip
    """Every estimate (or refusal) of the event's effect on the region's series; LookupError for bad input.
    options: those of `_assess` (entity, controls, grain, pre, post, include, exclude). The report's cited
    figures carry their dataset and their sources' publishers (`reads.sources`, by (dataset, source_id))."""
    report = _assess(con, event_id, metric, region_code, **options)
    return replace(report, publishers=queries.sources(con, report.series_sources))


def _assess(
    con: duckdb.DuckDBPyConnection,
    event_id: str,
    metric: str,
    region_code: str,
    entity: str | None = None,
    controls: list[str] | None = None,
    grain: str | None = None,
    pre: str | None = None,
    post: str | None = None,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
) -> EffectReport:
    """Every estimate (or refusal) of the event's effect on the region's series; LookupError for bad input.

    grain: the series' grain; by default the one with the most figures (finest first on ties). pre, post:
    the window's sides as period ranges ('1970..1988'), by default all periods up to the next event touching
    the series (`pipelines.effects.windows`). controls: the donors outright; include, exclude: regions added
    to or taken from the default donor pool (`pipelines.effects.donors`). When several entities of the
    business have the metric in the region and each is a unit of a parent (stores of chains), they are the
    units of a unit-level difference-in-differences (`entity` naming one of them chooses the same design)."""
    ev = queries.event(con, event_id)
    if ev is None:
        raise LookupError(_unknown_event(con, event_id))
    if queries.region_name(con, region_code) is None:
        raise LookupError(f"unknown region '{region_code}' (use a region code such as 'US' or 'SEA')")
    parents = entity_parents(con)
    units = units_for(con, ev, metric, region_code, parents)
    if units and (entity is None or entity in units):  # one store of many is measured with all of them
        return assess_units(con, ev, metric, region_code, units, parents, grain, pre, post, include, exclude)
    entity = entity or _entity_for(con, ev, metric, region_code)
    family = entity_family(ev["entity"], parents) if ev.get("entity") else None
    if family is not None and entity not in family:
        raise LookupError(
            f"event {event_id} concerns {ev['entity']} (and its group: {', '.join(sorted(family))}), not "
            f"{entity}: an event of one business is not measured on another's figures"
        )
    grains = queries.series_grains(con, entity, metric, region_code)
    if not grains:
        raise LookupError(f"no actual figures for {entity} {metric} in {region_code}")
    if grain is None:
        counts = {g: queries.series(con, entity, metric, region_code, g).height for g in grains}
        grain = max(grains, key=lambda g: counts[g])  # max keeps the first (finest) on ties
    series = queries.series(con, entity, metric, region_code, grain)
    # other events that could explain the same change: this event's other reports are not among them, nor
    # are events of another business (docs/event-impact.md)
    other = queries.related_events(con, region_code, exclude=event_id, entity=entity)
    sources = queries.cited_in(series)
    if ev["status"] == "expected":
        return _not_yet(ev, entity, metric, region_code, grain, series.height, sources)
    window = event_window(ev, grain, series["period_start"].to_list(), other, pre, post)
    if window.empty:  # nothing to compare: every estimate is refused with the reason, and the window says it
        why = f"the window has no period {'after' if window.post_periods <= 0 else 'before'} the event ({window.empty})"
        return _refused(ev, entity, metric, region_code, grain, series.height, sources, why, window)
    treated_periods = {i for i in (period_index(d, grain) for d in series["period_start"]) if window.side(i)}
    pool = _donor_pool(con, ev, entity, metric, region_code, grain, window, treated_periods,
                       controls, include, exclude)  # fmt: skip
    control_panel = queries.panel(con, entity, metric, pool.donors, grain)
    treated = series.select(pl.lit(region_code).alias("region_code"), "period_start", "value")
    both = pl.concat([treated, control_panel.select("region_code", "period_start", "value")])
    synthetic = _synthetic_control(both, region_code, pool, window, other)
    counterfactual = estimate_counterfactual(
        series.select("period_start", "value"),
        ev["date"],
        grain,
        controls=control_panel,
        other_events=other,
        pre_periods=window.event_period - window.pre[0],
        post_periods=window.post[1] - window.event_period + 1,
    )
    did = estimate_did(both, region_code, pool.donors, ev["date"], grain, other_events=other, window=window)
    cited = queries.cited_in(pl.concat([series.select("dataset", "source_id"),
                                         control_panel.select("dataset", "source_id")]))  # fmt: skip
    return EffectReport(ev, entity, metric, region_code, grain, series.height, counterfactual, did, cited,
                        synthetic, window, pool)  # fmt: skip


def _not_yet(ev, entity, metric, region_code, grain, points, sources) -> EffectReport:
    """Every method refused: the event has not happened yet."""
    why = f"the event has not happened yet (status 'expected', dated {ev['date']} at {ev['date_precision']} precision)"
    return _refused(ev, entity, metric, region_code, grain, points, sources, why)


def _refused(ev, entity, metric, region_code, grain, points, sources, why: str, window=None) -> EffectReport:
    """Every method refused for one reason (an event not yet happened, a window with an empty side)."""
    refused = {
        m: Refusal(m, why) for m in ("counterfactual", "difference-in-differences", "synthetic control")
    }
    return EffectReport(ev, entity, metric, region_code, grain, points, refused["counterfactual"],
                        refused["difference-in-differences"], sources, refused["synthetic control"],
                        window)  # fmt: skip


def assess_pooled(
    con: duckdb.DuckDBPyConnection, event_id: str, metric: str, region_codes: list[str], **options
) -> PooledReport:
    """The event's effect in several treated regions: each region's estimates against the donors every one of
    them may use (no treated region is another's donor), and their synthetic controls pooled
    (`pipelines.effects.pooled`). options: those of `assess_effect` (entity, controls, grain, pre, post, include,
    exclude)."""
    exclude = tuple(options.pop("exclude", ()))
    named = options.pop("controls", None)  # the user's donors, less the treated regions
    controls = [c for c in named if c not in region_codes] if named is not None else None
    first = {r: assess_effect(con, event_id, metric, r, controls=controls, exclude=exclude + tuple(region_codes),
                              **options) for r in region_codes}  # fmt: skip
    pools = [set(rep.donor_pool.donors) for rep in first.values() if rep.donor_pool is not None]
    common = sorted(set.intersection(*pools)) if pools else []
    reports = {}
    for r in region_codes:
        report = assess_effect(con, event_id, metric, r, controls=common, **options)
        pool = first[r].donor_pool
        if pool is not None:  # the first pass's rule and reasons, with why a donor of its own is not common
            left = [{**x, "reason": "another treated region"} if x["region_code"] in region_codes else x
                    for x in pool.left_out]  # fmt: skip
            left += [{"region_code": d, "name": pool.names.get(d, d), "reason": "not a donor of every treated region"}
                     for d in pool.donors if d not in common]  # fmt: skip
            pool = replace(
                pool, donors=common, left_out=left, rule=pool.rule + ", and a donor of every treated region"
            )
            report = replace(report, donor_pool=pool)
        reports[r] = report
    return PooledReport(
        pool_synthetic_controls({r: rep.synthetic_control for r, rep in reports.items()}), reports
    )


def _donor_pool(
    con, ev, entity, metric, region_code, grain, window, needed, controls, include, exclude
) -> DonorPool:
    available: dict[str, set[int]] = {}
    for code, start in queries.panel_periods(con, [entity], metric, grain):
        available.setdefault(code, set()).add(period_index(start, grain))
    return donor_pool(
        queries.regions(con),
        queries.events(con, entity=entity),
        available,
        region_code,
        window,
        needed,
        controls=controls,
        include=include,
        exclude=exclude,
    )


def _synthetic_control(
    panel, treated, pool: DonorPool, window: Window, other
) -> SyntheticControlEstimate | Refusal:
    refusal = overlap_refusal("synthetic control", other, window.pre[0], window.post[1], window.grain)
    if refusal:
        return refusal
    if not pool.donors:
        listed = "; ".join(f"{r['region_code']}: {r['reason']}" for r in pool.left_out[:5])
        return Refusal("synthetic control", "no usable donors (" + (listed or "no region of the same level has "
                       "figures of this series") + ")")  # fmt: skip
    return estimate_synthetic_control(panel, treated, pool.donors, window)


def explain_period(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    metric: str,
    region_code: str,
    period: str,
    event_id: str | None = None,
    pre: str | None = None,
    post: str | None = None,
    events_window: tuple[date, date] | None = None,
) -> Narrative:
    """The cited paragraph for one period: miss size, streak, events in the window, effect if estimable.

    pre, post: the estimate's window (`assess_effect`); the paragraph says when the period lies outside it.
    events_window: the dates whose events are listed (the Impact page passes its event's window,
    `periods.event_span`, so its flags and its narrative speak of one window); default: k periods around the
    period.
    event_id: one event, or several comma-separated ('L1,L2,L3': the staggered estimate, `adoption`, its window
    `pre`/`post` read for the first; the paragraph places the period in it for this region).
    The effect is estimated for `event_id` when given (LookupError if no such event), even when the event lies
    outside the period's window or in an unrelated jurisdiction (the paragraph then says so). Without it, for
    `default_event` among the window's events.
    """
    name = queries.region_name(con, region_code)
    if name is None:
        raise LookupError(f"unknown region '{region_code}'")
    several = [e.strip() for e in event_id.split(",") if e.strip()] if event_id and "," in event_id else []
    for one in several or ([event_id] if event_id is not None else []):
        if queries.event(con, one) is None:
            raise LookupError(_unknown_event(con, one))
    compared = queries.comparison(con, entity, metric, region_code, period)
    actual = compared or queries.actual(con, entity, metric, region_code, period)
    if actual is None:
        raise LookupError(f"no actual figure for {entity} {metric} in {region_code} for {period}")
    streak, streak_sources = queries.streak_containing(con, compared) if compared else (None, [])
    start, end = events_window or window_around(actual["period_start"], actual["period_end"], actual["grain"])
    events = queries.related_events(con, region_code, start, end, entity=entity)
    related = True  # the default is always one of the window's events
    asked = event_id is not None
    if event_id is None:
        event_id = default_event(events, queries.regions(con), region_code, actual["period_end"])
    else:
        event_id = queries.representative(con, several[0] if several else event_id)  # BRE03 is told as EV07
        related = event_id in queries.related_events(con, region_code)["event_id"]
    effect = _period_effect(
        con, several, event_id, asked, metric, region_code, entity, actual["grain"], pre, post
    )
    cited = _cited_keys(actual, compared, streak_sources, events, effect)
    return write_narrative(
        entity=entity,
        metric_name=queries.metric_name(con, metric),
        region_name=name,
        period=period,
        actual=actual,
        comparison=compared,
        streak=streak,
        streak_sources=streak_sources,
        events=rank_events(
            events, queries.regions(con), region_code, actual["period_start"], actual["period_end"]
        ),
        window=(start, end),
        effect=effect,
        effect_event_related=related,
        sources=queries.sources(con, cited),
        region_code=region_code,
    )


def _period_effect(con, several, event_id, asked, metric, region_code, entity, grain, pre, post):
    """The narrative's estimate: the staggered one for several events (their window the user's), else the
    event's at the period's grain when the region has actuals at it (a rolled-up year may have none: then the
    series' own grain); a default event that cannot be measured leaves the narrative without one (None)."""
    if several:
        from pipelines.effects.adoption import assess_staggered

        return assess_staggered(con, several, metric, entity=entity, pre=pre, post=post)
    if event_id is None:
        return None
    for one in (grain, None):
        try:
            return assess_effect(
                con, event_id, metric, region_code, entity=entity, grain=one, pre=pre, post=post
            )
        except LookupError:
            if asked and one is None:
                raise
    return None


def _cited_keys(actual, compared, streak_sources, events, effect) -> list[tuple]:
    """Every (dataset, source_id) the paragraph may cite: the actual, the expectation, the streak, the events'
    reports, the estimate's event and figures (each id in the dataset of the row that cites it)."""
    row = compared or {}
    return (
        queries.cited(row.get("actual_dataset") or actual.get("dataset"),
                      actual.get("actual_source_id") or actual.get("source_id"))
        + queries.cited(row.get("expectation_dataset"), row.get("expectation_source_id"))
        + streak_sources
        + [c for e in events.iter_rows(named=True) for c in event_cited(e)]
        + ([(effect.event.get("dataset"), effect.event["source_id"])] + effect.series_sources if effect else [])
    )  # fmt: skip


def default_event(events: pl.DataFrame, regions: pl.DataFrame, region_code: str, until: date) -> str | None:
    """The event a period's effect sentence is about when the user chose none, or None.

    Candidates: events that happened (status other than 'expected') dated on or before `until` (the period's
    end). Preferred: an event of the region itself; then one of the most specific region enclosing it (Canada,
    then North America, then the world); then any other (an event in a part of the region). Within a rank the
    latest date wins, then the highest event id. events: event_id, date, status, jurisdiction; regions:
    region_code, depth, path.
    """
    enclosing = lineage_pairs(regions)  # (ancestor, descendant) -> the ancestor's depth

    def rank(e: dict) -> tuple:
        if e["jurisdiction"] == region_code:
            return (2, 0, e["date"], e["event_id"])
        depth = enclosing.get((e["jurisdiction"], region_code))
        if depth is not None:
            return (1, depth, e["date"], e["event_id"])
        return (0, 0, e["date"], e["event_id"])

    candidates = [e for e in events.iter_rows(named=True) if e["status"] != "expected" and e["date"] <= until]
    return max(candidates, key=rank)["event_id"] if candidates else None


def _unknown_event(con, event_id: str) -> str:
    known = ", ".join(queries.events(con)["event_id"].to_list()[:20])
    return f"unknown event '{event_id}'; known events: {known}"


def _entity_for(con, ev, metric, region_code) -> str:
    """The series' entity: the event's own when it has the series, else the one entity of its family (of
    any entity for an event that names none) that has it; LookupError when none or several do."""
    candidates = queries.entities_with_series(con, metric, region_code)
    if ev.get("entity") in candidates:
        return ev["entity"]
    if ev.get("entity"):
        family = entity_family(ev["entity"], entity_parents(con))
        candidates = [c for c in candidates if c in family]
        if not candidates:
            raise LookupError(
                f"no {metric} figures of {ev['entity']} or its group in {region_code}: an event of one "
                "business is not measured on another's figures"
            )
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise LookupError(f"no entity has actual {metric} figures in {region_code}")
    raise LookupError(
        f"several entities have {metric} in {region_code}: {', '.join(candidates)}; pass --entity"
    )
