"""Preview a file read through a layout: its canonical rows and every problem, checked exactly as a run would
check them (the same stages, against the data dir's reference data and sources), without loading anything.

`preview(path, layout_path, data_dir)` -> Preview. Used by `impact import --preview` and the Upload page.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.ingest import discover as inputs
from pipelines.ingest.assemble import load_files
from pipelines.ingest.layouts.discovery import LAYOUT_SUFFIX
from pipelines.ingest.layouts.engine import read_with_layout
from pipelines.ingest.layouts.spec import LayoutError, load_layout
from pipelines.ingest.read import read_files
from pipelines.ingest.readers import UnreadableFile

ROW_COLUMNS = (
    "origin",
    "entity",
    "metric",
    "region_code",
    "period",
    "kind",
    "value_raw",
    "unit_raw",
    "as_of",
    "source_id",
    "note",
)
REJECTED_COLUMNS = ("origin", "row_number", "column_name", "value", "reason", "suggestion")


@dataclass(frozen=True)
class Preview:
    rows: pl.DataFrame  # canonical rows that would load (ROW_COLUMNS), in sheet order
    rejected: pl.DataFrame  # every problem (REJECTED_COLUMNS); row_number 0 = the file or layout as a whole
    rows_in: int
    skipped: list[str]  # rows the layout's skip_when / stop_at rules left out, by address
    empty_cells: int
    rows_combined: int = 0  # lines added into another line's figure (the layout's combine = "sum")


def preview(path: Path, layout_path: Path, data_dir: Path, today: date | None = None) -> Preview:
    path, layout_path = Path(path), Path(layout_path)
    laid_out = inputs.laid_out_inputs({layout_path: [path]}, "preview", path.parent)
    others = [
        f
        for f in inputs.discover(Path(data_dir))
        if f.path.resolve() not in (path.resolve(), layout_path.resolve())
    ]
    siblings = _siblings(path, {f.path.resolve() for f in others})
    result = load_files(read_files([*others, *siblings, *laid_out]), today)
    names = [f.name for f in laid_out]
    rows = result.tables["figures"].filter(pl.col("file") == path.name)
    rejected = result.rejected.filter(pl.col("file").is_in(names))
    loads = result.loads.filter(pl.col("file").is_in(names) & (pl.col("input_kind") == "figures"))
    skipped, empty = [], 0
    try:
        read = read_with_layout(path, load_layout(layout_path), path.name)
        skipped, empty = read.skipped, read.empty_cells
    except (LayoutError, UnreadableFile):
        pass  # already in `rejected` as the file's row 0
    return Preview(
        rows.sort("row_number").select(ROW_COLUMNS),
        rejected.select(REJECTED_COLUMNS),
        int(loads["rows_in"].sum()),
        skipped,
        empty,
        int(loads["rows_combined"].sum()),
    )


def _siblings(path: Path, known: set[Path]) -> list:
    """The file's own folder may declare its entities, metrics, regions and sources (InputFiles)."""
    return [
        f
        for p in sorted(path.parent.iterdir())
        if p.resolve() not in known
        and (f := inputs.input_file(p, "preview", path.parent)) is not None
        and f.kind in ("sources", "regions", "entities", "metrics")
    ]


def reference_siblings(path: Path, layout_path: Path, data_dir: Path) -> list[Path]:
    """The regions, entities, metrics and sources files beside `path` that `preview` reads with it (those
    not already part of DATA_DIR): what `impact import` must carry so the run reads what the preview read."""
    path = Path(path)
    known = {f.path.resolve() for f in inputs.discover(Path(data_dir))} | {Path(layout_path).resolve()}
    return [f.path for f in _siblings(path, known)]


def preview_bytes(
    name: str, data: bytes, layout_text: str, data_dir: Path, today: date | None = None
) -> Preview:
    """The same for a file and layout held in memory (an upload), written to a private temporary folder."""
    with tempfile.TemporaryDirectory(prefix="impact-preview-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        layout = Path(tmp) / (path.name[: -len(path.suffix)] + LAYOUT_SUFFIX)
        layout.write_text(layout_text, encoding="utf-8")
        return preview(path, layout, data_dir, today)
