"""`impact validate`: check files without loading them, with the same rules as a run."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.ingest import reference_tables as reference
from pipelines.ingest.assemble import load_files
from pipelines.ingest.check_rows.context import REFERENCE_DATASET
from pipelines.ingest.dataset_settings import FILE_NAME as SETTINGS_FILE
from pipelines.ingest.discover import SHARED_KINDS, input_file, kind_of
from pipelines.ingest.files import InputFile
from pipelines.ingest.read import read_files
from pipelines.words import counted


def _context_files(path: Path) -> list[Path]:
    """A file is checked together with what its folder brings for it, as in a run: its reference, rates,
    sources (ids it may refer to) and `dataset.toml` (number convention, defaults)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file())
    context = [
        p
        for p in sorted(path.parent.iterdir())
        if p.is_file()
        and p != path
        and (kind_of(p) in ("sources", *reference.KINDS) or p.name.lower() == SETTINGS_FILE)
    ]
    return [*context, path]


def validate_paths(paths: list[Path], data_dir: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(loads, rejected) restricted to the named paths, checked against DATA_DIR/reference and sibling files."""
    inputs: dict[Path, InputFile] = {}
    reference_dir = data_dir / "reference"
    for path in sorted(reference_dir.iterdir()) if reference_dir.is_dir() else []:
        f = input_file(path, REFERENCE_DATASET, data_dir)  # the shared folder; other datasets are
        if f is not None and f.kind in SHARED_KINDS:  # never read: ids are scoped to their dataset
            inputs[path.resolve()] = f
    named: set[str] = set()
    for path in paths:
        for p in _context_files(path):
            f = input_file(p, p.parent.name, Path.cwd())
            if f is None:
                continue
            inputs.setdefault(p.resolve(), f)
            if path.is_dir() or p == path:
                named.add(f.name)
        if path.is_file() and kind_of(path) is None:
            raise SystemExit(
                f"{path}: cannot tell the input kind from the name; name it sources*, figures*, "
                "events*, regions*, entities* or metrics*; a spreadsheet read through a layout is checked with "
                f"'impact import {path} --preview'"
            )
    result = load_files(read_files(list(inputs.values())))
    return (
        result.loads.filter(pl.col("file").is_in(list(named))),
        result.rejected.filter(pl.col("file").is_in(list(named))),
    )


def format_issues(loads: pl.DataFrame, rejected: pl.DataFrame) -> list[str]:
    lines = []
    for r in rejected.iter_rows(named=True):
        where = f"{r['column_name']}: " if r["column_name"] else ""
        hint = f" ({r['suggestion']})" if r["suggestion"] else ""
        lines.append(f"{r['file']}:{r['row_number']}: {where}{r['reason']}{hint}")
    for r in loads.iter_rows(named=True):
        added = f", {r['rows_combined']} added into another line's figure" if r.get("rows_combined") else ""
        lines.append(
            f"{r['file']}: {r['status']}, {counted(r['rows_in'])}, {r['rows_loaded']} valid, "
            f"{r['rows_rejected']} rejected{added}"
        )
    return lines
