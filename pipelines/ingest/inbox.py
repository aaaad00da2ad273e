"""The inbox: files dropped into DATA_DIR/inbox/ are recognised, validated and filed into a dataset folder.

Pure file handling (no Dagster): the sensor in `pipelines.defs.automation` calls `file_inbox` and asks for a run
when anything new was filed. Each file is filed once: its content hash is part of the filed name, and a file
whose content is already filed is set aside as a duplicate.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.assemble import INPUT_KINDS, kind_of
from pipelines.ingest.layouts.discovery import LAYOUT_SUFFIX, layout_files
from pipelines.ingest.readers import ACCEPTED_SUFFIXES, UnreadableFile, read_table
from pipelines.ingest.validate import REQUIRED

INBOX_DATASET = "inbox"


@dataclass(frozen=True)
class Filed:
    source: str  # the name it was dropped with
    kind: str | None  # sources | figures | events | ... or None when it could not be told
    target: Path | None  # where it was filed (None when set aside)
    content_hash: str
    status: str  # filed | duplicate | unrecognised
    detail: str


def kind_from_columns(path: Path) -> str | None:
    """Tell the kind from the header when the name does not: the kind whose required columns are all there."""
    try:
        columns = set(read_table(path).frame.columns)
    except UnreadableFile:
        return None
    matches = [
        k
        for k in ("figures", "events", "sources", "regions", "entities", "metrics")
        if set(REQUIRED[k]) <= columns
    ]
    return matches[0] if matches else None


def file_inbox(data_dir: Path) -> list[Filed]:
    """File every ready file of DATA_DIR/inbox/ into DATA_DIR/datasets/inbox/; return what happened to each."""
    inbox = data_dir / "inbox"
    if not inbox.is_dir():
        return []
    target_dir = data_dir / "datasets" / INBOX_DATASET
    done = inbox / "processed"
    results = []
    pairs = {layout: files for layout, files in layout_files(inbox).items() if files}
    for layout, files in pairs.items():
        results += _file_with_layout(data_dir, layout, files)
    claimed = {p for files in pairs.values() for p in files}
    for path in sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")):
        if path.suffix.lower() not in ACCEPTED_SUFFIXES or path in claimed:
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        kind = kind_of(path) or kind_from_columns(path)
        done.mkdir(parents=True, exist_ok=True)
        already = (
            list(target_dir.glob(f"*-{digest[:16]}{path.suffix.lower()}")) if target_dir.is_dir() else []
        )
        if kind is None:
            shutil.move(path, done / path.name)
            results.append(
                Filed(
                    path.name,
                    None,
                    None,
                    digest,
                    "unrecognised",
                    f"cannot tell the kind: name it {'*, '.join(INPUT_KINDS)}* or give the columns "
                    "a kind requires",
                )
            )
        elif already:
            shutil.move(path, done / f"duplicate-{path.name}")
            results.append(
                Filed(
                    path.name,
                    kind,
                    already[0],
                    digest,
                    "duplicate",
                    f"same content as {already[0].name}, already filed",
                )
            )
        else:
            target_dir.mkdir(parents=True, exist_ok=True)
            stem = path.stem if path.stem.lower().startswith(kind) else f"{kind}-{path.stem}"
            target = target_dir / f"{stem}-{digest[:16]}{path.suffix.lower()}"
            shutil.copy2(path, target.with_name(f".{target.name}.tmp"))
            target.with_name(f".{target.name}.tmp").replace(target)
            path.unlink()
            results.append(Filed(path.name, kind, target, digest, "filed", f"filed as {target.name}"))
    return results


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
            shutil.move(p, done / f"duplicate-{p.name}")
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
        p.unlink()
    return [
        Filed(
            p.name, "figures", folder / p.name, digest, "filed", f"filed with {layout.name} as {folder.name}/"
        )
        for p in files
    ]
