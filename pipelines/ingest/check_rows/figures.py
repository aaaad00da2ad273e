"""Check the rows of a figures file: ids, metric names, units, values as written, regions, periods; then the
figure rules (`figure_rules.py`) and the rows as stored (`figure_rows.py`). Lines sharing a figure's key are
added or refused by pipelines/ingest/combine.py."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.check_rows.context import (
    DATE_SCHEMA,
    REQUIRED,
    Context,
    partial_date,
    resolve_region,
    with_optional,
)
from pipelines.ingest.check_rows.day_labels import refuse_period_dates
from pipelines.ingest.check_rows.figure_rows import duplicate_figures, figure_rows
from pipelines.ingest.check_rows.figure_rules import convert_to_base, figure_rules, never_negative
from pipelines.ingest.combine import combine_lines, refuse_negative_sums, refuse_partial_sums
from pipelines.ingest.problems import RowChecks
from pipelines.ingest.readers import ROW
from pipelines.ingest.vocabulary import BOUNDS, DIRECTIONS, KINDS, metric_id
from pipelines.normalise.numbers import read_number
from pipelines.normalise.periods import parse_period
from pipelines.normalise.retail_calendar import calendar_from_spec
from pipelines.normalise.units import SCALES, UnitError, parse_unit

PERIOD_SCHEMA = pl.Struct({"label": pl.String, "grain": pl.String, "start": pl.Date, "end": pl.Date})
READ_SCHEMA = pl.Struct({"value": pl.Float64, "approx": pl.Boolean})
_NO_UNIT = "\x00no unit"  # map_keys skips null keys: a value without a unit is still read
UNIT_SCHEMA = pl.Struct(
    {
        "kind": pl.String,
        "currency": pl.String,
        "scale": pl.Float64,
        "base_unit": pl.String,
        "growth": pl.String,
    }
)


def validate_figures(frame: pl.DataFrame, ctx: Context) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows shaped as sql/tables/figures.sql without dataset/file/row_number, plus ROW and OWN_ID; issues in
    ISSUE_SCHEMA, lines combined into another's figure included) of one figures file's raw text frame."""
    frame = with_optional("figures", frame)
    if ctx.settings.region:  # the dataset's default region (dataset.toml [entities] region)
        frame = frame.with_columns(pl.col("region").fill_null(ctx.settings.region))
    checks = RowChecks(frame)
    checks.require(REQUIRED["figures"])
    checks.duplicates("figure_id", "figure_id")
    metric_ids = {m: metric_id(m) for m in checks.frame["metric"].drop_nulls().unique()}  # once per name
    checks.frame = checks.frame.with_columns(
        pl.col("metric").replace_strict(metric_ids, default=None, return_dtype=pl.String)
    )
    checks.vocabulary("kind", KINDS)
    _bare_scale_counts(checks, ctx)
    checks.map_values("unit", "parsed_unit", lambda t: vars(parse_unit(t)), UNIT_SCHEMA)
    _growth_metrics(checks)
    _read_values(checks, ctx)
    checks.vocabulary("bound", BOUNDS, default="exact")
    checks.vocabulary("direction", DIRECTIONS)
    resolve_region(checks, "region", ctx)
    checks.frame = checks.frame.with_columns(
        pl.col("entity")
        .replace_strict(
            ctx.fiscal_start, default=ctx.settings.fiscal_year_start_month or 1, return_dtype=pl.Int32
        )
        .alias("_fiscal")
    )
    checks.frame = checks.frame.with_columns(
        pl.col("entity").replace_strict(ctx.calendars, default="", return_dtype=pl.String).alias("_calendar")
    )
    bare = ctx.settings.bare_quarter_labels or "refuse"

    def period(v: tuple) -> dict:
        calendar = calendar_from_spec(v[2]) if v[2] else None
        return vars(parse_period(v[0], v[1], bare, calendar))

    checks.map_keys(["period", "_fiscal", "_calendar"], "parsed_period", period, PERIOD_SCHEMA)
    checks.map_values("as_of", "parsed_as_of", partial_date, DATE_SCHEMA)
    figure_rules(checks, ctx)
    convert_to_base(checks, ctx)
    duplicate_figures(checks, parts=ctx.combine is not None)
    about = _what_rows_are_about(checks.frame)
    good, issues = checks.split()
    rows, lines = combine_lines(figure_rows(good), ctx.combine, ctx.combine_hint)
    if ctx.combine is not None:  # lines are parts: the sign rule and a rejected part concern the whole figure
        rows, negative = refuse_negative_sums(rows, never_negative(ctx))
        rows, partial = refuse_partial_sums(frame, rows, issues)
        lines = pl.concat([lines, negative, partial])
    rows, dated = refuse_period_dates(rows, _additive(rows, ctx))
    lines = pl.concat([lines, dated])
    issues = pl.concat([issues, lines]).sort(ROW, maintain_order=True)
    return rows, issues.join(about, on=ROW, how="left", maintain_order="left")


ABOUT_COLUMNS = ("entity", "metric", "region_code", "period", "period_start", "period_end", "kind")


def _what_rows_are_about(frame: pl.DataFrame) -> pl.DataFrame:
    """ROW and what each row says it is about, as far as its values could be read (null where a value could
    not): entity, metric, region_code, period (as written), period_start, period_end (dates), kind. Joined onto
    a rejected row's issues (rejected_rows), so a comparison left without its actual can name the rejection."""
    period = pl.col("parsed_period").struct.field
    return frame.select(
        pl.col(ROW),
        pl.col("entity").cast(pl.String),
        pl.col("metric").cast(pl.String),
        pl.col("region_code").cast(pl.String),
        pl.col("period").cast(pl.String),
        period("start").alias("period_start"),
        period("end").alias("period_end"),
        pl.col("kind").cast(pl.String),
    ).unique(ROW, keep="first", maintain_order=True)


def _additive(rows: pl.DataFrame, ctx: Context) -> set[str]:
    """The metrics of `rows` whose figures add up over time: metrics.additive where the metric is defined,
    else a metric written in a currency (money adds up; a count may be a stock)."""
    known = {m for m, p in ctx.metrics.items() if p.get("additive")}
    money = rows.filter(pl.col("currency").is_not_null())["metric"].unique().to_list()
    return known | {m for m in money if m not in ctx.metrics}


def _growth_metrics(checks: RowChecks) -> None:
    """A value in a growth unit ('10' in '% YoY' on revenue) is a figure of the growth metric
    'revenue_growth_yoy' (the bundled reference names these; others are added as percent metrics), compared
    with the growth of the metric's actuals on the prior period (view growth_bases). unit_raw keeps '% YoY'."""
    growth = pl.col("parsed_unit").struct.field("growth")
    suffix = pl.lit("_growth_") + growth
    checks.frame = checks.frame.with_columns(
        pl.when(growth.is_not_null() & ~pl.col("metric").str.ends_with(suffix.fill_null("")))
        .then(pl.col("metric") + suffix)
        .otherwise(pl.col("metric"))
        .alias("metric")
    )


def _bare_scale_counts(checks: RowChecks, ctx: Context) -> None:
    """A count metric (metrics.unit_kind 'count') takes a bare scale as its unit: 'billion' = 'count billion'."""
    counts = [m for m, p in ctx.metrics.items() if p.get("unit_kind") == "count"]
    unit = pl.col("unit").str.strip_chars()
    bare = unit.str.to_lowercase().is_in(list(SCALES)) & pl.col("metric").is_in(counts)
    checks.frame = checks.frame.with_columns(
        pl.when(bare).then(pl.lit("count ") + unit).otherwise(pl.col("unit")).alias("unit")
    )


def _read_values(checks: RowChecks, ctx: Context) -> None:
    """value and value_high read as written (pipelines/normalise/numbers.py) in the file's convention, against
    the row's unit; a value written as an approximation ('~5', '120000 Appx') makes an empty bound 'approx'."""
    convention = ctx.number_convention(checks.frame, ("value", "value_high"))

    def read(values: tuple) -> dict:
        text, unit_text = values
        try:
            unit = parse_unit(unit_text) if unit_text != _NO_UNIT else None
        except UnitError:
            unit = None  # the unit's own problem is reported on the unit column
        number = read_number(text, convention, unit)
        return {"value": number.value, "approx": number.approx}

    c = pl.col
    checks.frame = checks.frame.with_columns(
        c("value").is_not_null().alias("_value_written"), c("unit").fill_null(_NO_UNIT).alias("_unit_key")
    )
    for column in ("value", "value_high"):
        checks.map_keys([column, "_unit_key"], f"_{column}_read", read, READ_SCHEMA, report=column)
        checks.frame = checks.frame.with_columns(c(f"_{column}_read").struct.field("value").alias(column))
    approx = c("_value_read").struct.field("approx") | c("_value_high_read").struct.field("approx")
    checks.frame = checks.frame.with_columns(
        pl.when(c("bound").is_null() & approx.fill_null(False))
        .then(pl.lit("approx"))
        .otherwise(c("bound"))
        .alias("bound")
    ).drop("_unit_key", "_value_read", "_value_high_read")
