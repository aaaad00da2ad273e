"""Build the warehouse into a new DuckDB file and publish it by atomic swap.

DuckDB allows one writer per file and a reader in another process blocks a writer, so the published file is
never written in place: `build` writes `<target>.building-<pid>-<n>` beside it, checkpoints and closes it,
and `publish` swaps it in with `os.replace`. Readers holding the old file keep a consistent snapshot.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest.assemble import LoadResult
from pipelines.warehouse.alerts import raise_alerts
from pipelines.warehouse.fiscal_periods import fiscal_periods
from pipelines.warehouse.sqlfiles import (
    create_tables,
    create_views,
    materialise_views,
    schema_fingerprint,
    view_names,
)

# DuckDB 1.x clients (many SQL tools embed one) cannot open DuckDB 2.0's default storage format.
STORAGE_VERSION = "v1.4.0"
BUILDING = ".building-"
# Every view is stored as a table at publish time (computed once per build instead of once per query), in
# layer order; the formulas stay in sql/views/.
MATERIALISED_VIEWS = view_names()
_counter = itertools.count()


def rematerialise(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the stored views after the base tables of a built warehouse were changed in place (tests,
    repairs): drop the stored copies, recreate the views from sql/views/, store them again."""
    for name in reversed(MATERIALISED_VIEWS):
        con.execute(f"drop table if exists {name}")
    create_views(con)
    materialise_views(con, MATERIALISED_VIEWS)


def connect_for_build(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection writing the new file `path` in the storage version DuckDB 1.x readers open.

    DuckDB's default row groups (122,880 rows) are kept on purpose: 16,384-row groups made one series'
    queries at most a millisecond faster at 1M figures, and at 10M every render's detach took 9-15 ms
    instead of 5 (eight times the row groups' metadata; benchmarks/results/row-groups-2026-11-24.txt)."""
    return duckdb.connect(str(path), config={"storage_compatibility_version": STORAGE_VERSION})


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Insert a frame into an existing table, matching columns by name."""
    if frame.height == 0:
        return
    con.register("_incoming", frame.to_arrow())
    try:
        con.execute(f"insert into {table} by name select * from _incoming")
    finally:
        con.unregister("_incoming")


def inputs_hash(loads: pl.DataFrame) -> str:
    hashes = sorted(h for h in loads["content_hash"].to_list() if h)
    return hashlib.sha256("\n".join(hashes).encode()).hexdigest()


def build(
    result: LoadResult,
    target: Path,
    data_dir: Path | None = None,
    alert_streak: int = 3,
    alert_miss: float = 0.10,
) -> Path:
    """Write every table and view into a new file beside `target`; returns the new file's path.

    Alerts are raised against the currently published `target` (what is new since the last build)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    path = target.with_name(f"{target.name}{BUILDING}{os.getpid()}-{next(_counter)}")
    path.unlink(missing_ok=True)
    con = connect_for_build(path)
    try:
        create_tables(con)
        for table, frame in result.tables.items():
            insert_frame(con, table, frame)
        figures = result.tables.get("figures")
        days = (
            (figures["period_start"].min(), figures["period_end"].max())
            if figures is not None
            else (None, None)
        )
        insert_frame(con, "fiscal_periods", fiscal_periods(result.tables["entities"], *days))
        insert_frame(con, "rejected_rows", result.rejected)
        insert_frame(con, "loads", result.loads)
        summary = result.summary()
        built_at = datetime.now(UTC).replace(microsecond=0, tzinfo=None)  # naive UTC, as every timestamp here
        con.execute(
            "insert into build_info values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                built_at,
                str(data_dir) if data_dir else None,
                version("impact"),
                duckdb.__version__,
                summary["files"],
                summary["rows_in"],
                summary["rows_loaded"],
                summary["rows_rejected"],
                inputs_hash(result.loads),
                schema_fingerprint(),
            ],
        )
        create_views(con)
        materialise_views(con, MATERIALISED_VIEWS)
        raise_alerts(con, target, built_at, alert_streak, alert_miss)
        con.execute("checkpoint")
    except BaseException:
        con.close()
        path.unlink(missing_ok=True)
        raise
    con.close()
    return path


def publish(built: Path, target: Path) -> Path:
    """Atomically replace `target` with `built` (same directory, so `os.replace` is a rename)."""
    with open(built, "rb") as fh:
        os.fsync(fh.fileno())
    # A WAL left beside the target would be replayed onto the new file: the pipeline never writes the
    # target in place, so one can only be debris.
    Path(f"{target}.wal").unlink(missing_ok=True)
    os.replace(built, target)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return target


# A build holding fewer than this share of the published build's figures is not published without an
# explicit `impact run --allow-shrink` (docs/operations.md, "A build that loses most figures").
SHRINK_LIMIT = 0.5


def shrink_refusal(built: Path, target: Path) -> str | None:
    """Why `built` must not replace the published `target`, in one line, or None when it may.

    It may not when `target` is a warehouse with figures and `built` has fewer than SHRINK_LIMIT (half) of
    them: a clock in the past, an emptied or wrongly mounted data folder or a bad batch of files would
    otherwise replace a good warehouse with a nearly empty one. A `target` that is missing, not a warehouse
    of this product, or unreadable even as a copy is not compared."""
    previous = _figure_count(target)
    if not previous:
        return None
    now = _figure_count(built) or 0
    if now >= previous * SHRINK_LIMIT:
        return None
    return (
        f"this build has {now} figures, fewer than half of the {previous} in the published warehouse "
        f"(check the inputs, --today and the rejected rows; `impact run --allow-shrink` publishes it anyway)"
    )


def _figure_count(path: Path) -> int | None:
    if not path.exists():
        return None
    try:
        return _count_figures(path)
    except duckdb.IOException:  # held open for writing by another client: read a copy of its checkpoint
        pass
    except duckdb.Error:
        return None
    copy = path.with_name(f"{path.name}{BUILDING}{os.getpid()}-count")
    try:
        shutil.copyfile(path, copy)
        return _count_figures(copy)
    except (OSError, duckdb.Error):
        return None
    finally:
        copy.unlink(missing_ok=True)
        Path(f"{copy}.wal").unlink(missing_ok=True)


def _count_figures(path: Path) -> int | None:
    with duckdb.connect(str(path), read_only=True) as con:
        has = con.execute(
            "select count(*) from duckdb_tables() where table_name = 'figures' and schema_name = 'main'"
        ).fetchone()[0]
        return con.execute("select count(*) from figures").fetchone()[0] if has else None


def remove_stale_builds(target: Path) -> list[Path]:
    """Delete half-built files left by runs that died (their process no longer exists)."""
    removed = []
    for path in target.parent.glob(f"{target.name}{BUILDING}*"):
        pid = path.name.split(BUILDING, 1)[1].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
        if pid.isdigit() and int(pid) == os.getpid():
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def open_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)
