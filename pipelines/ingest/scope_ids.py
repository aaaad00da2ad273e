"""Scope ids: validate every file of one kind (check_rows/) in its dataset's context, and reject an id already
loaded from an earlier file of the same dataset: ids are scoped to their dataset, so another dataset's ids
never collide with them. `impact validate` runs the same stage, so a check and a run cannot disagree."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from pipelines.ingest import combine
from pipelines.ingest import reference_tables as reference
from pipelines.ingest.check_rows.context import REFERENCE_DATASET, Context
from pipelines.ingest.check_rows.events import validate_events
from pipelines.ingest.check_rows.figures import validate_figures
from pipelines.ingest.check_rows.sources import validate_sources
from pipelines.ingest.files import FileLoad
from pipelines.ingest.identity import canonical_entities, entity_names
from pipelines.ingest.problems import ISSUE_SCHEMA
from pipelines.ingest.read import dataset_settings
from pipelines.ingest.readers import ROW
from pipelines.normalise.fx import FxTable

KEYS = {"sources": "source_id", "figures": "figure_id", "events": "event_id"}


@dataclass(frozen=True)
class Stage:
    """The rows one validation stage loaded, and per file the issues it found."""

    rows: pl.DataFrame
    issues: dict[str, pl.DataFrame]
    ms: dict[str, float]
    notes: dict[str, list[str]] = field(default_factory=dict)  # file name -> what was read how (entities)
    combined: dict[str, int] = field(default_factory=dict)  # file name -> lines added into another's figure


def build_reference(files: list[FileLoad]) -> reference.Reference:
    """The reference data (regions, entities, metrics, rates; shared and per dataset) of the usable files."""
    return reference.build([f for f in files if f.file.kind in reference.KINDS and f.usable])


def context(
    ref: reference.Reference, sources: pl.DataFrame | None = None, today: date | None = None
) -> Context:
    """The Context files are checked in: `ref`'s shared fields, each dataset's own (`Context.scoped`), and
    with `sources` (the sources stage's rows) every loaded source's publication date."""
    ctx = Context(
        **_reference_fields(ref.shared or ref),
        today=today or date.today(),
        scoped={dataset: _reference_fields(r) for dataset, r in ref.scoped.items()},
    )
    if sources is not None:
        ctx.all_sources = dict(
            zip(
                zip(sources["dataset"], sources["source_id"], strict=True),
                zip(sources["published_date"], sources["published_precision"], strict=True),
                strict=True,
            )
        )
    return ctx


def _reference_fields(ref: reference.Reference) -> dict:
    """The Context fields one scope's reference gives (see Context.scoped)."""
    return {
        "resolver": ref.resolver,
        "metrics": ref.metric_props(),
        "fiscal_start": ref.fiscal_start(),
        "fx": FxTable(ref.fx_rates),
        "entity_aliases": ref.entity_aliases,
        "calendars": ref.calendars(),
    }


Validator = Callable[[pl.DataFrame, Context], tuple[pl.DataFrame, pl.DataFrame]]
VALIDATORS: dict[str, Validator] = {
    "sources": validate_sources,
    "figures": validate_figures,
    "events": validate_events,
}


def validate_kind(files: list[FileLoad], kind: str, ctx: Context) -> Stage:
    """Validate every readable file of one kind, then reject ids already loaded from an earlier file of the
    same dataset (ids are scoped to their dataset: another dataset's ids never collide with them).

    `impact validate` runs this same function, so a check and a run cannot disagree."""
    key = KEYS[kind]
    settings = dataset_settings(files)
    names = {
        dataset: _entity_names([f for f in files if f.file.dataset == dataset], ctx.for_dataset(dataset))
        for dataset in dict.fromkeys(f.file.dataset for f in files)
    }
    frames, issues, ms, notes, combined = [], {}, {}, {}, {}
    by_dataset: dict[str, dict[str, str]] = {}
    keys_by_dataset: dict[str, pl.DataFrame | None] = {}  # figures' keys loaded so far (ingest/combine.py)
    for f in files:
        if f.file.kind != kind or not f.usable:
            continue
        started = time.perf_counter()
        first_seen = by_dataset.setdefault(f.file.dataset, {})
        if kind == "sources" and f.file.dataset != REFERENCE_DATASET:
            # a shared source's id is taken in every dataset, so a citation always means one source
            first_seen = {**by_dataset.get(REFERENCE_DATASET, {}), **first_seen}
        fctx = ctx.for_file(
            settings.get(f.file.dataset), f.file.name, f.raw.delimiter, f.file.layout, f.raw.combine
        )
        frame, notes[f.file.name] = canonical_entities(f.raw.frame, names[f.file.dataset])
        notes[f.file.name] = [*f.raw.notes, *notes[f.file.name]]
        rows, found = _guarded_validate(kind, f, frame, fctx)
        rows, found = _reject_taken_ids(rows, found, key, first_seen)
        if kind == "figures":
            seen = keys_by_dataset.get(f.file.dataset)
            rows, shared, keys_by_dataset[f.file.dataset] = combine.across_files(rows, seen, f.file.name)
            found = pl.concat([found, shared], how="diagonal_relaxed")
            combined[f.file.name] = combine.lines_combined(rows)
        by_dataset[f.file.dataset].update(dict.fromkeys(rows[key].to_list(), f.file.name))
        frames.append(
            rows.with_columns(
                pl.lit(f.file.dataset).alias("dataset"),
                pl.lit(f.file.name).alias("file"),
                pl.col(ROW).alias("row_number"),
            ).drop(ROW)
        )
        issues[f.file.name] = found
        ms[f.file.name] = (time.perf_counter() - started) * 1000
    schema = reference.TABLE_SCHEMAS[kind]
    rows = (
        pl.concat([fr.select(list(schema)).cast(schema) for fr in frames])
        if frames
        else reference.empty_table(kind)
    )
    return Stage(rows, issues, ms, {n: v for n, v in notes.items() if v}, combined)


def _reject_taken_ids(
    rows: pl.DataFrame, found: pl.DataFrame, key: str, first_seen: dict[str, str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows without the ids in `first_seen`, `found` with one issue per line of theirs naming the file that
    loaded the id first). `first_seen`: id -> file name, the ids this dataset already loaded."""
    taken = [i for i in rows[key].to_list() if i in first_seen]
    if not taken:
        return rows, found
    dupes = combine.explode_lines(rows.filter(pl.col(key).is_in(taken))).select(
        pl.col(ROW),
        pl.lit(key).alias("column_name"),
        pl.col(key).alias("value"),
        pl.format(
            "duplicate {} '{}' (already loaded from {})",
            pl.lit(key),
            pl.col(key),
            pl.col(key).replace_strict(first_seen, default=None),
        ).alias("reason"),
        pl.lit("give each row its own id, or remove the copy").alias("suggestion"),
    )
    return rows.filter(~pl.col(key).is_in(taken)), pl.concat(
        [found, dupes.cast(ISSUE_SCHEMA)], how="diagonal_relaxed"
    )


def _entity_names(files: list[FileLoad], ctx: Context) -> dict[str, str]:
    """One spelling per entity key across the figures and events files of one dataset (`files`, `ctx`: that
    dataset's), so another dataset's spelling never renames this one's entities (pipelines/ingest/identity.py)."""
    used = [
        name
        for f in files
        if f.file.kind in ("figures", "events") and f.usable and "entity" in f.raw.frame.columns
        for name in f.raw.frame["entity"].drop_nulls().to_list()
    ]
    return entity_names(ctx.fiscal_start, ctx.entity_aliases, used)


def _guarded_validate(
    kind: str, f: FileLoad, frame: pl.DataFrame, ctx: Context
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Validate one file (`frame`: its rows, entity names made one); if a rule itself fails on it, every row
    of that file (and only that file) is rejected with the error, and the run goes on."""
    try:
        return VALIDATORS[kind](frame, ctx.for_dataset(f.file.dataset))
    except Exception as exc:  # noqa: BLE001 - one file's failure must not end the run
        first = (str(exc).splitlines() or [""])[0][:300]
        issues = f.raw.frame.select(
            pl.col(ROW),
            pl.lit(None, pl.String).alias("column_name"),
            pl.lit(None, pl.String).alias("value"),
            pl.lit(f"the file could not be validated ({type(exc).__name__}: {first})").alias("reason"),
            pl.lit("report this file to the maintainers").alias("suggestion"),
        )
        empty = reference.empty_table(kind).drop("dataset", "file", "row_number")
        return empty.with_columns(pl.lit(None, pl.Int32).alias(ROW)), issues.cast(ISSUE_SCHEMA)
