"""Read: each discovered file parsed once into a RawTable of text cells (pipelines/ingest/readers.py, or a
layout), its dataset.toml read, duplicates of a file already read skipped; no reader failure ends the run."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from pipelines.ingest.check_rows.context import missing_columns
from pipelines.ingest.dataset_settings import DatasetSettings, SettingsError, read_settings
from pipelines.ingest.discover import UNNAMED, discover
from pipelines.ingest.files import FileLoad, InputFile
from pipelines.ingest.layouts import discovery as layouts
from pipelines.ingest.problems import ISSUE_SCHEMA
from pipelines.ingest.readers import ACCEPTED_SUFFIXES, ROW, RawTable, UnreadableFile, read_table


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
    `read` parses one file (default: in this process, `guarded_read`; sandbox.ReaderSandbox.read: in a
    child under limits).

    No reader failure ends the run: whatever a reader raises makes that file unreadable (row 0) with the
    reason, and the other files load."""
    read = read or guarded_read
    seen: dict[tuple[str, str], str] = {}
    out = []
    for f in inputs:
        started = time.perf_counter()
        raw, status, error = None, "loaded", None
        if f.kind == "settings":
            out.append(_read_settings(f, started))
            continue
        if f.kind == UNNAMED:
            out.append(_unnamed(f, started))
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


def _unnamed(f: InputFile, started: float) -> FileLoad:
    """A data file whose name says no input kind: not read, and said (the run's summary, loads, rejected_rows
    row 0), with the two ways to have it read."""
    stem, suffix = f.path.stem, f.path.suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:  # an .xls or .ods: neither its name nor its type is read
        reason = (
            f"not read: '{f.path.name}' names no input kind (figures*, sources*, ...) and '{suffix}' files are "
            f"not read; save it as {stem}.xlsx (or CSV) and rename it figures-{stem}.xlsx, or put a layout beside "
            f"it ({stem}.layout.toml)"
        )
    else:
        reason = (
            f"not read: a file's name says what it holds (figures*, sources*, events*, regions*, entities*, "
            f"metrics*, fx*) and '{f.path.name}' says none; rename it (figures-{stem}{suffix}) or "
            f"put a layout beside it ({stem}.layout.toml: `impact layout guess {f.path.name}` writes one)"
        )
    empty = pl.DataFrame(schema=ISSUE_SCHEMA)
    return FileLoad(f, None, "unreadable", reason, empty, (time.perf_counter() - started) * 1000)


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


def guarded_read(f: InputFile) -> tuple[RawTable | None, str, str | None]:
    """(the RawTable or None, status 'loaded'|'unreadable', the reason) of one file read in this process."""
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
