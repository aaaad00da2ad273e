"""Many units of a business in one region (stores of chains): when the region's figures are theirs, and the
unit-level difference-in-differences against the same businesses' units in the donor regions."""

from __future__ import annotations

import polars as pl

from pipelines.effects import reads as queries
from pipelines.effects.donors import donor_pool
from pipelines.effects.entities import entity_family
from pipelines.effects.periods import EFFECT_GRAINS, period_index
from pipelines.effects.reports import EffectReport
from pipelines.effects.results import Refusal
from pipelines.effects.unit_did import estimate_unit_did
from pipelines.effects.windows import event_window


def units_for(con, ev, metric, region_code, parents) -> list[str] | None:
    """The entities with the metric in the region when they are several units of the business (each has a
    parent, none is another's parent, all of the event's family when it names one), else None."""
    candidates = queries.entities_with_series(con, metric, region_code)
    if ev.get("entity"):
        family = entity_family(ev["entity"], parents)
        candidates = [c for c in candidates if c in family and c != ev["entity"]]
    if len(candidates) < 2 or not all(parents.get(c) for c in candidates):
        return None
    if set(candidates) & {parents.get(c) for c in candidates}:
        return None
    return candidates


def assess_units(
    con, ev, metric, region_code, units, parents, grain, pre, post, include, exclude
) -> EffectReport:
    """Unit-level difference-in-differences: the region's units against the same businesses' units in the
    donor regions (`pipelines.effects.unit_did`)."""
    chains = sorted({parents[u] for u in units})
    peers = sorted(e for e, p in parents.items() if p in chains)
    grain = grain or _busiest_grain(con, units, metric, region_code)
    rows = queries.unit_panel(con, peers, metric, grain)
    treated_rows = rows.filter(pl.col("region_code") == region_code)
    family = sorted(set().union(*(entity_family(c, parents) for c in chains)))
    concern = pl.col("entity").is_null() | pl.col("entity").is_in(family)
    other = queries.related_events(con, region_code, exclude=ev["event_id"]).filter(concern)
    kind = unit_word(units)
    entity = f"{len(units)} {kind}s of {', '.join(chains)}"
    sources = queries.cited_in(rows)
    refusal = Refusal("synthetic control", f"the figures are of {len(units)} {kind}s in {region_code}, not one "
                      "series for the region: a synthetic control needs one series per region; see the "
                      "unit-level difference-in-differences")  # fmt: skip
    if ev["status"] == "expected":
        why = Refusal(
            "difference-in-differences",
            f"the event has not happened yet (status 'expected', dated {ev['date']})",
        )
        return EffectReport(ev, entity, metric, region_code, grain, treated_rows.height, why, why, sources, refusal,
                            units=units)  # fmt: skip
    window = event_window(ev, grain, treated_rows["period_start"].unique().to_list(), other, pre, post)
    available: dict[str, set[int]] = {}
    for r in rows.iter_rows(named=True):
        available.setdefault(r["region_code"], set()).add(period_index(r["period_start"], grain))
    needed = {i for i in available.get(region_code, set()) if window.side(i)}
    pool = donor_pool(queries.regions(con), queries.events(con).filter(concern), available, region_code, window, needed,
                      include=include, exclude=exclude)  # fmt: skip
    did = estimate_unit_did(rows.rename({"entity": "unit"}), region_code, pool.donors, window, kind)
    not_units = Refusal("counterfactual", f"the figures are of {kind}s, not one series for the region")
    return EffectReport(ev, entity, metric, region_code, grain, treated_rows.height, not_units, did, sources,
                        refusal, window, pool, units)  # fmt: skip


def unit_word(units: list[str]) -> str:
    """What a unit is, in the data's words: the first word all their names share ('Store 001', 'Store 002' ->
    'store'), else 'unit'."""
    words = {u.split()[0].lower() for u in units if u.split()}
    word = words.pop() if len(words) == 1 else ""
    return word if word.isalpha() else "unit"


def _busiest_grain(con, entities, metric, region_code) -> str:
    counts = queries.grain_counts(con, entities, metric, region_code)
    if not counts:
        raise LookupError(f"no actual figures of {metric} for the units in {region_code}")
    return max(EFFECT_GRAINS, key=lambda g: (counts.get(g, 0), -EFFECT_GRAINS.index(g)))
