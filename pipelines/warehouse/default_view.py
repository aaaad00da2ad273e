"""What the dashboard's pages and the report open on, by one rule (issue 23, "defaults that show the story"):
`default_view(counts)` over `comparison_counts(con, entity, metric)` (sql/reads/catalog/comparison_counts.sql).

Here, not in dashboard/, so both may import it: the import rule keeps report/ away from `dashboard.widgets`,
and the report named the kind with most comparisons at its reported grains while the Scorecard opened on the
kind with most comparisons counting quarters summed from months (the two could name different kinds).
Pure Polars and DuckDB: no framework.
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.warehouse import rules
from pipelines.warehouse.sqlfiles import SQL_DIR

COUNTS_SQL = SQL_DIR / "reads" / "catalog" / "comparison_counts.sql"
COUNT_COLUMNS = ("kind", "grain", "comparisons")


def comparison_counts(con: duckdb.DuckDBPyConnection, entity: str, metric: str) -> pl.DataFrame:
    """Comparisons (region x period) per expectation kind and grain of one series on an open warehouse
    connection, quarters as the Scorecard shows them (reported, rolled up or summed from months):
    kind, grain, comparisons (one row per kind and grain that has any). duckdb.Error when the warehouse
    lacks the serve views."""
    rows = con.execute(COUNTS_SQL.read_text(), [entity, metric, entity, metric]).fetchall()
    return pl.DataFrame(
        rows, schema={"kind": pl.String, "grain": pl.String, "comparisons": pl.Int64}, orient="row"
    )


def default_view(counts: pl.DataFrame) -> tuple[str | None, str | None]:
    """The one rule for what every page and the report open on, in two steps.

    1. The expectation kind with the most comparisons in total over its grains (a comparison is one region x
       period with both an actual and an expectation). Ties: the expectation preference (sql/views/base/
       expectation_preference.sql: target before guidance, ...), then the kind's name.
    2. That kind's grain: the quarter whenever it has quarter comparisons (reported, rolled up, or summed from
       three months: `comparison_counts` counts them as the Scorecard shows them, from
       serve_quarter_comparisons), else its grain with the most comparisons, ties to the finer grain
       (`rules.GRAIN_ORDER`).

    Why: the product answers "where and how long does a business fall short, by region and quarter". Read
    literally, "the grain with the most comparisons" opened monthly data per month, because months always
    outnumber the quarters they sum into: the marketplace demo opened on 48 monthly columns whose cell text
    hid below 700 px. Per quarter (16 columns) its Thai ban is one red band. Counting the kind over all its
    grains keeps a kind reported at several grains ahead of a kind whose one grain has more. Data whose months
    fill no quarter (one month of each) still open per month, and annual data per year.

    counts: kind, grain, comparisons (`comparison_counts`; rows with 0 comparisons are ignored).
    Returns (kind, grain), the same for the same counts whatever their row order; (None, None) when there is
    no comparison. The marketplace demo: projection 1,008 months + 336 quarters, target 24 years, so it opens
    on the quarterly projection; the case study (annual targets only) opens per year."""
    rows = counts.filter(pl.col("comparisons") > 0)
    if rows.is_empty():
        return None, None
    order = list(rules.EXPECTATION_PREFERENCE)
    grain_order = list(rules.GRAIN_ORDER)
    totals = rows.group_by("kind").agg(pl.col("comparisons").sum())

    def kind_rank(row: tuple) -> tuple:
        kind, n = row
        return (-n, order.index(kind) if kind in order else len(order), kind)

    kind, _ = min(totals.select("kind", "comparisons").iter_rows(), key=kind_rank)
    grains = dict(rows.filter(pl.col("kind") == kind).select("grain", "comparisons").iter_rows())
    if "quarter" in grains:
        return kind, "quarter"

    def grain_rank(item: tuple) -> tuple:
        grain, n = item
        return (-n, grain_order.index(grain) if grain in grain_order else len(grain_order), grain)

    grain, _ = min(grains.items(), key=grain_rank)
    return kind, grain
