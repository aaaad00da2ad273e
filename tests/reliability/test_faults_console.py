"""Issue 13, faults 11, 13 and 15 (CLI): the SQL console's limits, its allow-list and CSV exports.

The console runs on a copy of the case-study warehouse in a folder of its own, so the test can also check that
nothing is written beside it (no spill files)."""

from __future__ import annotations

import csv
import io
import resource
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from pipelines.warehouse import console
from pipelines.warehouse.console import QueryRefused, run_readonly
from tests.helpers import wait_until

from .helpers import IMPACT


@pytest.fixture(scope="module")
def warehouse(published, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("console")
    shutil.copy(published.warehouse, folder / "warehouse.duckdb")
    return folder / "warehouse.duckdb"


# fault 13: names built in a string slipped past the name check; current_setting showed server paths
@pytest.mark.parametrize(
    "query",
    [
        "select * from query('select * from duckdb_' || 'settings()')",
        "select * from query_table('duckdb_' || 'settings')",
        "select current_setting('secret_directory')",
        "select current_setting('home_directory')",
        "select * from duckdb_settings",
        "select * from pg_catalog.pg_settings",
        "select current_database(), current_schema()",
        "select version()",
        "select * from json_execute_serialized_sql(json_serialize_sql('select 1'))",
    ],
)
def test_functions_and_tables_outside_the_allow_list_are_refused(warehouse: Path, query: str) -> None:
    with pytest.raises(QueryRefused, match="not available here|unknown table"):
        run_readonly(warehouse, query)


def test_ordinary_functions_windows_and_ctes_still_work(warehouse: Path) -> None:
    frame = run_readonly(
        warehouse,
        "with v as (select region_code, value from figures) "
        "select region_code, round(sum(value) / 1e9, 2) as bn, row_number() over (order by region_code) as n, "
        "upper(region_code) || '-' || strftime(current_date, '%Y') as label, list(value)[1] as first "
        "from v group by region_code order by 1",
    )
    assert frame.height >= 1 and frame.columns == ["region_code", "bn", "n", "label", "first"]


# fault 11: a 500 MB result came back; memory was bounded only by the machine
def test_the_result_size_is_capped(warehouse: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(QueryRefused, match="larger than 64 MB|memory"):
        run_readonly(warehouse, "select repeat('x', 100000000) as big from range(5)")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nSQL console: a 500 MB result refused after {time.perf_counter() - started:.2f} s; peak RSS {rss_mb:.0f} MB"
    )
    assert rss_mb < 2048


def test_a_query_beyond_the_memory_limit_is_refused_without_spilling(warehouse: Path) -> None:
    with pytest.raises(QueryRefused, match="memory|larger than"):
        run_readonly(
            warehouse,
            "select list(x) as l from (select repeat('y', 1000) || i as x from range(1500000) t(i))",
        )
    assert sorted(p.name for p in warehouse.parent.iterdir()) == ["warehouse.duckdb"]


# fault 11: `impact sql --limit -1` disabled the row cap
def test_the_row_limit_cannot_be_disabled(warehouse: Path) -> None:
    for limit in (0, -1, 10**9):
        with pytest.raises(QueryRefused, match="cannot be turned off"):
            run_readonly(warehouse, "select * from range(10)", max_rows=limit)
    cli = subprocess.run(
        [str(IMPACT), "sql", "--warehouse", str(warehouse), "--limit", "-1", "select * from range(200000)"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 2 and "-1 is not in the range 1<=x<=100000" in cli.stderr


def test_concurrent_console_queries_are_limited(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "QUEUE_WAIT_S", 0.5)
    slow = "select count(*) from range(300000) a(i), range(300000) b(j) where (i * j) % 7 = 3"
    outcomes: list[str] = []

    def run() -> None:
        try:
            run_readonly(warehouse, slow, timeout_s=4)
            outcomes.append("done")
        except QueryRefused as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=run) for _ in range(console.MAX_CONCURRENT)]
    for t in threads:
        t.start()
    wait_until(lambda: console._running._value == 0, 60, "both console slots taken by the slow queries")
    with pytest.raises(QueryRefused, match="already running"):
        run_readonly(warehouse, "select 1")
    for t in threads:
        t.join()
    assert len(outcomes) == console.MAX_CONCURRENT
    assert run_readonly(warehouse, "select 1 as one")["one"].to_list() == [1]  # slots are given back


# fault 15 (CLI): formula-like text went into CSV unchanged
def test_csv_output_neutralises_formulas(warehouse: Path) -> None:
    query = (
        "select '=HYPERLINK(\"http://evil.example\",\"x\")' as a, '+cmd|'' /C calc''!A0' as b, '@SUM(1+1)' as c, "
        "'-2+3' as d, chr(9) || '=1' as e, chr(13) || '=1' as f, 'plain' as g, -5 as n"
    )
    out = subprocess.run(
        [str(IMPACT), "sql", "--warehouse", str(warehouse), "--format", "csv", query],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    (header, row) = list(csv.reader(io.StringIO(out.stdout)))
    cells = dict(zip(header, row, strict=True))
    for column in "abcdef":
        assert cells[column].startswith("'"), cells
    assert cells["g"] == "plain" and cells["n"] == "-5"
