"""Proof: SQL users on DuckDB 1.x tools can read the published warehouse.

The DuckDB 1.5 CLI (PyPI `duckdb-cli`) opens the file read-only, and every documented view and every example
query runs there without error and returns as many rows as under DuckDB 2.0 (the pipeline's own version).
"""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import duckdb
import pytest

from .helpers import DUCKDB_CLI, EXAMPLES, VIEWS

pytestmark = pytest.mark.skipif(not DUCKDB_CLI.exists(), reason="the duckdb-cli package is not installed")


def _cli(warehouse: Path, sql: str) -> list[list[str]]:
    done = subprocess.run(
        [str(DUCKDB_CLI), "-readonly", "-csv", str(warehouse), "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and not done.stderr.strip(), (
        f"DuckDB 1.x CLI failed (rc {done.returncode}): {done.stderr.strip()[:500]}"
    )
    return list(csv.reader(io.StringIO(done.stdout)))


def test_the_cli_is_a_1x_client(published) -> None:
    version = subprocess.run([str(DUCKDB_CLI), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("v1."), version
    assert duckdb.__version__.startswith("2."), duckdb.__version__
    rows = _cli(published.warehouse, "select library_version from pragma_version()")
    print(
        f"\nDuckDB 1.x client: CLI {version.split()[0]} reads a file written by DuckDB {duckdb.__version__}"
    )
    assert rows[1][0].startswith("v1.")


@pytest.mark.parametrize("view", [p.stem for p in VIEWS])
def test_every_view_runs_in_the_1x_cli(published, view: str) -> None:
    rows = _cli(published.warehouse, f"select count(*) from {view}")
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        expected = con.execute(f"select count(*) from {view}").fetchone()[0]
    assert int(rows[1][0]) == expected


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_query_runs_in_the_1x_cli(published, example: Path) -> None:
    sql = example.read_text()
    rows = _cli(published.warehouse, sql)
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        expected = con.sql(sql).fetchall()
    assert len(rows) - 1 == len(expected), f"{example.name}: row counts differ between 1.x and 2.0"
