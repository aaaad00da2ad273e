"""The Evidence page's reads: the figures behind the numbers, qualitative claims, the widest disagreements
between sources, the exchange rates used, the loads and the rejected rows. One query per function; long results are limited and the
full table is read on demand (uncached, on a connection of its own) for its CSV download.
"""

from __future__ import annotations

import polars as pl

from dashboard.data.connection import Identity, in_list, query, run_query, where_given
from pipelines.warehouse.export import csv_for_spreadsheets

# Rows shown in the long tables (the full table is a download away).
SHOWN_ROWS = 1_000
DISAGREEMENTS_SHOWN = 40

EVIDENCE_COLUMNS = """
figure_id, entity, metric, region_code, region_name, period, grain, kind, value, value_high, bound,
unit, direction, value_raw, value_high_raw, unit_raw, as_of, source_id, publisher, title, url,
published_on, originally_reported_by, reliability, note, file, row_number, origin
"""

# In stored order (entity, metric, region): no sort of a million rows to show the first thousand.
EVIDENCE = f"""
select {EVIDENCE_COLUMNS}
from figure_evidence
where {{narrow}}
limit ?
"""

CLAIMS = """
select entity, metric, region_code, region_name, period, kind, direction, as_of, source_id, publisher, url,
       note, has_numeric_comparison, figure_id
from qualitative_claims
where {narrow}
order by as_of desc, entity, metric
"""

# The widest disagreements only, in two steps. DISAGREEMENT_CUT reads one column to find the N-th widest
# spread; DISAGREEMENT then keeps the rows at least that wide (a constant the scan filters on, skipping whole
# row groups) before it sorts them and makes JSON of the kept rows. One top-N query over all the columns
# took 38 ms at 1M figures (250,000 disagreements), the two 2 + 10 ms (most of it reading the 40 rows'
# lists of figures and making their JSON).
DISAGREEMENT_CUT = """
select spread_pct
from source_disagreement
where {narrow}
order by spread_pct desc nulls last
limit 1 offset ?
"""
DISAGREEMENT = """
select * exclude (values), to_json(values)::varchar as values_json
from (
    select entity, metric, region_code, period, kind_group, unit, figures, sources, min_value, max_value,
           spread, spread_pct, source_ids, figure_ids, values
    from source_disagreement
    where {narrow}
    order by spread_pct desc nulls last, spread desc, entity, metric, region_code, period, kind_group
    limit ?
)
order by spread_pct desc nulls last, spread desc, entity, metric, region_code, period, kind_group
"""

DISAGREEMENT_COUNT = "select count(*)::bigint as n from source_disagreement where {narrow}"

DISAGREEMENT_ALL = """
select entity, metric, region_code, period, kind_group, unit, figures, sources, min_value, max_value, spread,
       spread_pct, source_ids, figure_ids
from source_disagreement
where {narrow}
order by spread_pct desc nulls last
"""

LOADS = """
select file, dataset, input_kind, status, rows_in, rows_loaded, rows_rejected, rows_combined, error, duration_ms,
    loaded_at
from loads order by file
"""

REJECTED = """
select file, row_number, origin, column_name, value, reason, suggestion, input_kind, dataset
from rejected_rows order by file, row_number
limit 10000
"""

# Warehouses built before the orders path existed have no order_rejects table: read it only when present.
ORDER_REJECTS = """
select month, reason, column_name, value, rows, file, dataset
from order_rejects
order by month desc, rows desc, reason
limit 10000
"""
HAS_ORDER_REJECTS = "select count(*) as n from duckdb_tables() where table_name = 'order_rejects'"


def evidence(
    ident: Identity, entity: str | None, metric: str | None, limit: int = SHOWN_ROWS
) -> pl.DataFrame:
    """The first `limit` figures of the selection (figure_evidence), in stored order."""
    narrow, params = where_given(entity=entity, metric=metric)
    return query(ident, EVIDENCE.format(narrow=narrow), *params, limit)


def figures_by_id(ident: Identity, figure_ids: list[str]) -> pl.DataFrame:
    """The figures with these ids (figure_evidence), in the order given: the components behind a rolled-up
    comparison (`actual_figure_ids` / `expectation_figure_ids` of actual_vs_expectation)."""
    narrow, params = in_list("figure_id", figure_ids)
    found = query(ident, f"select {EVIDENCE_COLUMNS} from figure_evidence where {narrow}", *params)
    order = {fid: i for i, fid in enumerate(figure_ids)}
    return found.sort(pl.col("figure_id").replace_strict(order, default=len(order), return_dtype=pl.Int64))


def evidence_csv(ident: Identity, entity: str | None, metric: str | None) -> bytes:
    """Every figure of the selection as CSV: uncached, on its own connection (for a deferred download)."""
    narrow, params = where_given(entity=entity, metric=metric)
    sql = (
        f"select {EVIDENCE_COLUMNS} from figure_evidence where {narrow} order by entity, metric, region_code"
    )
    return csv_for_spreadsheets(run_query(ident, sql, params)).encode()  # formulas neutralised (OWASP)


def claims(ident: Identity, entity: str | None, metric: str | None) -> pl.DataFrame:
    narrow, params = where_given(entity=entity, metric=metric)
    return query(ident, CLAIMS.format(narrow=narrow), *params)


def disagreement(
    ident: Identity, entity: str | None, metric: str | None, limit: int = DISAGREEMENTS_SHOWN
) -> pl.DataFrame:
    """The `limit` widest disagreements between sources (by spread %), with each source's figure as JSON."""
    narrow, params = where_given(entity=entity, metric=metric)
    cut = query(ident, DISAGREEMENT_CUT.format(narrow=narrow), *params, limit - 1)
    if cut.height and cut["spread_pct"][0] is not None:
        # the `limit` widest all have spread_pct >= the limit-th one (ties included); nulls sort last
        narrow, params = f"{narrow} and spread_pct >= ?", [*params, cut["spread_pct"][0]]
    return query(ident, DISAGREEMENT.format(narrow=narrow), *params, limit)


def disagreement_count(ident: Identity, entity: str | None, metric: str | None) -> int:
    narrow, params = where_given(entity=entity, metric=metric)
    return int(query(ident, DISAGREEMENT_COUNT.format(narrow=narrow), *params)["n"][0])


def disagreement_csv(ident: Identity, entity: str | None, metric: str | None) -> bytes:
    narrow, params = where_given(entity=entity, metric=metric)
    return csv_for_spreadsheets(run_query(ident, DISAGREEMENT_ALL.format(narrow=narrow), params)).encode()


def loads(ident: Identity) -> pl.DataFrame:
    return query(ident, LOADS)


FX_RATES_USED = "select * from fx_rates_used order by currency, first_month"
HAS_FX_RATES_USED = (
    "select count(*) as n from (select view_name as name from duckdb_views() union all "
    "select table_name from duckdb_tables()) where name = 'fx_rates_used'"
)


def fx_rates_used(ident: Identity) -> pl.DataFrame:
    """The exchange rates behind the USD values, per currency and source (view fx_rates_used; empty for
    warehouses built before it existed)."""
    if query(ident, HAS_FX_RATES_USED)["n"][0] == 0:
        return pl.DataFrame(schema={"currency": pl.String, "source": pl.String})
    return query(ident, FX_RATES_USED)


def rejected(ident: Identity) -> pl.DataFrame:
    return query(ident, REJECTED)


def order_rejects(ident: Identity) -> pl.DataFrame:
    """Bad order rows counted per month and reason by the orders path (empty for older warehouses)."""
    if query(ident, HAS_ORDER_REJECTS)["n"][0] == 0:
        return pl.DataFrame(
            schema={"month": pl.String, "reason": pl.String, "rows": pl.Int64, "file": pl.String}
        )
    return query(ident, ORDER_REJECTS)
