"""One kind of event in several regions at different dates (a law state by state): the staggered design.

`assess_staggered` reads the events and the series from the warehouse, chooses the control regions in the open
(`pipelines.effects.donors`: regions of the treated regions' level with every period of the panel and no event
of the business in it) and hands the panel to `pipelines.effects.staggered` (Sun & Abraham, by pyfixest).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import polars as pl

from pipelines.effects import reads as queries
from pipelines.effects.donors import DonorPool, donor_pool
from pipelines.effects.periods import label, period_index
from pipelines.effects.results import Refusal
from pipelines.effects.staggered import StaggeredEstimate, estimate_staggered
from pipelines.effects.windows import Window, first_affected


@dataclass(frozen=True)
class StaggeredReport:
    """The staggered estimate (or its refusal) of several events, one per treated region, on one metric."""

    events: list[dict]
    entity: str
    metric: str
    grain: str
    estimate: StaggeredEstimate | Refusal
    donor_pool: DonorPool
    series_sources: list[str]

    @property
    def estimated(self) -> bool:
        return not isinstance(self.estimate, Refusal)

    def to_dict(self) -> dict:
        return {
            "headline": "staggered_did" if self.estimated else None,
            "events": [{k: str(v) if v is not None else None for k, v in e.items()} for e in self.events],
            "entity": self.entity,
            "metric": self.metric,
            "grain": self.grain,
            "donor_pool": self.donor_pool.to_dict(),
            "staggered_did": self.estimate.to_dict(),
            "series_sources": self.series_sources,
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
) -> StaggeredReport:
    """The events' effect on `metric`, each event's jurisdiction a treated region adopting in the first period
    its event acts on (`windows.first_affected`), against the regions never treated. LookupError for bad input:
    an unknown event, two events in one region, no series. grain: by default the first treated region's grain
    with the most figures; entity: by default the first event's (`assess._entity_for`)."""
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
    first, last = int(mine["period"].min()), int(mine["period"].max())
    start = min(adoption.values())
    window = Window(grain, start, (first, start - 1), (start, last))
    pool = _pool(con, events, entity, panel, treated, window, controls, include, exclude)
    expected = [e["event_id"] for e in events if e["status"] == "expected"]
    if expected:
        estimate = Refusal(
            "staggered difference-in-differences", f"{', '.join(expected)} has not happened yet"
        )
    else:
        used = panel.filter(pl.col("region_code").is_in(treated + pool.donors))
        estimate = estimate_staggered(
            used.filter(pl.col("period").is_between(first, last)), adoption, pool.donors, grain
        )
    sources = sorted(set(panel.filter(pl.col("region_code").is_in(treated + pool.donors))["source_id"]))
    return StaggeredReport(events, entity, metric, grain, estimate, pool, sources)


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
