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

Groups: a layout and the files it reads, or a folder dropped whole (`impact import` writes the data file, its
layout and the regions, entities, metrics and sources files its preview used as one folder, renamed into
place), are filed together into their own dataset folder, so what the preview used is what the run uses.

One filer at a time: `file_inbox` holds an exclusive lock on DATA_DIR/inbox/.filing.lock (fcntl.flock); a
second filer (the sensor and "Build now", two dashboard sessions, `impact run`) waits for it up to `wait_s`
seconds and then raises InboxBusy saying so, never a crash half way through a move.

No filing is lost: every filing that filed anything leaves a build request in DATA_DIR/inbox/.requests/
(written before the lock is released). The sensor asks for a run for every request not yet in its cursor and
deletes a request only on a later tick, once its cursor (saved by Dagster only when a tick succeeds) holds it;
`impact run` and "Build now" delete the requests that existed before their build once it is published.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.check_rows.context import REQUIRED
from pipelines.ingest.discover import INPUT_KINDS, kind_of, relative_name
from pipelines.ingest.layouts.discovery import LAYOUT_SUFFIX, layout_files
from pipelines.ingest.readers import ACCEPTED_SUFFIXES, UnreadableFile, read_table
from pipelines.settings import Settings

INBOX_DATASET = "inbox"
IN_PROGRESS_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")
LOCK_NAME = ".filing.lock"
REQUESTS = ".requests"
COMPLETE = ".complete"  # in a dropped folder: written whole and renamed into place, no need to settle


class InboxBusy(RuntimeError):
    """Another filing of the inbox held the lock for longer than the caller would wait."""


@dataclass(frozen=True)
class BuildRequest:
    key: str  # 'inbox-<hash16>-...': the run key the sensor asks for
    files: tuple[str, ...]  # what was filed, relative to DATA_DIR
    filed_at: float  # seconds since the epoch


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


def file_inbox(
    data_dir: Path, settle_s: float | None = None, ready: Collection[Path] = (), wait_s: float = 60.0
) -> list[Filed]:
    """File every finished file of DATA_DIR/inbox/ into DATA_DIR/datasets/inbox/ (a layout's group or a
    dropped folder into its own dataset folder); return what happened to each file taken (files still being
    written, in-progress names and dot files are left for later). Paths in `ready` were written by the caller
    with write-then-rename and are taken without waiting `settle_s`. Holds the filing lock (waits up to
    `wait_s` s, then raises InboxBusy) and leaves a BuildRequest for whatever it filed."""
    settle_s = Settings.from_env().inbox_settle_seconds if settle_s is None else settle_s
    inbox = Path(data_dir) / "inbox"
    if not inbox.is_dir():
        return []
    with filing_lock(Path(data_dir), wait_s):
        results = _file_all(Path(data_dir), inbox, settle_s, {Path(r).resolve() for r in ready})
        filed = [f for f in results if f.status == "filed" and f.target is not None]
        if filed:
            _record_request(Path(data_dir), filed)
    return results


@contextmanager
def filing_lock(data_dir: Path, wait_s: float = 60.0) -> Iterator[None]:
    """Hold DATA_DIR/inbox/.filing.lock exclusively (one filer at a time, across processes); polls every
    0.1 s for at most `wait_s` seconds, then raises InboxBusy."""
    inbox = Path(data_dir) / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    with open(inbox / LOCK_NAME, "a+") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise InboxBusy(
                        f"another filing of the inbox is under way (waited {wait_s:.0f} s for "
                        f"{inbox / LOCK_NAME}); try again in a minute"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _record_request(data_dir: Path, filed: list[Filed]) -> BuildRequest:
    key = "inbox-" + "-".join(sorted({f.content_hash[:16] for f in filed}))
    files = tuple(sorted({relative_name(f.target, data_dir) for f in filed if f.target}))
    request = BuildRequest(key[:200], files, time.time())
    folder = data_dir / "inbox" / REQUESTS
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{request.key}.tmp"
    tmp.write_text(json.dumps(request.__dict__ | {"files": list(files)}), encoding="utf-8")
    tmp.replace(folder / f"{request.key}.json")
    return request


def pending_requests(data_dir: Path) -> list[BuildRequest]:
    """The build requests of filings not yet built or handed to Dagster, oldest first."""
    folder = Path(data_dir) / "inbox" / REQUESTS
    found = []
    for path in sorted(folder.glob("inbox-*.json")) if folder.is_dir() else []:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            found.append(BuildRequest(str(doc["key"]), tuple(doc["files"]), float(doc["filed_at"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged request file: its files are filed and the next build loads them anyway
    return sorted(found, key=lambda r: r.filed_at)


def clear_requests(data_dir: Path, keys: Collection[str]) -> None:
    """Delete the build requests `keys` (built, or requested from Dagster by a tick that succeeded)."""
    for key in keys:
        (Path(data_dir) / "inbox" / REQUESTS / f"{key}.json").unlink(missing_ok=True)


def _file_all(data_dir: Path, inbox: Path, settle_s: float, ready: set[Path]) -> list[Filed]:
    target_dir = data_dir / "datasets" / INBOX_DATASET
    done = inbox / "processed"
    results = []
    now = time.time()
    pairs = {layout: files for layout, files in layout_files(inbox).items() if files}
    for layout, files in pairs.items():
        group = [layout, *files]
        if all(not p.is_symlink() and _finished(p, settle_s, now, ready) for p in group):
            results += _file_with_layout(data_dir, layout, files)
    claimed = {p for layout, files in pairs.items() for p in [layout, *files]}
    for path in sorted(inbox.iterdir()):
        if _waiting(path) or path == done or path in claimed:
            continue
        shown = safe_file_name(path.name)
        if path.is_dir() and not path.is_symlink():
            results += _file_folder(data_dir, path, done, settle_s, now, ready)
            continue
        if path.is_symlink():
            _set_aside(path, done, "symlink-")
            results.append(
                Filed(shown, None, None, "", "refused", "a symbolic link: not followed, set aside")
            )
            continue
        if not path.is_file() or path.suffix.lower() not in ACCEPTED_SUFFIXES:
            continue
        filed = _take(path, shown, target_dir, done, 0.0 if path.resolve() in ready else settle_s, now)
        if filed is not None:
            results.append(filed)
    return results


def _finished(path: Path, settle_s: float, now: float, ready: set[Path]) -> bool:
    return path.resolve() in ready or _settled(path, settle_s, now) is not None


def _file_folder(
    data_dir: Path, folder: Path, done: Path, settle_s: float, now: float, ready: set[Path]
) -> list[Filed]:
    """A folder dropped whole (holding one layout): filed like a layout's group, with every file in it (the
    regions, entities, metrics and sources its preview used go with it). Left for later while any file in
    it is unsettled (unless it holds `.complete`, written before it was renamed into place); a folder
    without exactly one layout is left alone."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink() and not _waiting(p))
    layouts = [p for p in files if p.name.lower().endswith(LAYOUT_SUFFIX)]
    whole = (folder / COMPLETE).is_file() or folder.resolve() in ready  # written whole, then renamed
    if len(layouts) != 1 or not (whole or all(_finished(p, settle_s, now, ready) for p in files)):
        return []
    return _file_with_layout(
        data_dir, layouts[0], [p for p in files if p != layouts[0]], done=done, whole=folder
    )


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


def _file_with_layout(
    data_dir: Path, layout: Path, files: list[Path], done: Path | None = None, whole: Path | None = None
) -> list[Filed]:
    """A layout and the files it reads go together into their own dataset folder,
    DATA_DIR/datasets/inbox-<layout name>-<hash>/, under their own names (the layout's `files` patterns keep
    matching). A pair whose content is already filed is set aside as a duplicate. `whole`: the dropped
    folder the files came from, set aside as one folder afterwards."""
    digest = hashlib.sha256(
        b"".join(p.name.encode() + b"\0" + p.read_bytes() for p in [layout, *files])
    ).hexdigest()
    stem = safe_file_name(layout.name[: -len(LAYOUT_SUFFIX)])
    folder = data_dir / "datasets" / f"{INBOX_DATASET}-{stem}-{digest[:12]}"
    done = done or layout.parent / "processed"
    done.mkdir(parents=True, exist_ok=True)
    read = set(layout_files(layout.parent).get(layout, files))
    data_files = [p for p in files if p in read]
    if folder.is_dir():
        for p in [whole] if whole else [layout, *files]:
            _set_aside(p, done, "duplicate-")
        return [
            Filed(
                p.name, "figures", folder, digest, "duplicate", f"same files as {folder.name}, already filed"
            )
            for p in data_files
        ]
    staging = folder.with_name(f".{folder.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for p in [layout, *files]:
        shutil.copy2(p, staging / p.name)
    staging.replace(folder)  # the folder appears whole: a run never sees a file without its layout
    for p in [whole] if whole else [layout, *files]:
        _set_aside(p, done)  # the originals are kept, never deleted
    others = [p.name for p in files if p not in data_files]
    also = f" (with {', '.join(others)})" if others else ""
    return [
        Filed(
            p.name,
            "figures",
            folder / p.name,
            digest,
            "filed",
            f"filed with {layout.name} as {folder.name}/{also}",
        )
        for p in data_files
    ]
