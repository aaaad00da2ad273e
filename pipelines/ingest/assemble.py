"""Load every dataset folder under DATA_DIR/datasets/ (plus DATA_DIR/reference/) into warehouse-shaped frames.

The load runs in stages that the Dagster assets mirror one to one: read the files, build the reference data,
validate sources, figures and events, then assemble. Each stage returns new values and mutates nothing.
Nothing is lost: each input row ends up in exactly one output table, in `rejected`, or added into another
line's figure (pipelines/ingest/combine.py), and each file gets one `loads` row whose counts satisfy
rows_in = rows_loaded + rows_rejected + rows_combined.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from pipelines.ingest import combine
from pipelines.ingest import reference_tables as reference
from pipelines.ingest.check_rows.context import REFERENCE_DATASET, Context, missing_columns
from pipelines.ingest.check_rows.events import validate_events
from pipelines.ingest.check_rows.figures import validate_figures
from pipelines.ingest.check_rows.sources import validate_sources
from pipelines.ingest.dataset_settings import FILE_NAME as SETTINGS_FILE
from pipelines.ingest.dataset_settings import DatasetSettings, SettingsError, read_settings
from pipelines.ingest.export_values import export_values
from pipelines.ingest.files import FileLoad, InputFile
from pipelines.ingest.identity import canonical_entities, entity_names
from pipelines.ingest.layouts import discovery as layouts
from pipelines.ingest.problems import ISSUE_SCHEMA
from pipelines.ingest.readers import ROW, RawTable, UnreadableFile, read_table
from pipelines.ingest.schemas import table_schema
from pipelines.normalise.fx import FxTable
from pipelines.normalise.regions import with_subdivisions

INPUT_KINDS = ("regions", "entities", "metrics", "sources", "figures", "events", "fx")
REJECTED_SCHEMA = table_schema("rejected_rows")  # sql/tables/rejected_rows.sql
LOADS_SCHEMA = table_schema("loads")  # sql/tables/loads.sql
POLICIES_SCHEMA = table_schema("expectation_policies")  # sql/tables/expectation_policies.sql
PARTS_SCHEMA = table_schema("compositions")  # sql/tables/compositions.sql
KEYS = {"sources": "source_id", "figures": "figure_id", "events": "event_id"}
SHARED_KINDS = (*reference.KINDS, "sources")  # what DATA_DIR/reference/ may hold


@dataclass(frozen=True)
class Stage:
    """The rows one validation stage loaded, and per file the issues it found."""

    rows: pl.DataFrame
    issues: dict[str, pl.DataFrame]
    ms: dict[str, float]
    notes: dict[str, list[str]] = field(default_factory=dict)  # file name -> what was read how (entities)
    combined: dict[str, int] = field(default_factory=dict)  # file name -> lines added into another's figure


@dataclass
class LoadResult:
    tables: dict[str, pl.DataFrame]
    rejected: pl.DataFrame
    loads: pl.DataFrame

    def summary(self) -> dict[str, int]:
        return {
            "files": self.loads.height,
            "unreadable_files": self.loads.filter(pl.col("status") == "unreadable").height,
            "rows_in": int(self.loads["rows_in"].sum()),
            "rows_loaded": int(self.loads["rows_loaded"].sum()),
            "rows_rejected": int(self.loads["rows_rejected"].sum()),
            "rows_combined": int(self.loads["rows_combined"].sum()),
        }


def kind_of(path: Path) -> str | None:
    """Which input kind a file holds, from its name prefix: 'figures-2024.csv' -> 'figures'."""
    name = path.name.lower()
    return next((k for k in INPUT_KINDS if name.startswith(k)), None)


def discover(data_dir: Path) -> list[InputFile]:
    """Every input file, in a deterministic order: reference overrides first, then datasets by name.

    Symbolic links are not followed (a link in a dataset folder could otherwise read any file the process can,
    such as /etc/passwd, into rejected_rows); they are skipped like any file whose name says no input kind."""
    folders = [(data_dir / "reference", REFERENCE_DATASET)]
    datasets = data_dir / "datasets"
    if datasets.is_dir():
        folders += [
            (d, d.name)
            for d in sorted(datasets.iterdir())
            if d.is_dir() and not d.is_symlink() and not d.name.startswith(".")
        ]
    found = []
    for folder, dataset in folders:
        if not folder.is_dir():
            continue
        laid_out = layouts.layout_files(folder) if dataset != "_reference" else {}
        claimed = {p for files in laid_out.values() for p in files}
        for path in sorted(folder.iterdir()):
            if path in claimed or layouts.is_layout(path):
                continue
            f = input_file(path, dataset, data_dir)
            if f is not None and (dataset != REFERENCE_DATASET or f.kind in SHARED_KINDS):
                found.append(f)
        found += laid_out_inputs(laid_out, dataset, data_dir)
    return found


def laid_out_inputs(laid_out: dict[Path, list[Path]], dataset: str, base: Path) -> list[InputFile]:
    """Files read through a layout (kind figures), each layout's own [source] (kind sources), and a layout
    that matches no file (reported unreadable when read)."""
    found = []
    for layout, files in laid_out.items():
        if layouts.has_source(layout):
            found.append(_described(layout, layout, dataset, base, "sources"))
        for path in files or [layout]:
            found.append(_described(path, layout, dataset, base, "figures"))
    return found


def _digest(*parts: Path | bytes) -> str:
    """sha256 of the files' bytes (streamed, never all in memory) and the separators, in order."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            digest.update(part)
            continue
        with part.open("rb") as fh:
            while chunk := fh.read(2**20):
                digest.update(chunk)
    return digest.hexdigest()


def fingerprint(files: Iterable[InputFile]) -> tuple[tuple[str, str, str], ...]:
    """What identifies a set of inputs: (name, kind, content hash) of each, sorted. Equal fingerprints
    mean the same bytes would be read (the publish lock's re-check, pipelines/defs/assets.py)."""
    return tuple(sorted((f.name, f.kind, f.content_hash) for f in files))


def _described(path: Path, layout: Path, dataset: str, base: Path, kind: str) -> InputFile:
    digest = _digest(path, b"\0layout\0", layout)
    return InputFile(path, safe_name(_relative(path, base)), safe_name(dataset), kind, digest, layout)


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def input_file(path: Path, dataset: str, base: Path) -> InputFile | None:
    """Describe one file, or None when its name says no input kind."""
    kind = "settings" if path.name.lower() == SETTINGS_FILE else kind_of(path)
    if kind is None or path.is_symlink() or not path.is_file() or path.name.startswith("."):
        return None
    try:
        name = path.absolute().relative_to(base.absolute()).as_posix()
    except ValueError:
        name = str(path)
    try:
        digest = _digest(path)
    except OSError as exc:  # unreadable (permissions, gone since listed): read_files says so as row 0
        digest = f"unreadable:{name}:{exc.strerror}"
    return InputFile(path, safe_name(name), safe_name(dataset), kind, digest)


def safe_name(name: str) -> str:
    """A file or folder name as text that can be stored and shown: bytes that are not UTF-8 (kept by Python
    as surrogate escapes) become U+FFFD, so they can neither crash the load nor be mistaken for other text."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_inputs(data_dir: Path, isolated: bool = False) -> list[FileLoad]:
    """Every input under `data_dir`, read (read_files). `isolated`: spreadsheets, Parquet files and layout
    reads are parsed in a child process under memory, CPU and time limits (pipelines/ingest/sandbox.py), as
    the Dagster runs do."""
    inputs = discover(Path(data_dir))
    if not isolated:
        return read_files(inputs)
    from pipelines.ingest.sandbox import ReaderSandbox, isolated_read

    with ReaderSandbox() as sandbox:
        return read_files(inputs, isolated_read(sandbox))


def read_files(
    inputs: list[InputFile],
    read: Callable[[InputFile], tuple[RawTable | None, str, str | None]] | None = None,
) -> list[FileLoad]:
    """Read every input file once; identical copies of a file already seen in the same dataset (a file
    dropped twice) are skipped, not loaded twice. A copy in another dataset is that dataset's own input.
    `read` parses one file (default: in this process, `_guarded_read`; sandbox.ReaderSandbox.read: in a
    child under limits).

    No reader failure ends the run: whatever a reader raises makes that file unreadable (row 0) with the
    reason, and the other files load."""
    read = read or _guarded_read
    seen: dict[tuple[str, str], str] = {}
    out = []
    for f in inputs:
        started = time.perf_counter()
        raw, status, error = None, "loaded", None
        if f.kind == "settings":
            out.append(_read_settings(f, started))
            continue
        if (f.dataset, f.content_hash) in seen:
            status = "duplicate_file"
            error = f"identical to {seen[(f.dataset, f.content_hash)]}, which is loaded instead"
        else:
            seen[(f.dataset, f.content_hash)] = f.name
            raw, status, error = read(f)
        if raw is not None and (missing := missing_columns(f.kind, raw.frame)):
            found = ", ".join(c for c in raw.frame.columns if c != ROW)
            status, error = "unreadable", f"missing required column(s): {', '.join(missing)}; found: {found}"
        bad = raw.bad_rows if raw is not None else []
        issues = pl.DataFrame(
            {
                ROW: [b.row for b in bad],
                "column_name": [b.column for b in bad],
                "value": [b.value for b in bad],
                "reason": [b.reason for b in bad],
                "suggestion": [b.suggestion for b in bad],
            },
            schema=ISSUE_SCHEMA,
        )
        out.append(FileLoad(f, raw, status, error, issues, (time.perf_counter() - started) * 1000))
    return out


def _read_settings(f: InputFile, started: float) -> FileLoad:
    settings, status, error = None, "loaded", None
    try:
        settings = read_settings(f.path)
    except SettingsError as exc:
        status, error = "unreadable", f"{exc}; the dataset is loaded without its settings"
    except OSError as exc:
        status, error = "unreadable", f"cannot open the file: {exc.strerror}"
    empty = pl.DataFrame(schema=ISSUE_SCHEMA)
    return FileLoad(f, None, status, error, empty, (time.perf_counter() - started) * 1000, settings)


def dataset_settings(files: list[FileLoad]) -> dict[str, DatasetSettings]:
    """dataset name -> its dataset.toml settings (datasets without one are absent)."""
    return {f.file.dataset: f.settings for f in files if f.settings is not None}


def _guarded_read(f: InputFile) -> tuple[RawTable | None, str, str | None]:
    try:
        if f.layout is not None:
            table = layouts.read_layout_table(f.path, f.layout, f.kind, f.name.removeprefix("datasets/"))
        else:
            table = read_table(f.path)
        return table, "loaded", None
    except UnreadableFile as exc:
        return None, "unreadable", str(exc)
    except OSError as exc:
        return None, "unreadable", f"cannot open the file: {exc.strerror}"
    except Exception as exc:  # noqa: BLE001 - a reader's own bug must cost this file, not the run
        first = (str(exc).splitlines() or [""])[0][:300]
        return None, "unreadable", f"the file could not be read ({type(exc).__name__}: {first})"


def build_reference(files: list[FileLoad]) -> reference.Reference:
    return reference.build([f for f in files if f.file.kind in reference.KINDS and f.usable])


def context(
    ref: reference.Reference, sources: pl.DataFrame | None = None, today: date | None = None
) -> Context:
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
        taken = [i for i in rows[key].to_list() if i in first_seen]
        if taken:
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
            found = pl.concat([found, dupes.cast(ISSUE_SCHEMA)])
            rows = rows.filter(~pl.col(key).is_in(taken))
        if kind == "figures":
            seen = keys_by_dataset.get(f.file.dataset)
            rows, shared, keys_by_dataset[f.file.dataset] = combine.across_files(rows, seen, f.file.name)
            found = pl.concat([found, shared])
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


def _codes(frame: pl.DataFrame, column: str) -> list[str]:
    return frame[column].drop_nulls().unique().to_list() if column in frame.columns else []


def assemble(
    files: list[FileLoad], ref: reference.Reference, sources: Stage, figures: Stage, events: Stage
) -> LoadResult:
    metrics, entities = ref.with_new_metrics_and_entities(figures.rows, events.rows)
    policies = [
        {"dataset": dataset, "policy": f"days_before_end_{days}", "cutoff_days": days}
        for dataset, declared in sorted(dataset_settings(files).items())
        for days in declared.cutoff_days
    ]
    tables = {
        "expectation_policies": pl.DataFrame(policies, schema=POLICIES_SCHEMA),
        "compositions": ref.compositions
        if ref.compositions is not None
        else pl.DataFrame(schema=PARTS_SCHEMA),
        # ISO 3166-2 subdivisions join the tree when a figure or an event names one (pipelines.normalise.regions)
        "regions": with_subdivisions(
            ref.regions, [*_codes(figures.rows, "region_code"), *_codes(events.rows, "jurisdiction")]
        ),
        "metrics": metrics,
        "entities": entities,
        "fx_rates": ref.fx_table if ref.fx_table is not None else ref.fx_rates,
        "sources": sources.rows,
        "figures": figures.rows,
        "events": events.rows,
        "export_values": export_values(files),
    }
    stage_issues = ref.issues | sources.issues | figures.issues | events.issues
    stage_ms = sources.ms | figures.ms | events.ms
    stage_notes = figures.notes | events.notes
    rejected, loads = [], []
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    for f in files:
        meta = {"file": f.file.name, "dataset": f.file.dataset, "input_kind": f.file.kind}
        found = pl.concat([f.read_issues, stage_issues.get(f.file.name, pl.DataFrame(schema=ISSUE_SCHEMA))])
        if f.status != "loaded":
            rejected.append(pl.DataFrame([{**meta, "row_number": 0, "reason": f.error}]))
        origins = f.raw.origins() if f.raw is not None else {}
        rejected.append(
            found.rename({ROW: "row_number"}).with_columns(
                pl.col("row_number")
                .replace_strict(origins, default=None, return_dtype=pl.String)
                .alias("origin"),
                **{k: pl.lit(v) for k, v in meta.items()},
            )
        )
        rows_in = f.raw.rows_in if f.raw is not None else 0
        bad = found[ROW].n_unique() if f.usable else rows_in
        added = figures.combined.get(f.file.name, 0) if f.usable else 0
        loads.append(
            {
                **meta,
                "content_hash": f.file.content_hash,
                "modified_at": _modified_at(f.file.path),
                "status": f.status,
                "rows_in": rows_in,
                "rows_loaded": rows_in - bad - added,
                "rows_rejected": bad,
                "rows_combined": added,
                "error": f.error,
                "duration_ms": round(f.read_ms + stage_ms.get(f.file.name, 0.0), 3),
                "loaded_at": now,
                "notes": "; ".join(stage_notes.get(f.file.name, [])) or None,
            }
        )
    rejected.append(pl.DataFrame(schema=REJECTED_SCHEMA))
    rejected_frame = pl.concat(
        [
            r.select([pl.col(c) if c in r.columns else pl.lit(None).alias(c) for c in REJECTED_SCHEMA]).cast(
                REJECTED_SCHEMA
            )
            for r in rejected
        ]
    )
    return LoadResult(
        tables,
        rejected_frame.sort("file", "row_number", maintain_order=True),
        pl.DataFrame(loads, schema=LOADS_SCHEMA),
    )


def _modified_at(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.lstat().st_mtime, UTC).replace(microsecond=0, tzinfo=None)
    except OSError:  # removed since it was read
        return None


def load_all(data_dir: Path, today: date | None = None) -> LoadResult:
    """All stages in one call (what the Dagster assets do step by step)."""
    return load_files(read_inputs(data_dir), today)


def load_files(files: list[FileLoad], today: date | None = None) -> LoadResult:
    ref = build_reference(files)
    sources = validate_kind(files, "sources", context(ref, today=today))
    ctx = context(ref, sources.rows, today)
    return assemble(
        files, ref, sources, validate_kind(files, "figures", ctx), validate_kind(files, "events", ctx)
    )
