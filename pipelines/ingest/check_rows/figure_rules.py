"""The figure rules once a figures file's cells are read: values and units agree, ranges and bounds, signs,
as_of (defaulting to the source's publication date), and the value in base units (FX, scale, plausibility)."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.check_rows.context import Context, unknown_source
from pipelines.ingest.problems import RowChecks

# The largest plausible absolute value per unit kind, in the base unit, unless the metric sets its own
# (metrics.max_abs_value): larger is a unit or typing error. Money: USD 10 trillion, above any annual
# budget or revenue on record (US federal outlays FY2024: USD 6.75tn; the largest company revenue: under
# USD 0.7tn); a world-GDP metric declares its own. Counts: a trillion (transactions a year of the largest
# card networks: ~0.25tn). Percent: 100,000 % (a 1,000-fold growth). Ratio: a million.
PLAUSIBLE = {"money": 1e13, "count": 1e12, "percent": 1e5, "ratio": 1e6, "duration": 5.3e8}  # 1,000 years


def never_negative(ctx: Context) -> list[str]:
    """The metrics whose figures cannot be negative (metrics' can_be_negative false: revenue, counts)."""
    return [m for m, p in ctx.metrics.items() if not p.get("can_be_negative", True)]


def figure_rules(checks: RowChecks, ctx: Context) -> None:
    """Flag the rows whose read value, unit, range, bound, sign, source or as_of break a figure rule; add
    as_of_date and as_of_precision (the source's publication date when as_of is empty)."""
    c = pl.col
    checks.flag(  # a value written but not read has its own message already: one problem, one message
        ~c("_value_written") & c("direction").is_null(),
        "value",
        "value is empty and no direction is given",
        "give a value, or a direction (below, in_line, above) for a qualitative claim",
    )
    checks.flag(
        c("value").is_not_null() & c("unit").is_null(),
        "unit",
        "a value needs a unit",
        "e.g. 'USD bn', 'EUR m', '%', 'count'",
    )
    checks.flag(
        c("value_high").is_not_null() & c("value").is_null(),
        "value_high",
        "value_high is given without value (the low end of the range)",
    )
    checks.flag(
        c("value_high") < c("value"),
        "value_high",
        "value_high is below value",
        "a range is written low in value, high in value_high",
    )
    checks.flag(
        c("value_high").is_not_null() & (c("bound") != "exact") & (c("bound") != "approx"),
        "bound",
        pl.format("a range cannot also be a bound ({})", c("bound")),
    )
    checks.flag(  # lines to add (combine = "sum") are checked as their sum, after combine_lines
        (c("value") < 0) & c("metric").is_in(never_negative(ctx)) & pl.lit(ctx.combine is None),
        "value",
        pl.format("negative value for {}, which cannot be negative", c("metric")),
        "losses belong to a profit metric; check the sign",
    )
    _as_of_rules(checks, ctx)


def _as_of_rules(checks: RowChecks, ctx: Context) -> None:
    """as_of defaults to the source's publication date (an unknown source is flagged here); a figure dated in
    the future, or an actual known before its period starts, is flagged."""
    c = pl.col
    src = pl.DataFrame(
        {
            "source_id": list(ctx.source_dates),
            "_src_date": [v[0] for v in ctx.source_dates.values()],
            "_src_precision": [v[1] for v in ctx.source_dates.values()],
        },
        schema={"source_id": pl.String, "_src_date": pl.Date, "_src_precision": pl.String},
    )
    checks.frame = checks.frame.join(
        src.with_columns(pl.lit(True).alias("_src_known")), on="source_id", how="left", maintain_order="left"
    )
    unknown_source(checks, c("_src_known").is_not_null())
    as_of_start = pl.coalesce(c("parsed_as_of").struct.field("start"), c("_src_date"))
    checks.frame = checks.frame.with_columns(
        as_of_start.alias("as_of_date"),
        pl.coalesce(c("parsed_as_of").struct.field("precision"), c("_src_precision")).alias(
            "as_of_precision"
        ),
    )
    checks.flag(
        c("as_of").is_null() & c("_src_known").is_not_null() & c("_src_date").is_null(),
        "as_of",
        "as_of is empty and the source has no published_on",
        "give as_of or the source's published_on",
    )
    checks.flag(
        c("as_of_date") > pl.lit(ctx.today),
        "as_of",
        f"the figure is dated in the future (after {ctx.today.isoformat()})",
        "check the year",
        value=c("as_of_date"),
    )
    checks.flag(
        c("kind").is_in(["actual", "estimate"])
        & (c("as_of_date") < c("parsed_period").struct.field("start")),
        "as_of",
        "an actual cannot be known before its period starts",
        "if this was expected, use kind target, guidance, consensus, projection or budget",
        value=c("as_of_date"),
    )


def convert_to_base(checks: RowChecks, ctx: Context) -> None:
    """Add currency, fx_usd_per_unit (USD per unit over the period), value_base and value_high_base (value x
    scale x rate, in the unit's base unit); flag implausibly large values and units of the wrong kind."""
    c = pl.col

    def rate(values: tuple) -> float:
        currency, start, end = values
        return ctx.fx.usd_per_unit(currency, start, end).usd_per_unit

    checks.frame = checks.frame.with_columns(
        c("parsed_unit").struct.field("currency").alias("currency"),
        c("parsed_period").struct.field("start").alias("_pstart"),
        c("parsed_period").struct.field("end").alias("_pend"),
    )
    checks.map_keys(["currency", "_pstart", "_pend"], "fx_usd_per_unit", rate, pl.Float64, report="unit")
    factor = c("parsed_unit").struct.field("scale") * pl.when(c("currency").is_null()).then(1.0).otherwise(
        c("fx_usd_per_unit")
    )
    checks.frame = checks.frame.with_columns(
        (c("value") * factor).alias("value_base"),
        (c("value_high") * factor).alias("value_high_base"),
    )
    own = {m: p["max_abs_value"] for m, p in ctx.metrics.items() if p.get("max_abs_value")}
    limit = pl.coalesce(
        c("metric").replace_strict(own, default=None, return_dtype=pl.Float64),
        c("parsed_unit")
        .struct.field("kind")
        .replace_strict(PLAUSIBLE, default=None, return_dtype=pl.Float64),
    )
    checks.flag(
        (c("value_base").abs() > limit) | (c("value_high_base").abs() > limit),
        "value",
        pl.format(
            "implausibly large value for {}: {} {} (the limit is {} {})",
            c("metric"),
            pl.max_horizontal(c("value_base").abs(), c("value_high_base").abs()).cast(pl.String),
            c("parsed_unit").struct.field("base_unit"),
            limit.cast(pl.String),
            c("parsed_unit").struct.field("base_unit"),
        ),
        "check the unit's scale (bn vs m), or set max_abs_value for the metric in a metrics file",
    )
    unit_kinds = {m: p["unit_kind"] for m, p in ctx.metrics.items() if p.get("unit_kind")}
    expected_kind = c("metric").replace_strict(unit_kinds, default=None, return_dtype=pl.String)
    checks.flag(
        expected_kind.is_not_null()
        & c("parsed_unit").is_not_null()
        & (c("parsed_unit").struct.field("kind") != expected_kind),
        "unit",
        pl.format(
            "unit '{}' is {} but {} is measured in {}",
            c("unit"),
            c("parsed_unit").struct.field("kind"),
            c("metric"),
            expected_kind,
        ),
    )
