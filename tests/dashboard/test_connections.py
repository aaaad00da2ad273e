"""The dashboard's connections: the warehouse file attached read-only per render, a swap seen by the next
render, an old snapshot kept by a render in flight, and nothing left holding the file afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dashboard.data import connection as q


def _warehouse(path: Path, label: str) -> Path:
    with duckdb.connect(str(path)) as con:
        con.sql(f"create table build_info as select '{label}' as label")
    return path


def _attached() -> list[str]:
    cursor = q._cursor()
    try:
        return [
            name
            for (name,) in cursor.sql(
                "select database_name from duckdb_databases() where not internal"
            ).fetchall()
            if name.startswith("warehouse_")
        ]
    finally:
        cursor.close()


def test_a_render_keeps_its_snapshot_and_the_next_one_sees_the_swapped_file(tmp_path: Path) -> None:
    target = _warehouse(tmp_path / "warehouse.duckdb", "first")
    old = q.identity(target)
    in_flight = q.connect(old)
    assert in_flight.sql("select label from build_info").fetchall() == [("first",)]

    os.replace(_warehouse(tmp_path / "next.duckdb", "second"), target)
    new = q.identity(target)
    assert new != old
    assert in_flight.sql("select label from build_info").fetchall() == [("first",)]
    fresh = q.connect(new)
    try:
        assert fresh.sql("select label from build_info").fetchall() == [("second",)]
        assert len(_attached()) == 2
    finally:
        fresh.close()
        in_flight.close()
    assert _attached() == []


def test_after_a_render_another_process_can_write_the_file(tmp_path: Path) -> None:
    target = _warehouse(tmp_path / "warehouse.duckdb", "first")
    ident = q.identity(target)
    with q.reading(ident):
        assert q.run_query(ident, "select label from build_info")["label"].to_list() == ["first"]
    write = "import duckdb, sys; duckdb.connect(sys.argv[1]).sql(\"insert into build_info values ('x')\")"
    done = subprocess.run([sys.executable, "-c", write, str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_render_in_progress_holds_the_file_against_writers(tmp_path: Path) -> None:
    """The converse, so the test above can fail: while attached, a read-write open elsewhere is refused."""
    target = _warehouse(tmp_path / "warehouse.duckdb", "first")
    con = q.connect(q.identity(target))
    try:
        write = "import duckdb, sys; duckdb.connect(sys.argv[1])"
        done = subprocess.run([sys.executable, "-c", write, str(target)], capture_output=True, text=True)
        assert done.returncode != 0 and "lock" in done.stderr.lower()
    finally:
        con.close()


def test_a_file_that_is_not_a_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "warehouse.duckdb"
    bad.write_text("not a database")
    with pytest.raises(q.NoWarehouse, match="cannot be opened"):
        q.connect(q.identity(bad))
    assert _attached() == []
