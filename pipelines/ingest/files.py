"""An input file as found and as read: what the load's stages pass between them (no logic)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.ingest.dataset_settings import DatasetSettings
from pipelines.ingest.readers import RawTable


@dataclass(frozen=True)
class InputFile:
    path: Path
    name: str  # path relative to the data dir: stable across machines
    dataset: str
    kind: str
    content_hash: str
    layout: Path | None = None  # the layout file this file is read through (docs: Spreadsheet layouts)


@dataclass(frozen=True)
class FileLoad:
    """One file as read: its rows, or why it could not be read."""

    file: InputFile
    raw: RawTable | None
    status: str  # loaded | unreadable | duplicate_file
    error: str | None
    read_issues: pl.DataFrame  # rows that could not be split into fields (ISSUE_SCHEMA)
    read_ms: float
    settings: DatasetSettings | None = None  # a dataset.toml file's settings, once read

    @property
    def usable(self) -> bool:
        return self.status == "loaded" and self.raw is not None
