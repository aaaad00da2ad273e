"""A figure's id (given, or derived from its content: a repeated row is a duplicate) and the figure rows as
stored (sql/tables/figures.sql)."""

from __future__ import annotations

import hashlib

import polars as pl

from pipelines.ingest.combine import OWN_ID
from pipelines.ingest.problems import RowChecks
from pipelines.ingest.readers import ROW
from pipelines.ingest.vocabulary import EXPECTATION_KINDS


def _derived_id(row: dict) -> str:
    fields = (
        "entity",
        "metric",
        "region_code",
        "period",
        "kind",
        "value",
        "value_high",
        "unit",
        "bound",
        "direction",
        "as_of",
        "source_id",
    )
    digest = hashlib.sha1("|".join(str(row.get(f)) for f in fields).encode()).hexdigest()
    return f"auto-{digest[:12]}"


def duplicate_figures(checks: RowChecks, parts: bool = False) -> None:
    """A row without figure_id gets an id derived from its content, so a repeated row (exports often repeat
    one) would collide with the first: it is rejected as a duplicate figure naming the first row. Unless the
    file's lines are `parts` (combine = "sum"): two departments may post the same amount, and are added."""
    c = pl.col
    derived = pl.struct(pl.all()).map_elements(_derived_id, return_dtype=pl.String)
    checks.frame = checks.frame.with_columns(
        pl.when(c("figure_id").is_null()).then(derived).otherwise(c("figure_id")).alias("_figure_key")
    )
    checks.frame = checks.frame.with_columns(c(ROW).first().over("_figure_key").alias("_first_row"))
    checks.flag(
        c("figure_id").is_null() & (c(ROW) != c("_first_row")) & pl.lit(not parts),
        None,
        pl.format(
            "duplicate figure: the same values as row {} (derived id {})", c("_first_row"), c("_figure_key")
        ),
        "remove the repeated row, or give each row its own figure_id",
    )
    checks.frame = checks.frame.drop("_first_row")


def figure_rows(good: pl.DataFrame) -> pl.DataFrame:
    """The checked rows in the columns of sql/tables/figures.sql (values in base units, the raw text kept in
    value_raw, value_high_raw, unit_raw), plus ROW and OWN_ID."""
    c = pl.col
    return good.select(
        c("_figure_key").alias("figure_id"),
        "entity",
        "metric",
        "region_code",
        c("parsed_period").struct.field("label").alias("period"),
        c("parsed_period").struct.field("grain").alias("grain"),
        c("parsed_period").struct.field("start").alias("period_start"),
        c("parsed_period").struct.field("end").alias("period_end"),
        "kind",
        c("kind").is_in(list(EXPECTATION_KINDS)).alias("is_expectation"),
        c("value_base").alias("value"),
        c("value_high_base").alias("value_high"),
        "bound",
        c("parsed_unit").struct.field("base_unit").alias("unit"),
        "direction",
        c("as_of_date").alias("as_of"),
        "as_of_precision",
        "source_id",
        "note",
        c("value").alias("value_raw"),
        c("value_high").alias("value_high_raw"),
        c("unit").alias("unit_raw"),
        c("parsed_unit").struct.field("scale").alias("unit_scale"),
        "currency",
        "fx_usd_per_unit",
        "origin",
        # the file gave the row its id: not derived from its content, nor from its cell by a layout
        # ('<dataset>/<file>:<origin>', pipelines/ingest/layouts/engine.py)
        (
            c("figure_id").is_not_null()
            & ~(c("origin").is_not_null() & c("figure_id").str.ends_with(pl.lit(":") + c("origin")))
        ).alias(OWN_ID),
        ROW,
    )
