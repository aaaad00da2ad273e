"""Validate and normalise each input kind: raw strings in, warehouse-shaped rows and row-level issues out.

Pure functions: no Dagster, no I/O. Each `validate_*` takes the raw frame of one file and a `Context` with
the reference data, and returns `(rows, issues)`; rows already have the columns of `sql/tables/<kind>.sql`
except the file bookkeeping columns the caller adds.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.ingest.combine import OWN_ID, combine_lines, refuse_negative_sums, refuse_partial_sums
from pipelines.ingest.dataset_settings import NO_SETTINGS, DatasetSettings
from pipelines.ingest.problems import Problem, RowChecks
from pipelines.ingest.readers import ROW
from pipelines.ingest.vocabulary import (
    BOUNDS,
    DIRECTIONS,
    EVENT_CATEGORIES,
    EVENT_STATUSES,
    EXPECTATION_KINDS,
    KINDS,
    RELIABILITY,
    metric_id,
)
from pipelines.normalise.dates import parse_partial_date
from pipelines.normalise.fx import FxTable
from pipelines.normalise.numbers import DECIMAL_POINT, NumberConvention, detect_convention, read_number
from pipelines.normalise.periods import parse_period
from pipelines.normalise.regions import RegionResolver
from pipelines.normalise.retail_calendar import calendar_from_spec
from pipelines.normalise.units import SCALES, UnitError, parse_unit

REQUIRED = {
    "sources": ["source_id", "publisher"],
    "figures": ["entity", "metric", "region", "period", "kind", "source_id"],
    "events": ["event_id", "date", "jurisdiction", "category", "title", "source_id"],
    "regions": ["code", "name"],
    "entities": ["entity"],
    "metrics": ["metric", "unit_kind"],
    "fx": ["currency", "source"],
}
OPTIONAL = {
    "sources": ["title", "url", "published_on", "originally_reported_by", "reliability", "note"],
    "figures": ["figure_id", "value", "value_high", "bound", "unit", "direction", "as_of", "note", "origin"],
    "events": ["date_end", "status", "entity", "note"],
}
# The largest plausible absolute value per unit kind, in the base unit, unless the metric sets its own
# (metrics.max_abs_value): larger is a unit or typing error. Money: USD 10 trillion, above any annual
# budget or revenue on record (US federal outlays FY2024: USD 6.75tn; the largest company revenue: under
# USD 0.7tn); a world-GDP metric declares its own. Counts: a trillion (transactions a year of the largest
# card networks: ~0.25tn). Percent: 100,000 % (a 1,000-fold growth). Ratio: a million.
PLAUSIBLE = {"money": 1e13, "count": 1e12, "percent": 1e5, "ratio": 1e6, "duration": 5.3e8}  # 1,000 years
REFERENCE_DATASET = "_reference"  # DATA_DIR/reference/: shared regions, entities, metrics and sources
DATE_SCHEMA = pl.Struct({"start": pl.Date, "precision": pl.String})
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


@dataclass
class Context:
    """Reference data a file is checked against."""

    resolver: RegionResolver
    metrics: dict[str, dict]  # metric -> {unit_kind, can_be_negative, ...}
    fiscal_start: dict[str, int]  # entity -> fiscal year start month
    fx: FxTable
    entity_aliases: dict[str, str] = field(default_factory=dict)  # alias -> entity (entities files)
    # entity -> its retail calendar (RetailCalendar.spec), for entities that keep one
    calendars: dict[str, str] = field(default_factory=dict)
    # the sources a file may cite: source_id -> (published date, precision, dataset holding the source)
    source_dates: dict[str, tuple[date | None, str | None, str]] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    # every loaded source: (dataset, source_id) -> (published date, precision)
    all_sources: dict[tuple[str, str], tuple[date | None, str | None]] = field(default_factory=dict)
    # dataset -> its own reference fields (resolver, metrics, fiscal_start, fx, entity_aliases, calendars),
    # for the datasets that bring regions, entities, metrics or rates files; the others use this context's
    scoped: dict[str, dict] = field(default_factory=dict)

    def for_dataset(self, dataset: str) -> Context:
        """The context a file of `dataset` is checked in. Everything a dataset brings applies to it alone: its
        figures and events cite a source of its own dataset, or a shared one from DATA_DIR/reference/ (its own
        wins on a clash), and are read against its own regions, entities, metrics and rates with the shared
        ones, never another dataset's (`scoped`)."""
        visible: dict[str, tuple[date | None, str | None, str]] = {}
        for owner in (REFERENCE_DATASET, dataset):
            visible.update({sid: (*v, owner) for (ds, sid), v in self.all_sources.items() if ds == owner})
        return replace(self, source_dates=visible, **self.scoped.get(dataset, {}))

    settings: DatasetSettings = NO_SETTINGS  # the dataset.toml of the file being validated
    numbers_declared: NumberConvention | None = None  # the file's declared number convention
    delimiter: str | None = None  # the file's field delimiter; None for typed formats
    combine: str | None = None  # how the file's lines that share a figure's key add up (ingest/combine.py)
    combine_hint: str = "in dataset.toml"  # where that setting is written, for the rejection's suggestion

    def for_file(
        self,
        settings: DatasetSettings | None,
        file_name: str,
        delimiter: str | None,
        layout: Path | None = None,
        layout_combine: str | None = None,
    ) -> Context:
        """This context for one file: its dataset's settings, how the file writes numbers, and how its lines
        that share a figure's key add up (its layout's `combine`, else dataset.toml's)."""
        settings = settings or NO_SETTINGS
        name = Path(file_name).name
        hint = (
            f"in its layout {layout.name}"
            if layout is not None
            else f'in dataset.toml (under [files."{name}"] for this file alone)'
        )
        return dataclasses.replace(
            self,
            settings=settings,
            numbers_declared=settings.numbers_for(file_name),
            delimiter=delimiter,
            combine=layout_combine or settings.combine_for(file_name),
            combine_hint=hint,
        )

    def number_convention(self, frame: pl.DataFrame, columns: tuple[str, ...]) -> NumberConvention:
        """The file's number convention: declared, else detected from its text values; typed formats
        (Parquet, JSON Lines, Excel) write numbers with a decimal point."""
        if self.delimiter is None:
            return DECIMAL_POINT
        texts = [t for c in columns if c in frame.columns for t in frame[c].drop_nulls().unique().to_list()]
        return detect_convention(texts, self.delimiter, self.numbers_declared)


def missing_columns(kind: str, frame: pl.DataFrame) -> list[str]:
    return [c for c in REQUIRED[kind] if c not in frame.columns]


def _with_optional(kind: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Exactly the format's columns: absent optional ones added empty, unknown ones dropped (they are ignored,
    and must not collide with the names the rules use for their intermediate results)."""
    known = [*REQUIRED[kind], *OPTIONAL[kind]]
    return frame.select(
        pl.col(ROW), *[pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c) for c in known]
    )


def _partial_date(text: str) -> dict:
    parsed = parse_partial_date(text)
    return {"start": parsed.start, "precision": parsed.precision}


def _not_in_future(checks: RowChecks, column: str, today: date) -> None:
    checks.flag(
        pl.col(column).struct.field("start") > pl.lit(today),
        column,
        f"{column} is in the future (after {today.isoformat()})",
        "check the year",
    )


def validate_sources(frame: pl.DataFrame, ctx: Context) -> tuple[pl.DataFrame, pl.DataFrame]:
    checks = RowChecks(_with_optional("sources", frame))
    checks.require(REQUIRED["sources"])
    checks.duplicates("source_id", "source_id")
    checks.vocabulary("reliability", RELIABILITY)
    checks.map_values("published_on", "published", _partial_date, DATE_SCHEMA)
    _not_in_future(checks, "published", ctx.today)
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


def validate_figures(frame: pl.DataFrame, ctx: Context) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame = _with_optional("figures", frame)
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
    checks.map_values("unit", "u", lambda t: vars(parse_unit(t)), UNIT_SCHEMA)
    _growth_metrics(checks)
    _read_values(checks, ctx)
    checks.vocabulary("bound", BOUNDS, default="exact")
    checks.vocabulary("direction", DIRECTIONS)
    _resolve_region(checks, "region", ctx)
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

    checks.map_keys(["period", "_fiscal", "_calendar"], "p", period, PERIOD_SCHEMA)
    checks.map_values("as_of", "asof", _partial_date, DATE_SCHEMA)
    _figure_rules(checks, ctx)
    _convert_to_base(checks, ctx)
    _duplicate_figures(checks, parts=ctx.combine is not None)
    good, issues = checks.split()
    rows, lines = combine_lines(_figure_rows(good), ctx.combine, ctx.combine_hint)
    if ctx.combine is not None:  # lines are parts: the sign rule and a rejected part concern the whole figure
        rows, negative = refuse_negative_sums(rows, _never_negative(ctx))
        rows, partial = refuse_partial_sums(frame, rows, issues)
        lines = pl.concat([lines, negative, partial])
    return rows, pl.concat([issues, lines]).sort(ROW, maintain_order=True)


def _never_negative(ctx: Context) -> list[str]:
    """The metrics whose figures cannot be negative (metrics' can_be_negative false: revenue, counts)."""
    return [m for m, p in ctx.metrics.items() if not p.get("can_be_negative", True)]


def _growth_metrics(checks: RowChecks) -> None:
    """A value in a growth unit ('10' in '% YoY' on revenue) is a figure of the growth metric
    'revenue_growth_yoy' (the bundled reference names these; others are added as percent metrics), compared
    with the growth of the metric's actuals on the prior period (view growth_bases). unit_raw keeps '% YoY'."""
    growth = pl.col("u").struct.field("growth")
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


def _resolve_region(checks: RowChecks, column: str, ctx: Context) -> None:
    # 'Florida' is a US state and a department of Uruguay: in a column of US states it is the state
    prefer = ctx.resolver.preferred_countries(checks.frame[column].drop_nulls().unique().to_list())

    def resolve(text: str) -> str:
        code = ctx.resolver.resolve(text, prefer)
        if code is None:
            raise Problem(f"unknown region '{text}'", ctx.resolver.suggest(text))
        return code

    checks.map_values(column, "region_code", resolve, pl.String)


def _figure_rules(checks: RowChecks, ctx: Context) -> None:
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
        (c("value") < 0) & c("metric").is_in(_never_negative(ctx)) & pl.lit(ctx.combine is None),
        "value",
        pl.format("negative value for {}, which cannot be negative", c("metric")),
        "losses belong to a profit metric; check the sign",
    )
    # as_of defaults to the source's publication date
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
    checks.flag(
        c("source_id").is_not_null() & c("_src_known").is_null(),
        "source_id",
        pl.format(
            "unknown source '{}': no row with that source_id in this dataset's sources", c("source_id")
        ),
        "add the source to the dataset's sources file (or to DATA_DIR/reference/ to share it)",
    )
    as_of_start = pl.coalesce(c("asof").struct.field("start"), c("_src_date"))
    checks.frame = checks.frame.with_columns(
        as_of_start.alias("as_of_date"),
        pl.coalesce(c("asof").struct.field("precision"), c("_src_precision")).alias("as_of_precision"),
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
        c("kind").is_in(["actual", "estimate"]) & (c("as_of_date") < c("p").struct.field("start")),
        "as_of",
        "an actual cannot be known before its period starts",
        "if this was expected, use kind target, guidance, consensus, projection or budget",
        value=c("as_of_date"),
    )


def _convert_to_base(checks: RowChecks, ctx: Context) -> None:
    c = pl.col

    def rate(values: tuple) -> float:
        currency, start, end = values
        return ctx.fx.usd_per_unit(currency, start, end).usd_per_unit

    checks.frame = checks.frame.with_columns(
        c("u").struct.field("currency").alias("currency"),
        c("p").struct.field("start").alias("_pstart"),
        c("p").struct.field("end").alias("_pend"),
    )
    checks.map_keys(["currency", "_pstart", "_pend"], "fx_usd_per_unit", rate, pl.Float64, report="unit")
    factor = c("u").struct.field("scale") * pl.when(c("currency").is_null()).then(1.0).otherwise(
        c("fx_usd_per_unit")
    )
    checks.frame = checks.frame.with_columns(
        (c("value") * factor).alias("value_base"),
        (c("value_high") * factor).alias("value_high_base"),
    )
    own = {m: p["max_abs_value"] for m, p in ctx.metrics.items() if p.get("max_abs_value")}
    limit = pl.coalesce(
        c("metric").replace_strict(own, default=None, return_dtype=pl.Float64),
        c("u").struct.field("kind").replace_strict(PLAUSIBLE, default=None, return_dtype=pl.Float64),
    )
    checks.flag(
        (c("value_base").abs() > limit) | (c("value_high_base").abs() > limit),
        "value",
        pl.format(
            "implausibly large value for {}: {} {} (the limit is {} {})",
            c("metric"),
            pl.max_horizontal(c("value_base").abs(), c("value_high_base").abs()).cast(pl.String),
            c("u").struct.field("base_unit"),
            limit.cast(pl.String),
            c("u").struct.field("base_unit"),
        ),
        "check the unit's scale (bn vs m), or set max_abs_value for the metric in a metrics file",
    )
    unit_kinds = {m: p["unit_kind"] for m, p in ctx.metrics.items() if p.get("unit_kind")}
    expected_kind = c("metric").replace_strict(unit_kinds, default=None, return_dtype=pl.String)
    checks.flag(
        expected_kind.is_not_null() & c("u").is_not_null() & (c("u").struct.field("kind") != expected_kind),
        "unit",
        pl.format(
            "unit '{}' is {} but {} is measured in {}",
            c("unit"),
            c("u").struct.field("kind"),
            c("metric"),
            expected_kind,
        ),
    )


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


def _duplicate_figures(checks: RowChecks, parts: bool = False) -> None:
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


def _figure_rows(good: pl.DataFrame) -> pl.DataFrame:
    c = pl.col
    return good.select(
        c("_figure_key").alias("figure_id"),
        "entity",
        "metric",
        "region_code",
        c("p").struct.field("label").alias("period"),
        c("p").struct.field("grain").alias("grain"),
        c("p").struct.field("start").alias("period_start"),
        c("p").struct.field("end").alias("period_end"),
        "kind",
        c("kind").is_in(list(EXPECTATION_KINDS)).alias("is_expectation"),
        c("value_base").alias("value"),
        c("value_high_base").alias("value_high"),
        "bound",
        c("u").struct.field("base_unit").alias("unit"),
        "direction",
        c("as_of_date").alias("as_of"),
        "as_of_precision",
        "source_id",
        "note",
        c("value").alias("value_raw"),
        c("value_high").alias("value_high_raw"),
        c("unit").alias("unit_raw"),
        c("u").struct.field("scale").alias("unit_scale"),
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


def validate_events(frame: pl.DataFrame, ctx: Context) -> tuple[pl.DataFrame, pl.DataFrame]:
    c = pl.col
    checks = RowChecks(_with_optional("events", frame))
    checks.require(REQUIRED["events"])
    checks.duplicates("event_id", "event_id")
    checks.vocabulary("category", EVENT_CATEGORIES)
    checks.vocabulary("status", EVENT_STATUSES)
    checks.map_values("date", "d", _partial_date, DATE_SCHEMA)
    checks.map_values("date_end", "d_end", _partial_date, DATE_SCHEMA)
    _resolve_region(checks, "jurisdiction", ctx)
    checks.flag(
        c("d_end").struct.field("start") < c("d").struct.field("start"), "date_end", "date_end is before date"
    )
    checks.flag(
        c("source_id").is_not_null() & ~c("source_id").is_in(list(ctx.source_dates)),
        "source_id",
        pl.format(
            "unknown source '{}': no row with that source_id in this dataset's sources", c("source_id")
        ),
        "add the source to the dataset's sources file (or to DATA_DIR/reference/ to share it)",
    )

    # an event without a status is 'expected' if it lies ahead, else 'effective'
    status = (
        pl.when(c("status").is_not_null())
        .then(c("status"))
        .when(c("d").struct.field("start") > pl.lit(ctx.today))
        .then(pl.lit("expected"))
        .otherwise(pl.lit("effective"))
    )
    checks.frame = checks.frame.with_columns(status.alias("status"))
    good, issues = checks.split()
    rows = good.select(
        "event_id",
        c("d").struct.field("start").alias("date"),
        c("d").struct.field("precision").alias("date_precision"),
        c("d_end").struct.field("start").alias("date_end"),
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
