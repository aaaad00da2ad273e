"""Saving an uploaded spreadsheet and its layout into DATA_DIR/inbox/, safely.

- only .csv and .xlsx, at most MAX_UPLOAD_BYTES (10 MB = 10,000,000 bytes: a spreadsheet of figures is far
  smaller), not empty, an .xlsx must be a zip (Excel's format) and a CSV text (UTF-8, or the Windows-1252 of
  Excel's 'CSV' export: readers.decode_text). This is the one definition of the limit: the dashboard's upload
  widget (the browser), its upload server (`dashboard/uploads.py`, which also limits each session to
  MAX_SESSION_FILES files and MAX_SESSION_BYTES) and this check all use it, and all say it in the same words,
  UPLOAD_LIMIT_TEXT ("at most 10 MB");
- the name is reduced to its last part and to letters, digits, '.', '-' and '_' (no folders, no '..',
  no hidden files), so a file can only land directly in DATA_DIR/inbox/;
- an existing file of that name is kept unless `overwrite=True` (the caller asks the person first);
- each file is written under a hidden temporary name and renamed into place, the layout before the data
  file, so the inbox sensor never sees a half-written file or a data file without its layout.
The inbox filing (`pipelines.ingest.inbox.file_inbox`) then moves the pair into a dataset folder.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.layouts.discovery import LAYOUT_SUFFIX
from pipelines.ingest.layouts.spec import LayoutError, parse_layout
from pipelines.ingest.limits import load_toml

MAX_UPLOAD_BYTES = 10_000_000  # "10 MB" as the browser counts it (Streamlit's widget: MB = 1,000,000 bytes)
MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // 1_000_000
UPLOAD_LIMIT_TEXT = f"at most {MAX_UPLOAD_MB} MB"  # the same words on the page, in refusals and in the docs
MAX_LAYOUT_BYTES = 1_000_000  # a layout file (.layout.toml): "at most 1 MB"
# what one dashboard session may hold on the server at once (a spreadsheet, a layout, re-picks)
MAX_SESSION_FILES = 4
MAX_SESSION_BYTES = 2 * MAX_UPLOAD_BYTES + MAX_LAYOUT_BYTES
MAX_SERVER_UPLOAD_BYTES = 50 * MAX_UPLOAD_BYTES  # bytes all sessions together may hold (on disk) at once
UPLOAD_SUFFIXES = (".csv", ".xlsx")


class UploadRefused(ValueError):
    """The upload cannot be accepted; the message says why, for the person uploading."""


class AlreadyInInbox(UploadRefused):
    """A file of that name is waiting in the inbox: ask before overwriting."""


@dataclass(frozen=True)
class Saved:
    data_file: Path
    layout_file: Path


def safe_name(name: str) -> str:
    """The upload's name reduced to a safe file name in the inbox; raises UploadRefused."""
    base = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip("-.")
    base = re.sub(r"\.{2,}", ".", base)[-120:].lstrip("-.")
    suffix = Path(base).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UploadRefused(f"'{name}': only {' and '.join(UPLOAD_SUFFIXES)} files can be uploaded")
    if not Path(base).stem:
        raise UploadRefused(f"'{name}' has no usable file name")
    return base[: -len(suffix)] + suffix


def check_upload(name: str, data: bytes) -> str:
    """The safe name of an acceptable upload; raises UploadRefused saying what is wrong."""
    safe = safe_name(name)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            f"'{name}' is {len(data):,} bytes ({len(data) / 1e6:.1f} MB); uploads are {UPLOAD_LIMIT_TEXT} "
            f"({MAX_UPLOAD_BYTES:,} bytes)"
        )
    if not data.strip():
        raise UploadRefused(f"'{name}' is empty")
    if safe.endswith(".xlsx") and not data.startswith(b"PK"):
        raise UploadRefused(f"'{name}' is not an Excel .xlsx workbook (an old .xls, or a renamed file?)")
    if safe.endswith(".csv"):
        from pipelines.ingest.readers import UnreadableFile, decode_text

        try:
            decode_text(data)  # UTF-8, or Excel's Windows-1252 'CSV' export (readers.decode_text)
        except UnreadableFile as exc:
            raise UploadRefused(f"'{name}': {exc}") from None
    return safe


def save_to_inbox(data_dir: Path, name: str, data: bytes, layout_text: str, overwrite: bool = False) -> Saved:
    """Write the upload and its layout into DATA_DIR/inbox/. Raises UploadRefused (bad file or layout) and
    AlreadyInInbox (a file of that name is waiting, and overwrite is False)."""
    safe = check_upload(name, data)
    try:
        layout = parse_layout(load_toml(layout_text, safe + LAYOUT_SUFFIX), Path(safe + LAYOUT_SUFFIX))
    except (LayoutError, ValueError) as exc:
        raise UploadRefused(f"the layout cannot be used: {exc}") from None
    if layout.files and not any(fnmatch.fnmatch(safe.lower(), f.lower()) for f in layout.files):
        raise UploadRefused(
            f"the layout's files = {list(layout.files)} does not name '{safe}' (the name it is saved under): "
            "remove the files line or add that name"
        )
    inbox = (Path(data_dir) / "inbox").resolve()
    inbox.mkdir(parents=True, exist_ok=True)
    target = (inbox / safe).resolve()
    layout = (inbox / (safe[: -len(Path(safe).suffix)] + LAYOUT_SUFFIX)).resolve()
    if target.parent != inbox or layout.parent != inbox:
        raise UploadRefused(f"'{name}' would land outside the inbox")
    if not overwrite and (target.exists() or layout.exists()):
        raise AlreadyInInbox(f"'{safe}' is already waiting in the inbox; overwrite it?")
    _write_atomically(layout, layout_text.encode("utf-8"))
    _write_atomically(target, data)
    return Saved(target, layout)


def save_group_to_inbox(
    data_dir: Path,
    name: str,
    data: bytes,
    layout_text: str,
    extras: dict[str, bytes],
    overwrite: bool = False,
) -> Saved:
    """Write the file, its layout and `extras` (the regions, entities, metrics and sources files its preview
    used, by name) as one folder DATA_DIR/inbox/<stem>/, renamed into place whole: the inbox files the
    folder as one dataset, so the run uses what the preview used. Raises UploadRefused (a bad file or
    layout, an extra that is not a plain file name) and AlreadyInInbox (that folder is waiting and
    `overwrite` is False). The folder holds `.complete`: the inbox takes it at once, without settling."""
    safe = check_upload(name, data)
    try:
        parse_layout(load_toml(layout_text, safe + LAYOUT_SUFFIX), Path(safe + LAYOUT_SUFFIX))
    except (LayoutError, ValueError) as exc:
        raise UploadRefused(f"the layout cannot be used: {exc}") from None
    inbox = (Path(data_dir) / "inbox").resolve()
    inbox.mkdir(parents=True, exist_ok=True)
    stem = safe[: -len(Path(safe).suffix)]
    folder = inbox / stem
    if folder.exists() and not overwrite:
        raise AlreadyInInbox(f"'{stem}/' is already waiting in the inbox; overwrite it (--overwrite)?")
    staging = inbox / f".{stem}.upload.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    (staging / safe).write_bytes(data)
    (staging / (stem + LAYOUT_SUFFIX)).write_text(layout_text, encoding="utf-8")
    for extra, content in extras.items():
        if Path(extra).name != extra or extra.startswith(".") or extra in (safe, stem + LAYOUT_SUFFIX):
            raise UploadRefused(f"'{extra}' cannot go with {safe}: a plain file name is needed")
        (staging / extra).write_bytes(content)
    (staging / ".complete").write_bytes(b"")  # inbox.COMPLETE: taken at once, no settling needed
    if folder.exists():  # overwrite: the waiting folder is replaced (it was never filed)
        shutil.rmtree(folder)
    os.replace(staging, folder)  # the folder appears whole: the inbox never sees part of it
    return Saved(folder / safe, folder / (stem + LAYOUT_SUFFIX))


def for_file_name(layout_text: str, name: str) -> str:
    """A saved layout reused for a file of another name: a one-line `files = [...]` that does not name it is
    commented out, so the layout reads the file it is saved beside (`<name>.layout.toml`)."""
    safe = safe_name(name)
    lines = []
    for line in layout_text.splitlines():
        m = re.fullmatch(r"\s*files\s*=\s*(\[.*\]|\".*\")\s*(#.*)?", line)
        patterns = re.findall(r'"([^"]*)"', m.group(1)) if m else []
        if m and not any(fnmatch.fnmatch(safe.lower(), p.lower()) for p in patterns):
            line = f"# {line.strip()}  (reused for {safe})"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.upload.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
