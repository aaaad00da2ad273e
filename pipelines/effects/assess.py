"""What the CLI and the dashboard call: an event's effect on one series, and the cited narrative of a period.

These functions read through `queries` and hand plain frames to the pure estimators and templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from pipelines.effects import reads as queries
from pipelines.effects.counterfactual import (
    DEFAULT_POST_PERIODS,
    DEFAULT_PRE_PERIODS,
    CounterfactualEstimate,
    estimate_counterfactual,
)
from pipelines.effects.did import DEFAULT_SPAN, DidEstimate, choose_controls, estimate_did
from pipelines.effects.entities import entity_family, entity_parents
from pipelines.effects.narrative import Narrative, write_narrative
from pipelines.effects.periods import period_end, period_index, period_start, window_around
from pipelines.effects.ranking import rank_events
from pipelines.effects.results import Refusal
from pipelines.warehouse.rules import lineage_pairs


@dataclass(frozen=True)
class EffectReport:
    event: dict
    entity: str
    metric: str
    region_code: str
    grain: str
    points: int
    counterfactual: CounterfactualEstimate | Refusal
    did: DidEstimate | Refusal
    series_sources: list[str]

    @property
    def estimated(self) -> bool:
        return not (isinstance(self.counterfactual, Refusal) and isinstance(self.did, Refusal))

    def to_dict(self) -> dict:
        return {
            "event": {k: str(v) if v is not None else None for k, v in self.event.items()},
            "entity": self.entity,
            "metric": self.metric,
            "region_code": self.region_code,
            "grain": self.grain,
            "points": self.points,
            "counterfactual": self.counterfactual.to_dict(),
            "difference_in_differences": self.did.to_dict(),
            "series_sources": self.series_sources,
        }


def assess_effect(
    con: duckdb.DuckDBPyConnection,
    event_id: str,
    metric: str,
    region_code: str,
    entity: str | None = None,
    controls: list[str] | None = None,
    grain: str | None = None,
) -> EffectReport:
    """Both estimates (or refusals) of the event's effect on the region's series; LookupError for bad input.

    grain: the series' grain; by default the one with the most figures (finest first on ties).
    """
    ev = queries.event(con, event_id)
    if ev is None:
        raise LookupError(_unknown_event(con, event_id))
    if queries.region_name(con, region_code) is None:
        raise LookupError(f"unknown region '{region_code}' (use a region code such as 'US' or 'SEA')")
    entity = entity or _entity_for(con, ev, metric, region_code)
    family = entity_family(ev["entity"], entity_parents(con)) if ev.get("entity") else None
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
    if ev["status"] == "expected":
        why = f"the event has not happened yet (status 'expected', dated {ev['date']} at {ev['date_precision']} precision)"
        refusal_cf, refusal_did = Refusal("counterfactual", why), Refusal("difference-in-differences", why)
        return EffectReport(
            ev,
            entity,
            metric,
            region_code,
            grain,
            series.height,
            refusal_cf,
            refusal_did,
            sorted(set(series["source_id"])),
        )
    if controls is None:
        controls = _auto_controls(con, ev, entity, metric, region_code, grain)
    control_panel = queries.panel(con, entity, metric, controls, grain)
    counterfactual = estimate_counterfactual(
        series.select("period_start", "value"), ev["date"], grain, controls=control_panel, other_events=other
    )
    treated = series.select(pl.lit(region_code).alias("region_code"), "period_start", "value")
    did = estimate_did(
        pl.concat([treated, control_panel.select("region_code", "period_start", "value")]),
        region_code,
        controls,
        ev["date"],
        grain,
        other_events=other,
    )
    cited = sorted(set(series["source_id"]) | set(control_panel["source_id"]))
    return EffectReport(ev, entity, metric, region_code, grain, series.height, counterfactual, did, cited)


def explain_period(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    metric: str,
    region_code: str,
    period: str,
    event_id: str | None = None,
) -> Narrative:
    """The cited paragraph for one period: miss size, streak, events in the window, effect if estimable.

    The effect is estimated for `event_id` when given (LookupError if no such event), even when the event lies
    outside the period's window or in an unrelated jurisdiction (the paragraph then says so). Without it, for
    `default_event` among the window's events.
    """
    name = queries.region_name(con, region_code)
    if name is None:
        raise LookupError(f"unknown region '{region_code}'")
    if event_id is not None and queries.event(con, event_id) is None:
        raise LookupError(_unknown_event(con, event_id))
    compared = queries.comparison(con, entity, metric, region_code, period)
    actual = compared or queries.actual(con, entity, metric, region_code, period)
    if actual is None:
        raise LookupError(f"no actual figure for {entity} {metric} in {region_code} for {period}")
    streak, streak_sources = queries.streak_containing(con, compared) if compared else (None, [])
    start, end = window_around(actual["period_start"], actual["period_end"], actual["grain"])
    events = queries.related_events(con, region_code, start, end, entity=entity)
    related = True  # the default is always one of the window's events
    if event_id is None:
        event_id = default_event(events, queries.regions(con), region_code, actual["period_end"])
    else:
        event_id = queries.representative(con, event_id)  # BRE03 is told as EV07, the same event
        related = event_id in queries.related_events(con, region_code)["event_id"]
    effect = None
    if event_id is not None:
        effect = assess_effect(con, event_id, metric, region_code, entity=entity, grain=actual["grain"])
    cited = (
        [
            actual.get("actual_source_id") or actual.get("source_id"),
            (compared or {}).get("expectation_source_id"),
        ]
        + streak_sources
        + [s for ids in events["source_ids"].to_list() for s in ids]
        + ([effect.event["source_id"]] + effect.series_sources if effect else [])
    )
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
        sources=queries.sources(con, [s for s in cited if s]),
    )


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


def _auto_controls(con, ev, entity, metric, region_code, grain) -> list[str]:
    idx = period_index(ev["date"], grain)
    pre = max(DEFAULT_SPAN[grain][0], DEFAULT_PRE_PERIODS.get(grain, 0))
    post = max(DEFAULT_SPAN[grain][1], DEFAULT_POST_PERIODS.get(grain, 0))
    return choose_controls(
        queries.regions(con),
        queries.events(con, entity=entity),
        region_code,
        period_start(idx - pre, grain),
        period_end(idx + post - 1, grain),
        available=queries.regions_with_series(con, entity, metric, grain),
    )
