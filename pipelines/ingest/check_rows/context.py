"""The reference a file's rows are checked against (`Context`), the columns of each input kind, and the
small rules every kind shares (optional columns, partial dates, dates in the future, an unknown source).

Pure functions: no Dagster, no I/O. The kinds' own rules are in `sources.py`, `events.py` and `figures.py`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.ingest.dataset_settings import NO_SETTINGS, DatasetSettings
from pipelines.ingest.problems import Problem, RowChecks
from pipelines.ingest.readers import ROW
from pipelines.normalise.dates import parse_partial_date
from pipelines.normalise.fx import FxTable
from pipelines.normalise.numbers import DECIMAL_POINT, NumberConvention, detect_convention
from pipelines.normalise.regions import RegionResolver

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
REFERENCE_DATASET = "_reference"  # DATA_DIR/reference/: shared regions, entities, metrics and sources
DATE_SCHEMA = pl.Struct({"start": pl.Date, "precision": pl.String})


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
    """The required columns of input kind `kind` that `frame` lacks, in REQUIRED order."""
    return [c for c in REQUIRED[kind] if c not in frame.columns]


def with_optional(kind: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Exactly the format's columns: absent optional ones added empty, unknown ones dropped (they are ignored,
    and must not collide with the names the rules use for their intermediate results)."""
    known = [*REQUIRED[kind], *OPTIONAL[kind]]
    return frame.select(
        pl.col(ROW), *[pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c) for c in known]
    )


def partial_date(text: str) -> dict:
    """A partial date ('2024', '2024-03', '2024-03-05') as {start: date, precision: 'year'|'month'|'day'}
    (DATE_SCHEMA); raises the normalise error naming the text."""
    parsed = parse_partial_date(text)
    return {"start": parsed.start, "precision": parsed.precision}


def not_in_future(checks: RowChecks, column: str, today: date) -> None:
    """Reject a row whose parsed date struct `column` (DATE_SCHEMA) starts after `today`."""
    checks.flag(
        pl.col(column).struct.field("start") > pl.lit(today),
        column,
        f"{column} is in the future (after {today.isoformat()})",
        "check the year",
    )


def unknown_source(checks: RowChecks, known: pl.Expr) -> None:
    """Reject a row citing a source_id that `known` (a boolean expression per row) says is not among the
    sources its dataset may cite (its own and DATA_DIR/reference/'s)."""
    checks.flag(
        pl.col("source_id").is_not_null() & ~known,
        "source_id",
        pl.format(
            "unknown source '{}': no row with that source_id in this dataset's sources", pl.col("source_id")
        ),
        "add the source to the dataset's sources file (or to DATA_DIR/reference/ to share it)",
    )


def resolve_region(checks: RowChecks, column: str, ctx: Context) -> None:
    """Add `region_code`: the region code of each text in `column`; an unknown region is a rejected row
    naming the text, with the closest known name as its suggestion."""
    # 'Florida' is a US state and a department of Uruguay: in a column of US states it is the state
    prefer = ctx.resolver.preferred_countries(checks.frame[column].drop_nulls().unique().to_list())

    def resolve(text: str) -> str:
        code = ctx.resolver.resolve(text, prefer)
        if code is None:
            raise Problem(f"unknown region '{text}'", ctx.resolver.suggest(text))
        return code

    checks.map_values(column, "region_code", resolve, pl.String)
