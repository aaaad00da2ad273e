"""Which events of a period's window the narrative names first (docs/event-impact.md, "Narrative").

The rule, in order: where (the series' own region, then the regions enclosing it, the most specific first,
then the regions inside it), when (the fewest days between the event and the period: 0 when it falls inside),
what (the category, by how directly it acts on sales: `CATEGORY_RANK`), then events that happened before
expected ones, then the latest date and the highest id (a stable order).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.warehouse.rules import lineage_pairs

# A ban or a market exit stops sales outright; an order or a regulation binds the business; a law is enacted
# but may act later; rulings and litigation may change nothing yet.
CATEGORY_RANK = {
    c: i
    for i, c in enumerate(
        ["ban", "market_exit", "order", "regulation", "law", "ruling", "litigation", "other"]
    )
}
# How many events the narrative names; the rest are counted ("and 9 more").
SHOWN_EVENTS = 3


def days_apart(event: dict, start: date, end: date) -> int:
    """Days between the event (its date to its end date) and the period [start, end]; 0 when they overlap."""
    first, last = event["date"], event.get("date_end") or event["date"]
    if last < start:
        return (start - last).days
    if first > end:
        return (first - end).days
    return 0


def rank_events(
    events: pl.DataFrame, regions: pl.DataFrame, region_code: str, start: date, end: date
) -> list[dict]:
    """The window's events (event_id, date, date_end, status, jurisdiction, category, ...) most relevant
    first, each with `place` ('the region', 'an enclosing region', 'a region inside it') and `days_apart`.
    regions: region_code, depth, path (the lineage rule, `pipelines.warehouse.rules.lineage_pairs`)."""
    enclosing = lineage_pairs(regions)  # (ancestor, descendant) -> the ancestor's depth

    def place(e: dict) -> tuple[int, int, str]:
        if e["jurisdiction"] == region_code:
            return (0, 0, "the region")
        depth = enclosing.get((e["jurisdiction"], region_code))
        if depth is not None:
            return (1, -depth, "an enclosing region")
        return (2, 0, "a region inside it")

    ranked = []
    for e in events.iter_rows(named=True):
        where = place(e)
        ranked.append({**e, "place": where[2], "days_apart": days_apart(e, start, end), "_where": where[:2]})
    ranked.sort(key=lambda e: (e["_where"], e["days_apart"], CATEGORY_RANK.get(e["category"], 99),
                               e["status"] == "expected", -e["date"].toordinal(), _descending(e["event_id"])))  # fmt: skip
    return [{k: v for k, v in e.items() if k != "_where"} for e in ranked]


def _descending(text: str) -> tuple[int, ...]:
    """A key that sorts strings in descending order inside an ascending sort."""
    return tuple(-ord(c) for c in text) + (1,)
