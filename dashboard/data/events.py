"""The Events page's reads: the periods around one event (event_windows). The events themselves are
`catalog.events` (every page shows them).
"""

from __future__ import annotations

import duckdb
import polars as pl

from dashboard.data.connection import Identity, query

EVENT_WINDOWS = """
select region_code, region_name, is_jurisdiction, entity, metric, grain, position, period, period_start,
       period_end, unit, actual, actual_bound, actual_source_id, expectation, expectation_kind,
       expectation_source_id, attainment, variance_pct, is_shortfall, favourable, performance_pct,
       change_vs_pre_pct, is_overlapping,
       overlapping_event_ids, after_data_end
from event_windows
where event_id = ?
order by entity, metric, grain, region_code, position
"""


def event_windows(ident: Identity, event_id: str) -> pl.DataFrame:
    try:
        return query(ident, EVENT_WINDOWS, event_id)
    except duckdb.CatalogException:  # an older warehouse without the view
        return pl.DataFrame()
