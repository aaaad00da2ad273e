"""Discover: every input file of a data dir (DATA_DIR/reference/ and each folder of DATA_DIR/datasets/), what
kind it holds, its name relative to the data dir and the hash of its bytes. Nothing is read here (read.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from pipelines.ingest import reference_tables as reference
from pipelines.ingest.check_rows.context import REFERENCE_DATASET
from pipelines.ingest.dataset_settings import FILE_NAME as SETTINGS_FILE
from pipelines.ingest.files import InputFile
from pipelines.ingest.layouts import discovery as layouts

INPUT_KINDS = ("regions", "entities", "metrics", "sources", "figures", "events", "fx")
SHARED_KINDS = (*reference.KINDS, "sources")  # what DATA_DIR/reference/ may hold


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
    return InputFile(path, safe_name(relative_name(path, base)), safe_name(dataset), kind, digest, layout)


def relative_name(path: Path, base: Path) -> str:
    """`path` as a POSIX path relative to the folder `base` ('datasets/shop/figures.csv'): compared as given
    (made absolute), else with links resolved; a path outside `base` is returned as given."""
    for inside, folder in ((path.absolute(), base.absolute()), (path.resolve(), base.resolve())):
        try:
            return inside.relative_to(folder).as_posix()
        except ValueError:
            continue
    return str(path)


# what a table of figures is saved as: a file of one of these types whose name says no input kind is named
# in the run (kind UNNAMED, read as unreadable with the fix), never skipped without a word: a budget.csv dropped
# beside figures.csv would otherwise leave its plans compared with nothing, and the Scorecard reads "no misses"
DATA_SUFFIXES = (
    ".csv",
    ".tsv",
    ".xlsx",
    ".xlsm",
    ".xls",
    ".ods",
    ".parquet",
    ".jsonl",
    ".ndjson",
)  # not .txt: notes
UNNAMED = "unnamed"


def input_file(path: Path, dataset: str, base: Path) -> InputFile | None:
    """Describe one file, or None when it is no input: not a data file by its type, a link, a hidden file. A
    data file whose name says no input kind is described with kind UNNAMED (in a dataset folder only)."""
    kind = "settings" if path.name.lower() == SETTINGS_FILE else kind_of(path)
    if (
        kind is None
        and dataset != REFERENCE_DATASET
        and path.suffix.lower() in DATA_SUFFIXES
        and not path.name.startswith("~$")  # an Office lock file beside an open workbook
    ):
        kind = UNNAMED
    if kind is None or path.is_symlink() or not path.is_file() or path.name.startswith("."):
        return None
    name = relative_name(path, base)
    try:
        digest = _digest(path)
    except OSError as exc:  # unreadable (permissions, gone since listed): read_files says so as row 0
        digest = f"unreadable:{name}:{exc.strerror}"
    return InputFile(path, safe_name(name), safe_name(dataset), kind, digest)


def safe_name(name: str) -> str:
    """A file or folder name as text that can be stored and shown: bytes that are not UTF-8 (kept by Python
    as surrogate escapes) become U+FFFD, so they can neither crash the load nor be mistaken for other text."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
