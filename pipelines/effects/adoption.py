"""One kind of event in several regions at different dates (a law state by state): the staggered design.

`assess_staggered` reads the events and the series from the warehouse, chooses the control regions in the open
(`pipelines.effects.donors`: regions of the treated regions' level with every period of the panel and no event
of the business in it) and hands the panel to `pipelines.effects.staggered` (Sun & Abraham, by pyfixest).

The user's --pre/--post windows are period ranges read for the *first* event, as `impact effect --event` with that
one event reads them (`windows.choose_window`); each side becomes a number of periods before and after the event
that every cohort keeps (`StaggeredWindow`: event times lo..hi, `staggered.trim_to_window`), so a later region
adopting in 2014 keeps as many periods around its own event as the first keeps around its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import duckdb
import polars as pl

from pipelines.effects import reads as queries
from pipelines.effects.donors import DonorPool, donor_pool
from pipelines.effects.periods import label, period_index
from pipelines.effects.results import Refusal, cited_list
from pipelines.effects.staggered import StaggeredEstimate, estimate_staggered
from pipelines.effects.windows import Window, count, event_window, first_affected


@dataclass(frozen=True)
class StaggeredWindow:
    """The estimate's window: `anchor` (the first event's `Window`, its sides as the user gave them or the whole
    series) and the event times every cohort keeps, lo..hi, the average effect from `effect_from` (0: the
    event's first period); `trimmed` False when no side was given (the whole panel, lo..hi what it spans)."""

    anchor_event: str
    anchor: Window
    lo: int
    hi: int
    effect_from: int
    trimmed: bool

    @property
    def text(self) -> str:
        """'2000-2004 (5 years before), 2005-2008 (4 years after) around L1 (2005); every cohort: event times
        -5 to +3 (the periods outside them dropped)'."""
        grain = self.anchor.grain
        kept = (
            f"every cohort: event times {self.lo:+d} to {self.hi:+d} (its periods outside them dropped)"
            if self.trimmed
            else f"the whole panel (event times {self.lo:+d} to {self.hi:+d})"
        )
        late = f", effects counted from event time {self.effect_from:+d}" if self.effect_from > 0 else ""
        return (
            f"{self.anchor.text} around {self.anchor_event} ({label(self.anchor.event_period, grain)}); "
            f"{kept}{late}; {count(self.hi - max(self.effect_from, 0) + 1, grain)} after each event"
        )

    def side(self, rel: int) -> str | None:
        """'pre', 'post' or None for an event time (periods since a treated region's own event)."""
        if self.lo <= rel < 0:
            return "pre"
        return "post" if self.effect_from <= rel <= self.hi else None

    def to_dict(self) -> dict:
        return {**self.anchor.to_dict(), "anchor_event": self.anchor_event, "text": self.text,
                "event_times": {"first": self.lo, "last": self.hi, "effect_from": self.effect_from},
                "trimmed": self.trimmed}  # fmt: skip


def staggered_window(anchor_event: dict, anchor_periods: list, adoption: dict[str, int], panel_span,
                     grain: str, pre: str | None, post: str | None) -> StaggeredWindow:  # fmt: skip
    """The window of a staggered estimate: the user's `pre`/`post` ranges read for `anchor_event` (LookupError
    when they cannot be used, as for one event), as event times every cohort keeps; none given: the panel's
    span (`panel_span`: first, last period index) in event times of the earliest and latest cohorts."""
    anchor = event_window(anchor_event, grain, anchor_periods, None, pre, post)
    e = anchor.event_period
    if pre or post:
        return StaggeredWindow(anchor_event["event_id"], anchor, anchor.pre[0] - e, anchor.post[1] - e,
                               anchor.post[0] - e, True)  # fmt: skip
    first, last = panel_span
    return StaggeredWindow(anchor_event["event_id"], anchor, first - max(adoption.values()),
                           last - min(adoption.values()), 0, False)  # fmt: skip


@dataclass(frozen=True)
class StaggeredReport:
    """The staggered estimate (or its refusal) of several events, one per treated region, on one metric."""

    events: list[dict]
    entity: str
    metric: str
    grain: str
    estimate: StaggeredEstimate | Refusal
    donor_pool: DonorPool
    series_sources: list[tuple[str | None, str]]  # (dataset, source_id) of the figures used
    window: StaggeredWindow | None = None
    publishers: dict = field(default_factory=dict)  # (dataset, source_id) -> the source (`reads.sources`)

    @property
    def estimated(self) -> bool:
        return not isinstance(self.estimate, Refusal)

    @property
    def event(self) -> dict:
        """The first event (the window's anchor): what a narrative names."""
        return self.events[0]

    def place(self, region_code: str, period_start) -> tuple[str | None, str]:
        """Where a region's period lies in the estimate: (side, words). side: 'pre', 'post' or None (outside
        the window, or a region the estimate does not treat); words say why ('3 years after US_NJ's event'),
        or 'a control' for a never-treated control inside the window."""
        idx = period_index(period_start, self.grain)
        adoption = {e["jurisdiction"]: first_affected(e["date"], self.grain) for e in self.events}
        if region_code in adoption:
            rel = idx - adoption[region_code]
            words = f"{count(abs(rel), self.grain)} {'after' if rel >= 0 else 'before'} the event in {region_code}"
            return (self.window.side(rel) if self.window else ("post" if rel >= 0 else "pre")), words
        periods = getattr(self.estimate, "periods", None)
        inside = (
            periods is not None
            and label(idx, self.grain) >= periods[0]
            and label(idx, self.grain) <= periods[1]
        )
        if region_code in self.donor_pool.donors:
            return ("control" if inside else None), "a never-treated control region"
        return None, "not a treated or control region of the estimate"

    def to_dict(self) -> dict:
        return {
            "headline": "staggered_did" if self.estimated else None,
            "events": [{k: str(v) if v is not None else None for k, v in e.items()} for e in self.events],
            "entity": self.entity,
            "metric": self.metric,
            "grain": self.grain,
            "donor_pool": self.donor_pool.to_dict(),
            "staggered_did": {
                **self.estimate.to_dict(),
                **({"window": self.window.text} if self.window else {}),
            },
            "series_sources": cited_list(self.series_sources, self.publishers),
            "window": self.window.to_dict() if self.window else None,
        }


def assess_staggered(
    con: duckdb.DuckDBPyConnection,
    event_ids: list[str],
    metric: str,
    entity: str | None = None,
    grain: str | None = None,
    controls: list[str] | None = None,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    pre: str | None = None,
    post: str | None = None,
) -> StaggeredReport:
    """The events' effect on `metric`, each event's jurisdiction a treated region adopting in the first period
    its event acts on (`windows.first_affected`), against the regions never treated. LookupError for bad input:
    an unknown event, two events in one region, no series. grain: by default the first treated region's grain
    with the most figures; entity: by default the first event's (`assess._entity_for`). pre, post: period ranges
    read for the first event ('2019..2023'), kept by every cohort as the same periods before and after its own
    event (`staggered_window`); a range that cannot be used is a LookupError."""
    from pipelines.effects.assess import _entity_for, _unknown_event

    events = []
    for event_id in event_ids:
        ev = queries.event(con, event_id)
        if ev is None:
            raise LookupError(_unknown_event(con, event_id))
        events.append(ev)
    treated = [e["jurisdiction"] for e in events]
    if len(set(treated)) < len(treated):
        raise LookupError(f"two of the events {', '.join(event_ids)} are in one region: one event per region")
    entity = entity or _entity_for(con, events[0], metric, treated[0])
    if grain is None:
        grains = queries.series_grains(con, entity, metric, treated[0])
        if not grains:
            raise LookupError(f"no actual figures for {entity} {metric} in {treated[0]}")
        grain = max(grains, key=lambda g: queries.series(con, entity, metric, treated[0], g).height)
    regions = queries.regions_with_series(con, entity, metric, grain)
    panel = queries.panel(con, entity, metric, regions, grain).with_columns(
        pl.col("period_start")
        .map_elements(lambda d: period_index(d, grain), return_dtype=pl.Int64)
        .alias("period")
    )
    adoption = {e["jurisdiction"]: first_affected(e["date"], grain) for e in events}
    mine = panel.filter(pl.col("region_code").is_in(treated))
    if mine.is_empty():
        raise LookupError(f"no {grain}ly {metric} figures of {entity} in {', '.join(treated)}")
    chosen, window = _windows(events[0], mine, treated[0], adoption, grain, pre, post)
    first, last = window.pre[0], window.post[1]
    pool = _pool(con, events, entity, panel, treated, window, controls, include, exclude)
    expected = [e["event_id"] for e in events if e["status"] == "expected"]
    if expected:
        estimate = Refusal(
            "staggered difference-in-differences", f"{', '.join(expected)} has not happened yet"
        )
    used = panel.filter(
        pl.col("region_code").is_in(treated + pool.donors) & pl.col("period").is_between(first, last)
    )
    if not expected:
        estimate = estimate_staggered(
            used, adoption, pool.donors, grain, event_times=(chosen.lo, chosen.hi) if chosen.trimmed else None,
            effect_from=chosen.effect_from,
        )  # fmt: skip
    sources = queries.cited_in(used)
    return StaggeredReport(events, entity, metric, grain, estimate, pool, sources, chosen,
                           queries.sources(con, sources))  # fmt: skip


def _windows(anchor_event, mine, anchor_region, adoption, grain, pre, post) -> tuple[StaggeredWindow, Window]:
    """The estimate's window (`staggered_window`) and the calendar span the controls need: every period of the
    treated regions (`mine`: region_code, period_start, period), or with a window only those the kept cohorts
    reach (min(adoption) + lo .. max(adoption) + hi)."""
    first, last = int(mine["period"].min()), int(mine["period"].max())
    start = min(adoption.values())
    anchor_periods = mine.filter(pl.col("region_code") == anchor_region)["period_start"].to_list()
    if not anchor_periods:
        raise LookupError(f"no {grain}ly figures of the series in {anchor_region}")
    chosen = staggered_window(anchor_event, anchor_periods, adoption, (first, last), grain, pre, post)
    if chosen.trimmed:
        first = max(first, start + min(chosen.lo, -1))
        last = min(last, max(adoption.values()) + max(chosen.hi, 0))
    return chosen, Window(grain, start, (first, start - 1), (start, last))


def _pool(con, events, entity, panel, treated, window, controls, include, exclude) -> DonorPool:
    """The never-treated regions, by `donors.donor_pool` for the first treated region over the whole panel;
    the other treated regions are listed as such."""
    available: dict[str, set[int]] = {}
    for code, idx in panel.select("region_code", "period").iter_rows():
        available.setdefault(code, set()).add(idx)
    needed = {i for i in available.get(treated[0], set()) if window.pre[0] <= i <= window.post[1]}
    ids = {e["event_id"] for e in events}
    others = queries.events(con, entity=entity).filter(~pl.col("event_id").is_in(list(ids)))
    named = [c for c in controls if c not in treated] if controls is not None else None
    pool = donor_pool(queries.regions(con), others, available, treated[0], window, needed,
                      controls=named, include=include, exclude=tuple(exclude) + tuple(treated[1:]))  # fmt: skip
    left = [
        {**x, "reason": "another treated region"} if x["region_code"] in treated else x for x in pool.left_out
    ]
    rule = pool.rule.replace("of the window", f"of {label(window.pre[0], window.grain)}-"
                             f"{label(window.post[1], window.grain)}") + " (the never-treated controls)"  # fmt: skip
    return replace(pool, left_out=left, rule=rule)
