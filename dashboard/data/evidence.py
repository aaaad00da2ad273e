"""The Evidence page's reads: the figures behind the numbers, qualitative claims, the widest disagreements
between sources, the exchange rates used, the loads and the rejected rows. Each function names its read
(sql/reads/evidence/*.sql) and binds the selection; long results are limited and the full table is read on
demand (uncached, on a connection of its own) for its CSV download.
"""

from __future__ import annotations

import polars as pl

from dashboard.data.connection import Identity, all_of, at_least, in_list, read, read_now, where_given
from pipelines.warehouse.export import csv_for_spreadsheets

# Rows shown in the long tables (the full table is a download away).
SHOWN_ROWS = 1_000
DISAGREEMENTS_SHOWN = 40


def evidence(
    ident: Identity, entity: str | None, metric: str | None, limit: int = SHOWN_ROWS
) -> pl.DataFrame:
    """The first `limit` figures of the selection (figure_evidence), in stored order."""
    return read(ident, "evidence/evidence", limit, where=where_given(entity=entity, metric=metric))


def cell_figures(
    ident: Identity, entity: str | None, metric: str | None, region_code: str, start, end
) -> pl.DataFrame:
    """The figures of one Scorecard heatmap cell: this region's figures (of the entity and metric when given)
    whose period lies within [start, end] (dates: a quarter's months and the quarter itself), as `evidence`."""
    narrow = all_of(
        where_given(entity=entity, metric=metric, region_code=region_code),
        ("period_start >= ? and period_end <= ?", [start, end]),
    )
    return read(ident, "evidence/evidence", SHOWN_ROWS, where=narrow)


def figures_by_id(ident: Identity, figure_ids: list[str]) -> pl.DataFrame:
    """The figures with these ids (figure_evidence), in the order given: the components behind a rolled-up
    comparison (`actual_figure_ids` / `expectation_figure_ids` of the comparisons)."""
    return read(ident, "evidence/figures_by_id", list(figure_ids), where=in_list("figure_id", figure_ids))


def evidence_csv(ident: Identity, entity: str | None, metric: str | None) -> bytes:
    """Every figure of the selection as CSV: uncached, on its own connection (for a deferred download)."""
    frame = read_now(ident, "evidence/evidence_all", where=where_given(entity=entity, metric=metric))
    return csv_for_spreadsheets(frame).encode()  # formulas neutralised (OWASP)


def claims(ident: Identity, entity: str | None, metric: str | None) -> pl.DataFrame:
    """Qualitative claims of the selection, newest first (qualitative_claims)."""
    return read(ident, "evidence/claims", where=where_given(entity=entity, metric=metric))


def disagreement(
    ident: Identity, entity: str | None, metric: str | None, limit: int = DISAGREEMENTS_SHOWN
) -> pl.DataFrame:
    """The `limit` widest disagreements between sources (by spread %), with each source's figure as JSON."""
    narrow = where_given(entity=entity, metric=metric)
    cut = read(ident, "evidence/disagreement_cut", limit - 1, where=narrow)
    if cut.height and cut["spread_pct"][0] is not None:
        # the `limit` widest all have spread_pct >= the limit-th one (ties included); nulls sort last
        narrow = all_of(narrow, at_least("spread_pct", cut["spread_pct"][0]))
    return read(ident, "evidence/disagreement", limit, where=narrow)


def disagreement_count(ident: Identity, entity: str | None, metric: str | None) -> int:
    """How many disagreements between sources the selection has."""
    frame = read(ident, "evidence/disagreement_count", where=where_given(entity=entity, metric=metric))
    return int(frame["n"][0])


def disagreement_csv(ident: Identity, entity: str | None, metric: str | None) -> bytes:
    """Every disagreement of the selection as CSV: uncached, on its own connection."""
    frame = read_now(ident, "evidence/disagreement_all", where=where_given(entity=entity, metric=metric))
    return csv_for_spreadsheets(frame).encode()


def revisions(ident: Identity, entity: str | None, metric: str | None, limit: int = 1000) -> pl.DataFrame:
    """The `limit` latest revisions of expectations (a later vintage and the value it replaced: entity,
    metric, region_code, period, kind, vintage, vintages, previous_value, value, change, change_pct, unit,
    previous_as_of, as_of, source_id, figure_id), for one entity and metric when given."""
    return read(ident, "evidence/revisions", limit, where=where_given(entity=entity, metric=metric))


def loads(ident: Identity, entity: str | None = None) -> pl.DataFrame:
    """One row per input file of the build (file, dataset, input_kind, status, the row counts, error,
    duration_ms, loaded_at); with an entity, only the files holding a figure of it."""
    return read(ident, "evidence/loads", entity, entity)


def fx_rates_used(ident: Identity, entity: str | None = None) -> pl.DataFrame:
    """The exchange rates behind the USD values (currency x source: the months and the USD-per-unit range);
    with an entity, only the currencies its figures are in."""
    return read(ident, "evidence/fx_rates_used", entity, entity)


def rejected(ident: Identity) -> pl.DataFrame:
    """The first 10,000 rejected rows with their reasons (rejected_rows)."""
    return read(ident, "evidence/rejected")


def order_rejects(ident: Identity) -> pl.DataFrame:
    """Bad order rows counted per month and reason by the orders path (order_rejects)."""
    return read(ident, "evidence/order_rejects")
