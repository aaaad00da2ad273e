"""What `impact layout guess` leaves for a person to fill in, and the refusal of a layout that still holds it.

The guess writes `PLACEHOLDER` ('CHANGE ME') where the sheet cannot tell a value (the region of a sheet without
a region column, the date of a sheet that states none). A layout holding it anywhere is refused as a whole
(`LayoutError` naming the layout file and every key to fill in, with what to write), so nothing is ever
loaded as 'CHANGE ME' and nothing is dated by the day of the guess without the user's word.
"""

from __future__ import annotations

PLACEHOLDER = "CHANGE ME"

# what to write, by key (the most specific prefix wins)
_WHAT = {
    "fields.entity": "whose figures these are: your company's or division's name",
    "fields.metric": "the metric: a metric id such as revenue, cost_of_sales, gmv; docs/data-formats.md, section 5",
    "fields.region": "a country or region code such as US, DE, WORLD, or a region of your regions.csv",
    "fields.kind": "actual, budget, target, guidance, consensus or projection",
    "fields.unit": "the currency and scale, such as 'EUR', 'USD m' or 'count'",
    "fields.source_id": "the id of the source every figure cites (the layout's [source] source_id)",
    "fields.period": "the column that holds the period, or a period such as 2026-Q1",
    "fields.value": "the column that holds the values",
    "fields.as_of": "when the figures became known, YYYY-MM-DD",
    "source.published_on": "the date the sheet was issued, YYYY-MM-DD; an actual's as_of defaults to it",
    "source": "the source's details",
}


def unfilled(doc: object, key: str = "") -> list[str]:
    """The dotted keys of `doc` (a parsed layout: tables, arrays, strings) whose value, or a map's target, is
    the placeholder, in document order: ['fields.region', 'source.published_on']. Map keys ('as written')
    never count: a sheet may hold the words."""
    if isinstance(doc, str):
        # fields.region = { value = ... } is named fields.region
        return [key.removesuffix(".value")] if doc.strip().casefold() == PLACEHOLDER.casefold() else []
    if isinstance(doc, dict):
        return [
            k for name, value in doc.items() for k in unfilled(value, f"{key}.{name}" if key else str(name))
        ]
    if isinstance(doc, list):
        return [k for i, value in enumerate(doc) for k in unfilled(value, f"{key}[{i}]")]
    return []


def refusal(where: str, keys: list[str]) -> str:
    """The message refusing layout file `where` that still holds the placeholder at `keys`: each key with
    what to write there."""

    def what(key: str) -> str:
        base = key.split(".map.")[0]
        hint = next((_WHAT[p] for p in sorted(_WHAT, key=len, reverse=True) if base.startswith(p)), None)
        return f"{key}: {hint}" if hint else key

    return (
        f"{where}: still '{PLACEHOLDER}' where 'impact layout guess' could not tell from the sheet; nothing loads"
        f" until you write in {where}: " + "; ".join(what(k) for k in keys)
    )
