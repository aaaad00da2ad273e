"""Check the rows of an events file: ids, vocabulary, dates, jurisdictions, cited sources, status."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.check_rows.context import (
    DATE_SCHEMA,
    REQUIRED,
    Context,
    partial_date,
    resolve_region,
    unknown_source,
    with_optional,
)
from pipelines.ingest.problems import RowChecks
from pipelines.ingest.readers import ROW
from pipelines.ingest.vocabulary import EVENT_CATEGORIES, EVENT_STATUSES


def validate_events(frame: pl.DataFrame, ctx: Context) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows shaped as sql/tables/events.sql without dataset/file/row_number, plus ROW; issues in
    ISSUE_SCHEMA) of one events file's raw text frame."""
    c = pl.col
    checks = RowChecks(with_optional("events", frame))
    checks.require(REQUIRED["events"])
    checks.duplicates("event_id", "event_id")
    checks.vocabulary("category", EVENT_CATEGORIES)
    checks.vocabulary("status", EVENT_STATUSES)
    checks.map_values("date", "event_date", partial_date, DATE_SCHEMA)
    checks.map_values("date_end", "event_date_end", partial_date, DATE_SCHEMA)
    resolve_region(checks, "jurisdiction", ctx)
    checks.flag(
        c("event_date_end").struct.field("start") < c("event_date").struct.field("start"),
        "date_end",
        "date_end is before date",
    )
    unknown_source(checks, c("source_id").is_in(list(ctx.source_dates)))

    # an event without a status is 'expected' if it lies ahead, else 'effective'
    status = (
        pl.when(c("status").is_not_null())
        .then(c("status"))
        .when(c("event_date").struct.field("start") > pl.lit(ctx.today))
        .then(pl.lit("expected"))
        .otherwise(pl.lit("effective"))
    )
    checks.frame = checks.frame.with_columns(status.alias("status"))
    good, issues = checks.split()
    rows = good.select(
        "event_id",
        c("event_date").struct.field("start").alias("date"),
        c("event_date").struct.field("precision").alias("date_precision"),
        c("event_date_end").struct.field("start").alias("date_end"),
        "status",
        c("region_code").alias("jurisdiction"),
        "category",
        "title",
        "entity",
        "source_id",
        "note",
        ROW,
    )
    return rows, issues
