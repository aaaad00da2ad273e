"""Other events that fall inside an estimation window: their effects cannot be separated from the event's."""

from __future__ import annotations

import polars as pl

from pipelines.effects.periods import label
from pipelines.effects.results import Refusal
from pipelines.effects.windows import first_affected


def overlap_refusal(method: str, other_events: pl.DataFrame | None, start_idx: int, end_idx: int, grain: str):
    """A Refusal naming the events (event_id, date, title) that start acting inside periods start_idx..end_idx
    (an event acting from the window's first period on shifts nothing inside it), else None."""
    if other_events is None or other_events.is_empty():
        return None
    inside = [
        row
        for row in other_events.iter_rows(named=True)
        if start_idx < first_affected(row["date"], grain) <= end_idx
    ]
    if not inside:
        return None
    listed = "; ".join(f"{r['event_id']} ({r['date']}: {r['title']})" for r in inside[:5])
    more = f" and {len(inside) - 5} more" if len(inside) > 5 else ""
    return Refusal(
        method,
        f"other events in related jurisdictions fall inside the estimation window "
        f"({label(start_idx, grain)} to {label(end_idx, grain)}): {listed}{more}. Their effects cannot be told "
        "apart from this event's. Choose a window that stops short of them (--pre, --post)",
    )
