"""The donor pool (control regions) of an event's estimate, in the open: who is in, who is left out and why.

By default every region of the treated region's level (country with country, state with state: the same
`level`, and for custom regions also the same depth in the tree) is a candidate, not only its siblings. A
candidate is a donor when it has a figure of the series for every period the treated region has in the window,
and no event that concerns the series' business touches it (its own, an enclosing or an inner region's) in the
window. The user may name the donors outright (`controls`), add regions (`include`, of any level) or leave
some out (`exclude`). Every candidate left out is listed with its reason; regions of the level without any
figure of the series are only counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pipelines.effects.periods import label
from pipelines.effects.windows import Window
from pipelines.warehouse.rules import are_related, lineage_pairs


@dataclass(frozen=True)
class DonorPool:
    donors: list[str]
    left_out: list[dict]  # region_code, name, reason
    rule: str
    without_figures: int = 0  # candidates of the level with no figure of the series at all
    names: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "donors": [{"region_code": d, "name": self.names.get(d, d)} for d in self.donors],
            "left_out": self.left_out,
            "regions_of_the_level_without_figures": self.without_figures,
        }


def donor_pool(
    regions: pl.DataFrame,
    events: pl.DataFrame,
    available: dict[str, set[int]],
    treated: str,
    window: Window,
    needed: set[int],
    controls: list[str] | None = None,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
) -> DonorPool:
    """regions: region_code, name, level, depth, path. events: the events that concern the series' business
    (event_id, date, date_end, jurisdiction, title), the event under study among them. available: region ->
    period indices with a figure of the series. needed: the periods a donor must have (the treated region's
    periods in the window)."""
    by_code = {r["region_code"]: r for r in regions.iter_rows(named=True)}
    names = {code: r["name"] for code, r in by_code.items()}
    pairs = lineage_pairs(regions)
    if controls is not None:
        candidates, rule = list(dict.fromkeys(controls)), "the regions you named (--controls)"
    else:
        me = by_code.get(treated, {})
        same = [c for c, r in by_code.items() if c != treated and _same_level(r, me)]
        candidates = sorted(set(same) | set(include), key=lambda c: by_code.get(c, {}).get("path") or c)
        rule = (
            f"every region of {treated}'s level ({me.get('level')}) with a figure for every period "
            "of the window and no event of the business in it"
        )
        if include:
            rule += f", with {', '.join(include)} added by you"
    touching = [
        e
        for e in events.iter_rows(named=True)
        if e["date"] <= window.end_date and (e.get("date_end") or e["date"]) >= window.start_date
    ]
    donors, left_out, without = [], [], 0
    named_by_user = set(include) | set(controls or ())
    for code in candidates:
        reason = _left_out_reason(code, treated, by_code, pairs, available, needed, touching, exclude, window)
        if reason is None:
            donors.append(code)
        elif reason == "no figures" and code not in named_by_user:
            without += 1
        else:
            left_out.append({"region_code": code, "name": names.get(code, code), "reason": reason})
    return DonorPool(donors, left_out, rule, without, names)


def _same_level(region: dict, treated: dict) -> bool:
    if not treated or region.get("level") != treated.get("level"):
        return False
    return region.get("level") != "custom" or region.get("depth") == treated.get("depth")


def _left_out_reason(
    code, treated, by_code, pairs, available, needed, touching, exclude, window
) -> str | None:
    if code in exclude:
        return "left out by you (--exclude)"
    if code not in by_code:
        return "not a known region"
    if are_related(pairs, code, treated):
        return f"it contains or lies inside {treated}"
    have = available.get(code)
    if not have:
        return "no figures"
    missing = sorted(needed - have)
    if missing:
        shown = ", ".join(label(i, window.grain) for i in missing[:6])
        more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
        return f"no figure for {shown}{more} (a donor needs every period of the window)"
    hits = [
        e for e in touching if e["jurisdiction"] in by_code and are_related(pairs, code, e["jurisdiction"])
    ]
    if hits:
        e = hits[0]
        return (
            f"event {e['event_id']} ({e['date']}, {e['jurisdiction']}: {e['title']}) touches it in the window"
        )
    return None
