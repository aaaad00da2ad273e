"""The inbox: files dropped into DATA_DIR/inbox/ are recognised, validated and filed into a dataset folder.

Pure file handling (no Dagster): the sensor in `pipelines.defs.automation` calls `file_inbox` and asks for a run
when anything new was filed. Each file is filed once: its content hash is part of the filed name, and a file
whose content is already filed is set aside as a duplicate.

Only finished files are taken (docs/operations.md, "The inbox"):
- a file still being written is left alone: its size and modification time must be unchanged for
  `settle_s` seconds (IMPACT_INBOX_SETTLE_SECONDS, default 10) and while it is read;
- the write-then-rename protocol: upload as `NAME.part` (or any dot file) and rename when complete;
  `*.part`, `*.tmp`, dot files and Office lock files (`~$*`) are never taken;
- symbolic links are never followed: the link itself is moved to `processed/` and reported;
- nothing is deleted or overwritten: every taken file ends in `processed/` under a safe, unique name (the
  name as dropped, with characters outside letters, digits, space, `.`, `_` and `-` replaced by `_`, and
  `-2`, `-3`, ... added when the name is taken).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.assemble import INPUT_KINDS, kind_of
from pipelines.ingest.layouts.discovery import LAYOUT_SUFFIX, layout_files
from pipelines.ingest.readers import ACCEPTED_SUFFIXES, UnreadableFile, read_table
from pipelines.ingest.validate import REQUIRED
from pipelines.settings import Settings

INBOX_DATASET = "inbox"
IN_PROGRESS_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


@dataclass(frozen=True)
class Filed:
    source: str  # the name it was dropped with (shown safely)
    kind: str | None  # sources | figures | events | ... or None when it could not be told
    target: Path | None  # where it was filed (None when set aside)
    content_hash: str
    status: str  # filed | duplicate | unrecognised | refused
    detail: str


def safe_file_name(name: str) -> str:
    """A name that is safe to create and show: non-UTF-8 bytes, path separators, control and shell
    characters become `_`; never empty, never starting with a dot."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = re.sub(r"[^\w .-]", "_", text, flags=re.ASCII).strip(" .") or "file"
    return text[:150]


def unique_path(folder: Path, name: str) -> Path:
    """`folder/name`, or `folder/stem-2.ext`, `-3`, ... : the first that does not exist (never overwrite)."""
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = folder / f"{stem}-{n}{suffix}"
    return candidate


def kind_from_columns(path: Path) -> str | None:
    """Tell the kind from the header when the name does not: the kind whose required columns are all there."""
    try:
        columns = set(read_table(path).frame.columns)
    except (UnreadableFile, OSError):
        return None
    except Exception:  # noqa: BLE001 - a file no reader understands is unrecognised, not a crash
        return None
    matches = [
        k
        for k in ("figures", "events", "sources", "regions", "entities", "metrics")
        if set(REQUIRED[k]) <= columns
    ]
    return matches[0] if matches else None


def _waiting(path: Path) -> bool:
    """True for files not to be taken yet (or ever): in-progress names, dot and lock files."""
    name = path.name
    return name.startswith((".", "~$")) or name.lower().endswith(IN_PROGRESS_SUFFIXES)


def _settled(path: Path, settle_s: float, now: float) -> os.stat_result | None:
    """The file's stat when it has not changed for `settle_s` seconds, else None."""
    first = path.lstat()
    if now - first.st_mtime < settle_s:
        return None
    return first


def _set_aside(path: Path, done: Path, prefix: str = "") -> Path:
    done.mkdir(parents=True, exist_ok=True)
    target = unique_path(done, prefix + safe_file_name(path.name))
    os.rename(path, target)  # a rename moves a symbolic link itself, never what it points to
    return target


def file_inbox(data_dir: Path, settle_s: float | None = None) -> list[Filed]:
    """File every finished file of DATA_DIR/inbox/ into DATA_DIR/datasets/inbox/; return what happened to
    each file taken (files still being written, in-progress names and dot files are left for later)."""
    settle_s = Settings.from_env().inbox_settle_seconds if settle_s is None else settle_s
    inbox = data_dir / "inbox"
    if not inbox.is_dir():
        return []
    target_dir = data_dir / "datasets" / INBOX_DATASET
    done = inbox / "processed"
    results = []
    now = time.time()
    pairs = {layout: files for layout, files in layout_files(inbox).items() if files}
    for layout, files in pairs.items():
        group = [layout, *files]
        if all(not p.is_symlink() and _settled(p, settle_s, now) for p in group):
            results += _file_with_layout(data_dir, layout, files)
    claimed = {p for layout, files in pairs.items() for p in [layout, *files]}
    for path in sorted(inbox.iterdir()):
        if _waiting(path) or path == done or path in claimed:
            continue
        shown = safe_file_name(path.name)
        if path.is_symlink():
            _set_aside(path, done, "symlink-")
            results.append(
                Filed(shown, None, None, "", "refused", "a symbolic link: not followed, set aside")
            )
            continue
        if not path.is_file() or path.suffix.lower() not in ACCEPTED_SUFFIXES:
            continue
        filed = _take(path, shown, target_dir, done, settle_s, now)
        if filed is not None:
            results.append(filed)
    return results


def _take(path: Path, shown: str, target_dir: Path, done: Path, settle_s: float, now: float) -> Filed | None:
    before = _settled(path, settle_s, now)
    if before is None:
        return None
    data = path.read_bytes()
    after = path.lstat()
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or len(
        data
    ) != after.st_size:
        return None  # written to while read: next time
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    kind = kind_of(path) or kind_from_columns(path)
    already = list(target_dir.glob(f"*-{digest[:16]}{suffix}")) if target_dir.is_dir() else []
    if kind is None:
        _set_aside(path, done)
        accepted = "*, ".join(INPUT_KINDS)
        reason = f"cannot tell the kind: name it {accepted}* or give the columns a kind requires"
        return Filed(shown, None, None, digest, "unrecognised", reason)
    if already:
        _set_aside(path, done, "duplicate-")
        return Filed(
            shown, kind, already[0], digest, "duplicate", f"same content as {already[0].name}, already filed"
        )
    target_dir.mkdir(parents=True, exist_ok=True)
    stem = safe_file_name(Path(shown).stem)
    stem = stem if stem.lower().startswith(kind) else f"{kind}-{stem}"
    target = unique_path(target_dir, f"{stem}-{digest[:16]}{suffix}")
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)  # exactly the bytes hashed and checked, never a later state of the file
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    tmp.replace(target)
    _set_aside(path, done)  # the original is kept, never deleted
    return Filed(shown, kind, target, digest, "filed", f"filed as {target.name}")


def _file_with_layout(data_dir: Path, layout: Path, files: list[Path]) -> list[Filed]:
    """A layout and the files it reads go together into their own dataset folder,
    DATA_DIR/datasets/inbox-<layout name>-<hash>/, under their own names (the layout's `files` patterns keep
    matching). A pair whose content is already filed is set aside as a duplicate."""
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in [layout, *files])).hexdigest()
    stem = layout.name[: -len(LAYOUT_SUFFIX)]
    folder = data_dir / "datasets" / f"{INBOX_DATASET}-{stem}-{digest[:12]}"
    done = layout.parent / "processed"
    done.mkdir(parents=True, exist_ok=True)
    if folder.is_dir():
        for p in [layout, *files]:
            _set_aside(p, done, "duplicate-")
        return [
            Filed(
                p.name, "figures", folder, digest, "duplicate", f"same files as {folder.name}, already filed"
            )
            for p in files
        ]
    staging = folder.with_name(f".{folder.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for p in [layout, *files]:
        shutil.copy2(p, staging / p.name)
    staging.replace(folder)  # the folder appears whole: a run never sees a file without its layout
    for p in [layout, *files]:
        _set_aside(p, done)  # the originals are kept, never deleted
    return [
        Filed(
            p.name, "figures", folder / p.name, digest, "filed", f"filed with {layout.name} as {folder.name}/"
        )
        for p in files
    ]
