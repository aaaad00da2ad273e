"""Check the rows of a sources file: ids, reliability, publication dates, addresses."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.check_rows.context import (
    DATE_SCHEMA,
    REQUIRED,
    Context,
    not_in_future,
    partial_date,
    with_optional,
)
from pipelines.ingest.problems import RowChecks
from pipelines.ingest.readers import ROW
from pipelines.ingest.vocabulary import RELIABILITY


def validate_sources(frame: pl.DataFrame, ctx: Context) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows shaped as sql/tables/sources.sql without dataset/file/row_number, plus ROW; issues in
    ISSUE_SCHEMA) of one sources file's raw text frame."""
    checks = RowChecks(with_optional("sources", frame))
    checks.require(REQUIRED["sources"])
    checks.duplicates("source_id", "source_id")
    checks.vocabulary("reliability", RELIABILITY)
    checks.map_values("published_on", "published", partial_date, DATE_SCHEMA)
    not_in_future(checks, "published", ctx.today)
    checks.flag(
        pl.col("url").is_not_null() & ~pl.col("url").str.contains(r"^(https?|ftp)://"),
        "url",
        "url must start with http:// or https://",
    )
    good, issues = checks.split()
    rows = good.select(
        "source_id",
        "publisher",
        "title",
        "url",
        "published_on",
        pl.col("published").struct.field("start").alias("published_date"),
        pl.col("published").struct.field("precision").alias("published_precision"),
        "originally_reported_by",
        "reliability",
        "note",
        ROW,
    )
    return rows, issues
