"""Which layout belongs to which data file, and reading a file through its layout as a RawTable.

A layout `<name>.layout.toml` reads the data files its `files = [...]` patterns match in its own folder, or,
without `files`, the spreadsheet or CSV called `<name>` (`budget.layout.toml` -> `budget.xlsx`). A layout
with a `[source]` table also supplies that source (one sources row, loaded from the layout file itself).
A layout that cannot be read, or that matches no file, is reported as an unreadable input, never skipped.
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import polars as pl

from pipelines.ingest.layouts.engine import read_with_layout
from pipelines.ingest.layouts.grid import SPREADSHEET_SUFFIXES, TEXT_SUFFIXES
from pipelines.ingest.layouts.spec import SOURCE_COLUMNS, LayoutError, load_layout
from pipelines.ingest.limits import LimitExceeded, load_toml
from pipelines.ingest.readers import ROW, RawTable, UnreadableFile

LAYOUT_SUFFIX = ".layout.toml"
DATA_SUFFIXES = SPREADSHEET_SUFFIXES + TEXT_SUFFIXES


def is_layout(path: Path) -> bool:
    return path.name.lower().endswith(LAYOUT_SUFFIX)


def layout_files(folder: Path) -> dict[Path, list[Path]]:
    """Each layout file in `folder` -> the data files it reads (possibly none)."""
    out: dict[Path, list[Path]] = {}
    names = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    data = [p for p in names if p.suffix.lower() in DATA_SUFFIXES]
    for layout in (p for p in names if is_layout(p)):
        patterns = _patterns(layout)
        if patterns:
            out[layout] = [
                p for p in data if any(fnmatch.fnmatch(p.name.lower(), pat.lower()) for pat in patterns)
            ]
        else:
            stem = layout.name[: -len(LAYOUT_SUFFIX)].lower()
            out[layout] = [p for p in data if p.name[: -len(p.suffix)].lower() == stem]
    return out


def has_source(layout: Path) -> bool:
    try:
        return "source" in load_toml(layout.read_text(encoding="utf-8"), layout.name)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, LimitExceeded):
        return False


def _patterns(layout: Path) -> list[str]:
    try:
        files = load_toml(layout.read_text(encoding="utf-8"), layout.name).get("files", [])
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, LimitExceeded):
        return []  # read again (and reported) when the data file is loaded
    return [files] if isinstance(files, str) else [str(f) for f in files if isinstance(f, str)]


def read_layout_table(path: Path, layout_path: Path, kind: str, name: str | None = None) -> RawTable:
    """The canonical rows of `path` read through `layout_path` (kind figures), or the layout's own [source]
    (kind sources, `path` = the layout). Raises UnreadableFile, with the layout's mistake as the reason."""
    try:
        layout = load_layout(layout_path)
    except LayoutError as exc:
        raise UnreadableFile(f"layout {exc}") from None
    if kind == "sources":
        if layout.source is None:
            raise UnreadableFile(f"layout {layout_path.name} has no [source] table")
        row = {c: layout.source.get(c) for c in SOURCE_COLUMNS}
        frame = pl.DataFrame([row], schema=dict.fromkeys(SOURCE_COLUMNS, pl.String))
        return RawTable(frame.with_columns(pl.lit(1, pl.Int32).alias(ROW)), [])
    if path == layout_path:
        raise UnreadableFile(
            f"layout {layout_path.name} matches no data file in its folder; name the file "
            f"'{layout_path.name[: -len(LAYOUT_SUFFIX)]}.xlsx' (or .csv) or list it in files = [...]"
        )
    return read_with_layout(path, layout, name).raw_table()
