"""The Events page's reads: the periods around one event (event_windows). The events themselves are
`catalog.events` (every page shows them).
"""

from __future__ import annotations

import polars as pl

from dashboard.data.connection import Identity, read


def event_windows(ident: Identity, event_id: str) -> pl.DataFrame:
    """Every series' periods around the event (sql/reads/events/event_windows.sql)."""
    return read(ident, "events/event_windows", event_id)
