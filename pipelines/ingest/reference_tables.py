"""Reference data: regions, metrics and entities shipped with the package, extended by the data dir.

Precedence (later wins): the package's `pipelines/reference/*.csv`, then `DATA_DIR/reference/`, then each
dataset's own `regions.*`, `entities.*`, `metrics.*`. Metrics and entities that figures use without
declaring them are added with sensible defaults, and say so in their description.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from pipelines.ingest import compositions, fx_file
from pipelines.ingest.check_rows.context import REFERENCE_DATASET
from pipelines.ingest.files import FileLoad
from pipelines.ingest.problems import ISSUE_SCHEMA, Problem, RowChecks
from pipelines.ingest.readers import ROW
from pipelines.ingest.schemas import table_schema
from pipelines.ingest.vocabulary import metric_id
from pipelines.normalise.dates import month_after
from pipelines.normalise.fx import monthly_rates
from pipelines.normalise.regions import RegionResolver, build_regions
from pipelines.normalise.retail_calendar import (
    parse_calendar,
    read_named_by,
    read_pattern,
    year_end_month,
    year_end_text,
)

PACKAGE_REFERENCE = Path(__file__).resolve().parent.parent / "reference"
KINDS = ("regions", "entities", "metrics", "fx")
REFERENCE_KINDS = KINDS  # the kinds DATA_DIR/reference/ may hold
UNIT_KINDS = ("money", "percent", "count", "ratio", "duration")
# how a metric's finer periods combine into coarser ones; empty = the default of view metric_aggregations
AGGREGATIONS = ("sum", "mean", "last", "none")
# The shapes of the frames the load builds, from sql/tables/*.sql (pipelines/ingest/schemas.py).
TABLE_SCHEMAS = {kind: table_schema(kind) for kind in ("metrics", "entities", "sources", "figures", "events")}


def empty_table(kind: str) -> pl.DataFrame:
    return pl.DataFrame(schema=TABLE_SCHEMAS[kind])


def _bool(expr: pl.Expr) -> pl.Expr:
    return (
        expr.str.to_lowercase()
        .str.strip_chars()
        .replace_strict(
            {
                "true": True,
                "yes": True,
                "1": True,
                "y": True,
                "false": False,
                "no": False,
                "0": False,
                "n": False,
            },
            default=None,
            return_dtype=pl.Boolean,
        )
    )


def _checked(
    f: FileLoad, issues: list[pl.DataFrame], required: list[str], optional: list[str]
) -> pl.DataFrame:
    """Rows of a reference file with its required fields present; issues are appended to `issues`."""
    frame = f.raw.frame
    frame = frame.select(  # the format's columns only: unknown ones are ignored
        pl.col(ROW),
        *[
            pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c)
            for c in [*required, *optional]
        ],
    )
    checks = RowChecks(frame)
    checks.require(required)
    good, found = checks.split()
    issues.append(found)
    return good


def _read_metrics(files: list[FileLoad], issues: dict[str, list[pl.DataFrame]]) -> pl.DataFrame:
    base = pl.read_csv(PACKAGE_REFERENCE / "metrics.csv", schema=TABLE_SCHEMAS["metrics"])
    for f in files:
        rows = _checked(
            f,
            issues[f.file.name],
            ["metric", "unit_kind"],
            [
                "name",
                "additive",
                "higher_is_better",
                "can_be_negative",
                "description",
                "aggregation",
                "max_abs_value",
                "weight_metric",
            ],
        )
        checks = RowChecks(
            rows.with_columns(
                pl.col("metric").map_elements(metric_id, return_dtype=pl.String),
                pl.col("unit_kind").str.to_lowercase(),
                pl.col("aggregation").str.strip_chars().str.to_lowercase().replace("", None),
                pl.col("max_abs_value").cast(pl.Float64, strict=False).alias("_max"),
                pl.col("weight_metric")
                .str.strip_chars()
                .replace("", None)
                .map_elements(metric_id, return_dtype=pl.String),
            )
        )
        checks.flag(
            pl.col("max_abs_value").is_not_null() & ~(pl.col("_max") > 0).fill_null(False),
            "max_abs_value",
            "max_abs_value must be a positive number (in the metric's base unit: USD, %, count, ratio)",
        )
        checks.flag(
            ~pl.col("unit_kind").is_in(UNIT_KINDS),
            "unit_kind",
            "unknown unit_kind",
            f"use one of: {', '.join(UNIT_KINDS)}",
        )
        checks.flag(
            pl.col("aggregation").is_not_null() & ~pl.col("aggregation").is_in(AGGREGATIONS),
            "aggregation",
            "unknown aggregation",
            f"use one of: {', '.join(AGGREGATIONS)} (or leave empty for the default from unit_kind and additive)",
        )
        for flag in ("additive", "higher_is_better", "can_be_negative"):
            checks.flag(
                pl.col(flag).is_not_null() & _bool(pl.col(flag)).is_null(),
                flag,
                f"{flag} must be true or false",
            )
        good, found = checks.split()
        issues[f.file.name].append(found)
        money_or_count = pl.col("unit_kind").is_in(["money", "count"])
        new = good.select(
            "metric",
            pl.coalesce("name", "metric").alias("name"),
            "unit_kind",
            pl.coalesce(_bool(pl.col("additive")), money_or_count).alias("additive"),
            pl.coalesce(_bool(pl.col("higher_is_better")), pl.lit(True)).alias("higher_is_better"),
            pl.coalesce(_bool(pl.col("can_be_negative")), ~money_or_count).alias("can_be_negative"),
            "description",
            "aggregation",
            pl.col("_max").alias("max_abs_value"),
            "weight_metric",
        )
        base = pl.concat([base.filter(~pl.col("metric").is_in(new["metric"].implode())), new])
    return base


def _entity_aliases(files: list[FileLoad]) -> dict[str, str]:
    """alias -> entity from the entities files' optional `aliases` column (';' separated)."""
    aliases: dict[str, str] = {}
    for f in files:
        if "aliases" not in f.raw.frame.columns:
            continue
        for entity, written in f.raw.frame.select("entity", "aliases").drop_nulls().iter_rows():
            aliases |= {a.strip(): entity.strip() for a in written.split(";") if a.strip()}
    return aliases


def _package_entities() -> pl.DataFrame:
    """The package's entities: its file holds the columns it needs; the rest of the table's are empty."""
    schema = TABLE_SCHEMAS["entities"]
    base = pl.read_csv(PACKAGE_REFERENCE / "entities.csv", infer_schema=False)
    return base.select([pl.col(c) if c in base.columns else pl.lit(None).alias(c) for c in schema]).cast(
        schema
    )


def _read_entities(files: list[FileLoad], issues: dict[str, list[pl.DataFrame]]) -> pl.DataFrame:
    base = _package_entities()
    for f in files:
        rows = _checked(
            f,
            issues[f.file.name],
            ["entity"],
            [
                "parent",
                "fiscal_year_start_month",
                "description",
                "aliases",
                "calendar",
                "year_end",
                "fiscal_year_named_by",
            ],
        )
        checks = RowChecks(
            rows.with_columns(pl.col("fiscal_year_start_month").cast(pl.Int32, strict=False).alias("_fy"))
        )
        checks.flag(
            pl.col("fiscal_year_start_month").is_not_null() & ~pl.col("_fy").is_between(1, 12),
            "fiscal_year_start_month",
            "fiscal_year_start_month must be a month number 1-12",
        )
        _retail_calendar_rules(checks)
        good, found = checks.split()
        issues[f.file.name].append(found)
        retail = pl.col("_calendar").is_not_null()
        new = good.select(
            "entity",
            "parent",
            pl.coalesce("_fy", pl.when(retail).then(pl.col("_start_month")), pl.lit(1, pl.Int32)).alias(
                "fiscal_year_start_month"
            ),
            "description",
            pl.col("_calendar").alias("calendar"),
            pl.col("_year_end").alias("year_end"),
            pl.when(retail).then(pl.coalesce("_named_by", pl.lit("end"))).alias("fiscal_year_named_by"),
        )
        base = pl.concat(
            [base.filter(~pl.col("entity").is_in(new["entity"].implode())), new.cast(base.schema)]
        )
    return base


def _retail_calendar_rules(checks: RowChecks) -> None:
    """An entity's retail calendar (docs/data-formats.md, "entities"): `calendar` and `year_end` together,
    `fiscal_year_named_by` only with them, and a `fiscal_year_start_month` that agrees with the year end."""
    checks.map_values("calendar", "_calendar", read_pattern, pl.String)
    checks.map_values(
        "year_end",
        "_end",
        lambda t: {"text": year_end_text(t), "start_month": month_after(year_end_month(t))},
        pl.Struct({"text": pl.String, "start_month": pl.Int32}),
    )
    checks.map_values("fiscal_year_named_by", "_named_by", read_named_by, pl.String)
    c = pl.col
    checks.frame = checks.frame.with_columns(
        c("_end").struct.field("text").alias("_year_end"),
        c("_end").struct.field("start_month").alias("_start_month"),
    )
    checks.flag(
        c("calendar").is_not_null() & c("year_end").is_null(),
        "year_end",
        pl.format("a {} calendar needs a year_end", c("_calendar")),
        "write it as 'last Saturday of January' or 'Saturday nearest January 31' (weeks end on that weekday)",
    )
    checks.flag(
        c("calendar").is_null() & c("year_end").is_not_null(),
        "calendar",
        "year_end is given without a calendar",
        "set calendar to 4-4-5, 4-5-4 or 5-4-4 (the weeks of each quarter's months), or leave year_end empty "
        "for a fiscal year of calendar months",
    )
    checks.flag(
        c("calendar").is_null() & c("fiscal_year_named_by").is_not_null(),
        "fiscal_year_named_by",
        "fiscal_year_named_by is given without a calendar",
        "it applies to a retail calendar (calendar, year_end); a fiscal year of calendar months is named by the "
        "year it ends in",
    )
    checks.flag(
        c("calendar").is_not_null() & c("_start_month").is_not_null() & (c("_fy") != c("_start_month")),
        "fiscal_year_start_month",
        pl.format(
            "fiscal_year_start_month {} disagrees with year_end '{}': that year starts in month {}",
            c("_fy"),
            c("_year_end"),
            c("_start_month"),
        ),
        pl.format("write {} or leave it empty", c("_start_month")),
    )


def _read_regions(
    files: list[FileLoad], issues: dict[str, list[pl.DataFrame]]
) -> tuple[pl.DataFrame, RegionResolver]:
    groups = pl.read_csv(PACKAGE_REFERENCE / "region_groups.csv", infer_schema=False)
    aliases = pl.read_csv(PACKAGE_REFERENCE / "region_aliases.csv", infer_schema=False)
    base = RegionResolver(build_regions(groups), aliases)
    extras: list[pl.DataFrame] = []
    declared: set[str] = set()
    for f in files:
        rows = _checked(f, issues[f.file.name], ["code", "name"], ["parent", "aliases", "level"])
        declared |= set(rows["code"].to_list())
        checks = RowChecks(rows.with_columns(pl.col("parent").fill_null("WORLD")))
        checks.map_values(
            "parent", "parent_code", lambda p, d=declared: p if p in d else _known(base, p), pl.String
        )
        good, found = checks.split()
        issues[f.file.name].append(found)
        extras.append(good)
    if not extras or not sum(e.height for e in extras):
        return build_regions(groups), base
    extra = pl.concat(extras)
    regions = build_regions(
        groups, extra.select("code", "name", pl.col("parent_code").alias("parent"), "level")
    )
    more = pl.concat(
        [
            extra.filter(pl.col("aliases").is_not_null())
            .select(pl.col("aliases").str.split(";").alias("alias"), pl.col("code").alias("region_code"))
            .explode("alias")
            .with_columns(pl.col("alias").str.strip_chars()),
            extra.select(pl.col("name").alias("alias"), pl.col("code").alias("region_code")),
        ]
    )
    return regions, RegionResolver(regions, pl.concat([aliases, more.select(aliases.columns)]))


def _known(resolver: RegionResolver, text: str) -> str:
    code = resolver.resolve(text)
    if code is None:
        raise Problem(f"unknown parent region '{text}'", resolver.suggest(text))
    return code


@dataclass
class Reference:
    regions: pl.DataFrame
    resolver: RegionResolver
    metrics: pl.DataFrame
    entities: pl.DataFrame
    issues: dict[str, pl.DataFrame]  # file name -> issues (ISSUE_SCHEMA) of the reference files
    fx_rates: pl.DataFrame  # currency, month, usd_per_unit, source: ECB rates overridden by the user's
    entity_aliases: dict[str, str]  # alias -> entity, from entities files
    compositions: pl.DataFrame | None = None  # what regions and entities are made of (made_of columns)
    # dataset -> the reference that dataset's files are checked against: the package's, DATA_DIR/reference/'s
    # and the dataset's own files, never another dataset's (a dataset without files of its own uses `shared`)
    scoped: dict[str, Reference] = field(default_factory=dict)
    shared: Reference | None = None  # the package's and DATA_DIR/reference/'s alone
    # the warehouse's fx_rates: the shared rates (dataset '_reference') and each dataset's own rates
    fx_table: pl.DataFrame | None = None

    def for_dataset(self, dataset: str) -> Reference:
        """The reference `dataset`'s files are validated against (see `scoped`)."""
        return self.scoped.get(dataset) or self.shared or self

    def metric_props(self) -> dict[str, dict]:
        return {r["metric"]: r for r in self.metrics.iter_rows(named=True)}

    def fiscal_start(self) -> dict[str, int]:
        return dict(zip(self.entities["entity"], self.entities["fiscal_year_start_month"], strict=True))

    def calendars(self) -> dict[str, str]:
        """entity -> its retail calendar's spec (RetailCalendar.spec), for the entities that keep one."""
        retail = self.entities.filter(pl.col("calendar").is_not_null())
        return {
            e: parse_calendar(c, y, n).spec
            for e, c, y, n in retail.select(
                "entity", "calendar", "year_end", "fiscal_year_named_by"
            ).iter_rows()
        }

    def with_new_metrics_and_entities(
        self, figures: pl.DataFrame, events: pl.DataFrame
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Add metrics and entities that figures or events use without declaring them, with defaults."""
        unit_kind = {
            "USD": "money",
            "%": "percent",
            "count": "count",
            "ratio": "ratio",
            "minutes": "duration",
        }
        new_metrics = (
            figures.filter(~pl.col("metric").is_in(self.metrics["metric"].implode()))
            .group_by("metric")
            .agg(pl.col("unit").drop_nulls().first(), pl.col("file").first())
            .sort("metric")
            .select(
                "metric",
                pl.col("metric").str.replace_all("_", " ").str.to_titlecase().alias("name"),
                pl.col("unit").replace_strict(unit_kind, default="money").alias("unit_kind"),
                pl.col("unit").is_in(["USD", "count"]).fill_null(True).alias("additive"),
                pl.lit(True).alias("higher_is_better"),
                pl.lit(True).alias("can_be_negative"),
                pl.format(
                    "added automatically (first used in {}); declare it in a metrics file to set its "
                    "properties",
                    pl.col("file"),
                ).alias("description"),
                pl.lit(None, pl.String).alias("aggregation"),
                pl.lit(None, pl.Float64).alias("max_abs_value"),
                pl.lit(None, pl.String).alias("weight_metric"),
            )
        )
        used = pl.concat([figures.select("entity"), events.select("entity")]).drop_nulls().unique()
        new_entities = (
            used.filter(~pl.col("entity").is_in(self.entities["entity"].implode()))
            .sort("entity")
            .select(
                "entity",
                pl.lit(None, pl.String).alias("parent"),
                pl.lit(1, pl.Int32).alias("fiscal_year_start_month"),
                pl.lit(
                    "added automatically; declare it in an entities file to set its parent and fiscal year"
                ).alias("description"),
                pl.lit(None, pl.String).alias("calendar"),
                pl.lit(None, pl.String).alias("year_end"),
                pl.lit(None, pl.String).alias("fiscal_year_named_by"),
            )
        )
        return (
            pl.concat([self.metrics, new_metrics.cast(TABLE_SCHEMAS["metrics"])]),
            pl.concat([self.entities, new_entities.cast(TABLE_SCHEMAS["entities"])]),
        )


def build(files: list[FileLoad]) -> Reference:
    """Reference tables from the package plus every readable regions/entities/metrics/fx file, in order.

    Everything a dataset brings applies to that dataset only (docs/data-formats.md, "Datasets cannot touch each
    other"): each dataset's files are checked against `Reference.for_dataset(name)`, built from the package,
    DATA_DIR/reference/ and that dataset's own files. The returned object's own tables (regions, metrics,
    entities, compositions: one definition per id, read by the views) are built from every file as before;
    its `fx_table` holds the rates per scope (column `dataset`) and `issues` each file's issues from its own
    scope."""
    shared_files = [f for f in files if f.file.dataset == REFERENCE_DATASET]
    shared = _build_one(shared_files, [])
    scoped: dict[str, Reference] = {}
    issues = dict(shared.issues)
    fx_parts = [shared.fx_rates.with_columns(pl.lit(REFERENCE_DATASET).alias("dataset"))]
    kept = list(shared_files)
    for dataset in dict.fromkeys(f.file.dataset for f in files if f.file.dataset != REFERENCE_DATASET):
        own = [f for f in files if f.file.dataset == dataset]
        ref = _build_one([*shared_files, *own], own, shared.fx_rates)
        refused = _redefinitions(own, ref, shared)
        if refused:  # rebuilt without the refused rows: a rejected row applies nowhere
            own = [_without(f, refused.get(f.file.name)) for f in own]
            ref = _build_one([*shared_files, *own], own, shared.fx_rates)
        scoped[dataset] = ref
        kept += own
        issues |= {
            f.file.name: pl.concat([ref.issues[f.file.name], *refused.get(f.file.name, [])]) for f in own
        }
        own_rates = ref.fx_rates.join(shared.fx_rates, on=list(fx_file.RATES_SCHEMA), how="anti")
        fx_parts.append(own_rates.with_columns(pl.lit(dataset).alias("dataset")))
    every = _build_one(kept, [], shared.fx_rates)
    every.metrics = _shared_first(every.metrics, shared.metrics, "metric")
    every.entities = _shared_first(every.entities, shared.entities, "entity")
    every.regions = _shared_first(every.regions, shared.regions, "region_code")
    every.issues = issues
    every.scoped, every.shared = scoped, shared
    every.fx_rates = shared.fx_rates
    every.fx_table = (
        pl.concat(fx_parts).select("dataset", *fx_file.RATES_SCHEMA).sort("dataset", "currency", "month")
    )
    return every


# what makes a definition: per kind, the id column and, per compared table column, the file columns that
# write it (a row that leaves them all empty does not redefine that part: it may add aliases to a shared id)
_DEFINES: dict[str, tuple[str, dict[str, list[str]]]] = {
    "metrics": (
        "metric",
        {
            "unit_kind": ["unit_kind"],
            "additive": ["additive", "unit_kind"],
            "higher_is_better": ["higher_is_better"],
            "can_be_negative": ["can_be_negative", "unit_kind"],
            "aggregation": ["aggregation", "additive", "unit_kind"],
            "max_abs_value": ["max_abs_value"],
            "weight_metric": ["weight_metric"],
        },
    ),
    "entities": (
        "entity",
        {
            "parent": ["parent"],
            "fiscal_year_start_month": ["fiscal_year_start_month", "calendar", "year_end"],
            "calendar": ["calendar"],
            "year_end": ["year_end"],
            "fiscal_year_named_by": ["fiscal_year_named_by", "calendar"],
        },
    ),
    "regions": ("region_code", {"parent_code": ["parent"], "level": ["level"], "path": ["parent"]}),
}


def _redefinitions(own: list[FileLoad], ref: Reference, shared: Reference) -> dict[str, list[pl.DataFrame]]:
    """file name -> issues for the rows of a dataset's own regions, entities and metrics files that give an
    id the shared reference (the package's or DATA_DIR/reference/'s) defines a different definition. The
    warehouse's views read one definition per id for every dataset, so a dataset may add ids, never change
    a shared one (an identical copy is fine). Empty when there are none."""
    tables = {
        "metrics": (ref.metrics, shared.metrics),
        "entities": (ref.entities, shared.entities),
        "regions": (ref.regions, shared.regions),
    }
    out: dict[str, list[pl.DataFrame]] = {}
    for kind, (key, writes) in _DEFINES.items():
        columns = list(writes)
        mine, theirs = tables[kind]
        if kind == "metrics":  # an aggregation left empty means the default (view metric_aggregations)
            mine, theirs = _effective_aggregation(mine), _effective_aggregation(theirs)
        changed = (
            mine.select(key, *columns)
            .join(theirs.select(key, *columns), on=key, how="inner", suffix="_shared")
            .filter(pl.any_horizontal(*[pl.col(c).ne_missing(pl.col(f"{c}_shared")) for c in columns]))
        )
        if changed.is_empty():
            continue
        # id -> the file columns whose values made it differ
        differs = {
            row[key]: {w for c in columns if row[c] != row[f"{c}_shared"] for w in writes[c]}
            for row in changed.to_dicts()
        }
        written = "code" if kind == "regions" else key
        for f in own:
            if f.file.kind != kind or not f.usable or written not in f.raw.frame.columns:
                continue
            frame = f.raw.frame.with_columns(
                pl.col(written)
                .map_elements(metric_id if kind == "metrics" else str.strip, return_dtype=pl.String)
                .alias("_id")
            )
            writing = [
                pl.col("_id").eq(i)
                & pl.any_horizontal(*[pl.col(w).is_not_null() for w in ws if w in frame.columns])
                for i, ws in differs.items()
                if any(w in frame.columns for w in ws)
            ]
            if not writing:
                continue
            hits = frame.filter(pl.any_horizontal(*writing))
            if hits.is_empty():
                continue
            noun = {"metrics": "metric", "entities": "entity", "regions": "region"}[kind]
            out.setdefault(f.file.name, []).append(
                hits.select(
                    pl.col(ROW),
                    pl.lit(written).alias("column_name"),
                    pl.col(written).alias("value"),
                    pl.format(
                        "{} '{}' is defined for every dataset (the package's reference or DATA_DIR/reference/) "
                        "and this row defines it differently; a dataset may add {}s, not change a shared one "
                        "for the others",
                        pl.lit(noun),
                        pl.col("_id"),
                        pl.lit(noun),
                    ).alias("reason"),
                    pl.lit(
                        f"give the {noun} an id of your own, or change the shared definition in "
                        f"DATA_DIR/reference/{kind}.csv (for every dataset)"
                    ).alias("suggestion"),
                ).cast(ISSUE_SCHEMA)
            )
    return out


def _shared_first(table: pl.DataFrame, shared: pl.DataFrame, key: str) -> pl.DataFrame:
    """`table` with the shared definition for every id the shared reference defines (a dataset's row for it
    was a copy, or only added aliases), in `table`'s order."""
    by_id = {r[key]: r for r in shared.to_dicts()}
    return pl.DataFrame([by_id.get(r[key], r) for r in table.to_dicts()], schema=table.schema)


def _effective_aggregation(metrics: pl.DataFrame) -> pl.DataFrame:
    """metrics with `aggregation` filled by its default, as sql/views/chosen/metric_aggregations.sql does."""
    c = pl.col
    default = (
        pl.when(c("additive"))
        .then(pl.lit("sum"))
        .when(c("unit_kind").is_in(["percent", "ratio", "duration"]))
        .then(pl.lit("mean"))
        .when(c("unit_kind") == "count")
        .then(pl.lit("last"))
        .otherwise(pl.lit("none"))
    )
    return metrics.with_columns(pl.coalesce(c("aggregation"), default).alias("aggregation"))


def _without(f: FileLoad, issues: list[pl.DataFrame] | None) -> FileLoad:
    """`f` without the rows these issues name."""
    if not issues:
        return f
    rows = pl.concat(issues)[ROW].implode()
    return replace(f, raw=replace(f.raw, frame=f.raw.frame.filter(~pl.col(ROW).is_in(rows))))


def _build_one(
    files: list[FileLoad], own: list[FileLoad], shared_rates: pl.DataFrame | None = None
) -> Reference:
    """One scope's reference: the package's tables extended by `files` (in order; later wins). Rates: the ECB's,
    overridden by the rates files among `files` (when `shared_rates` is None: the shared scope), else
    `shared_rates` overridden by the rates files among `own` (a dataset's rates win over the shared ones
    for its own figures)."""
    by_kind = {k: [f for f in files if f.file.kind == k] for k in KINDS}
    issues: dict[str, list[pl.DataFrame]] = {f.file.name: [] for f in files}
    regions, resolver = _read_regions(by_kind["regions"], issues)
    metrics = _read_metrics(by_kind["metrics"], issues)
    entities = _read_entities(by_kind["entities"], issues)
    rate_files = by_kind["fx"] if shared_rates is None else [f for f in own if f.file.kind == "fx"]
    user_rates = fx_file.checked_rates(rate_files, issues)
    base = monthly_rates() if shared_rates is None else shared_rates
    fx_rates = fx_file.merge_rates(base, fx_file.monthly_user_rates(user_rates))
    aliases = _entity_aliases(by_kind["entities"])
    parts = pl.concat(
        [
            compositions.read(by_kind["regions"], "region", resolver, issues),
            compositions.read(by_kind["entities"], "entity", None, issues),
        ]
    )
    merged = {n: pl.concat(p) if p else pl.DataFrame(schema=ISSUE_SCHEMA) for n, p in issues.items()}
    return Reference(regions, resolver, metrics, entities, merged, fx_rates, aliases, parts)
