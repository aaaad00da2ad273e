"""The Upload page's "Build now": file the inbox (the file just saved included, without waiting for it to
settle: it was written by write-then-rename), build and publish in a separate process (`impact run`, so
Dagster stays out of the dashboard), then say what was built from the warehouse itself: the files filed,
each uploaded file's rows loaded and rejected, and the new build's time (build_info.built_at)."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.ingest.inbox import Filed, clear_requests, file_inbox, pending_requests
from pipelines.ingest.layouts.discovery import LAYOUT_SUFFIX


@dataclass(frozen=True)
class Built:
    filed: list[Filed]  # what this filing took from the inbox
    published: bool  # the run exited 0 and a build was published
    output: str  # the run's own summary (its last 2,000 characters on failure)
    built_at: datetime | None  # build_info.built_at of the published warehouse
    seconds: float  # wall time of filing and build
    loads: list[dict] = field(default_factory=list)  # file, dataset, rows_in, rows_loaded, rows_rejected

    def summary(self) -> str:
        """One paragraph for the person who clicked: files, rows loaded/rejected, the build's time."""
        filed = ", ".join(f"{f.source} ({f.status})" for f in self.filed) or "nothing new in the inbox"
        rows = "; ".join(
            f"{r['file']}: {r['rows_loaded']:,} rows loaded, {r['rows_rejected']:,} rejected"
            for r in self.loads
        )
        when = f"Built at {self.built_at:%Y-%m-%d %H:%M:%S} UTC" if self.built_at else "No new build"
        rows = rows or "no rows of the uploaded file in this build"
        return f"Filed: {filed}. {rows}. {when} ({self.seconds:.0f} s)."


def build_now(data_dir: Path, warehouse: Path, names: list[str], timeout_s: float = 900) -> Built:
    """File DATA_DIR/inbox/ (the files `names`, just saved there, taken at once), run `impact run` and
    report. `names`: the uploaded files' names in the inbox. Raises InboxBusy when another filing holds the
    inbox for more than 30 s."""
    data_dir, warehouse = Path(data_dir), Path(warehouse)
    inbox = data_dir / "inbox"
    ready = [inbox / n for n in names] + [inbox / (n[: -len(Path(n).suffix)] + LAYOUT_SUFFIX) for n in names]
    started = time.monotonic()
    filed = file_inbox(data_dir, ready=ready, wait_s=30)
    requests = [r.key for r in pending_requests(data_dir)]
    before = _built_at(warehouse)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli.main",
            "run",
            "--data-dir",
            str(data_dir),
            "--warehouse",
            str(warehouse),
        ],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    built_at = _built_at(warehouse)
    published = done.returncode == 0 and built_at is not None and built_at != before
    if published:
        clear_requests(data_dir, requests)
    output = done.stdout.strip() if done.returncode == 0 else (done.stdout + done.stderr).strip()[-2000:]
    return Built(filed, published, output, built_at, time.monotonic() - started, _loads(warehouse, names))


def _built_at(warehouse: Path) -> datetime | None:
    if not warehouse.exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            row = con.execute("select max(built_at) from build_info").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def _loads(warehouse: Path, names: list[str]) -> list[dict]:
    """The loads rows of the uploaded files as filed into an inbox dataset (the latest filing of each)."""
    if not warehouse.exists() or not names:
        return []
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            frame = con.execute(
                """select file, dataset, rows_in, rows_loaded, rows_rejected from loads
                   where dataset like 'inbox%' and list_contains(?, regexp_extract(file, '[^/]+$'))
                   order by loaded_at desc nulls last, file""",
                [names],
            ).fetchall()
    except duckdb.Error:
        return []
    seen, out = set(), []
    for file, dataset, rows_in, loaded, rejected in frame:
        base = file.rsplit("/", 1)[-1]
        if base in seen:
            continue
        seen.add(base)
        out.append(
            {
                "file": file,
                "dataset": dataset,
                "rows_in": rows_in,
                "rows_loaded": loaded,
                "rows_rejected": rejected,
            }
        )
    return out
