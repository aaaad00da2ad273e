"""Proof: the SQL console guard (`run_readonly`, used by `impact sql` and the dashboard's SQL page) refuses
every hostile statement with a clear message, lets ordinary SELECTs and every example query through, stops a
slow query at the time limit and caps the rows."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest

from pipelines.warehouse.console import MAX_QUERY_CHARS, QueryRefused, run_readonly

from .helpers import EXAMPLES, VIEWS


def _hostile(tmp: Path) -> list[tuple[str, str]]:
    """(what it tries, statement). Every file it names lives under `tmp`, so nothing real is ever at risk."""
    out = tmp / "out"
    return [
        ("write: insert", "insert into figures (figure_id) values ('x')"),
        ("write: update", "update figures set value = 0"),
        ("write: delete", "delete from figures"),
        (
            "write: CTE hiding an insert",
            "with t as (select 'x') insert into figures (figure_id) select * from t",
        ),
        ("DDL: create table", "create table t as select 1"),
        ("DDL: create view", "create or replace view actual_vs_expectation as select 1"),
        ("DDL: drop", "drop table figures"),
        ("DDL: alter", "alter table figures add column x int"),
        ("DDL: create macro", "create macro m(x) as x"),
        ("COPY TO a file", f"copy figures to '{out}.csv'"),
        ("COPY query TO a file", f"copy (select * from sources) to '{out}.parquet' (format parquet)"),
        ("COPY FROM a file", "copy figures from '/etc/passwd'"),
        ("EXPORT DATABASE", f"export database '{out}-export'"),
        ("IMPORT DATABASE", f"import database '{out}-export'"),
        ("ATTACH another file", f"attach '{out}.duckdb' as other"),
        ("ATTACH in memory", "attach ':memory:' as scratch"),
        ("DETACH", "detach warehouse"),
        ("USE", "use memory"),
        ("INSTALL an extension", "install httpfs"),
        ("LOAD an extension", "load httpfs"),
        ("LOAD a file as extension", f"load '{out}.duckdb_extension'"),
        ("read_csv of an arbitrary file", "select * from read_csv('/etc/passwd')"),
        ("read_csv of a file list", "select * from read_csv(['/etc/passwd', '/etc/hosts'])"),
        ("read_text of an arbitrary file", "select * from read_text('/etc/passwd')"),
        ("read_blob of an arbitrary file", "select * from read_blob('/etc/hostname')"),
        ("read_json of an arbitrary file", "from read_json_auto('/etc/passwd')"),
        ("read_parquet of an arbitrary file", f"select * from read_parquet('{out}.parquet')"),
        ("sniff_csv of an arbitrary file", "select * from sniff_csv('/etc/passwd')"),
        ("glob the file system", "select * from glob('/etc/*')"),
        ("replacement scan of a path", "select * from '/etc/passwd'"),
        ("file read hidden in query()", "select * from query('select * from read_text(''/etc/passwd'')')"),
        ("environment variables", "select getenv('HOME')"),
        ("SET a setting", "set enable_external_access = true"),
        ("SET threads", "set threads = 64"),
        ("RESET a setting", "reset threads"),
        ("PRAGMA", "pragma database_list"),
        ("PRAGMA as a table function", "select * from pragma_database_list"),
        ("settings listing", "select * from duckdb_settings()"),
        ("secrets listing", "select * from duckdb_secrets()"),
        ("CREATE SECRET", "create secret s3secret (type s3, key_id 'a', secret 'b')"),
        ("CALL", "call pragma_version()"),
        ("CHECKPOINT", "checkpoint"),
        ("FORCE CHECKPOINT", "force checkpoint"),
        ("VACUUM", "vacuum"),
        ("transaction control", "begin transaction"),
        ("PREPARE", "prepare p as select 1"),
        ("EXPLAIN ANALYZE", "explain analyze select 1"),
        ("two statements", "select 1; drop table figures"),
        ("two statements, ATTACH second", f"select 1; attach '{out}-2.duckdb' as y"),
        ("comment hiding the start", "/* just a select */ drop table figures"),
        ("line comment hiding a semicolon", f"select 1 -- harmless\n; copy figures to '{out}-3.csv'"),
        ("statement after a string with a semicolon", "select ';'; delete from figures"),
        ("very long query", "select 1 " + "union all select 1 " * (MAX_QUERY_CHARS // 18)),
        ("empty", "   \n\t "),
    ]


@pytest.fixture(scope="module")
def warehouse(published) -> Path:
    return published.warehouse


def test_every_hostile_statement_is_refused_with_a_clear_message(warehouse: Path, tmp_path: Path) -> None:
    hostile = _hostile(tmp_path)
    assert len(hostile) >= 20
    refused = []
    for what, statement in hostile:
        with pytest.raises(QueryRefused) as caught:
            run_readonly(warehouse, statement, timeout_s=10)
        message = str(caught.value)
        assert len(message) >= 10 and "\n" not in message, f"{what}: unclear message {message!r}"
        refused.append((what, message))
    assert not list(tmp_path.iterdir()), f"a refused statement still wrote: {list(tmp_path.iterdir())}"
    print(f"\nSQL console: {len(refused)} hostile statements, all refused")
    for what, message in refused:
        print(f"  {what:45} -> {message[:110]}")


def test_the_warehouse_is_unchanged_after_the_attack(warehouse: Path, tmp_path: Path) -> None:
    before = run_readonly(warehouse, "select (select count(*) from figures), (select count(*) from sources)")
    for _, statement in _hostile(tmp_path):
        with contextlib.suppress(QueryRefused):
            run_readonly(warehouse, statement, timeout_s=10)
    after = run_readonly(warehouse, "select (select count(*) from figures), (select count(*) from sources)")
    assert before.rows() == after.rows()


@pytest.mark.parametrize("view", [p.stem for p in VIEWS])
def test_ordinary_selects_over_every_view_work(warehouse: Path, view: str) -> None:
    frame = run_readonly(warehouse, f"select * from {view}")
    count = run_readonly(warehouse, f"select count(*) as n from {view}")["n"][0]
    assert frame.height == min(count, 10_000)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_query_works(warehouse: Path, example: Path) -> None:
    frame = run_readonly(warehouse, example.read_text())
    assert frame.width > 0


@pytest.mark.parametrize(
    "query",
    [
        "select ';' as semicolon, '/* not a comment */' as text",  # tricky text inside literals is fine
        "with t as (select region_code, count(*) n from figures group by 1) select * from t order by n desc",
        "select f.figure_id, s.publisher from figures f join sources s using (source_id) where f.value > ?",
    ],
)
def test_harmless_selects_that_look_suspicious_still_work(warehouse: Path, query: str) -> None:
    params = [1] if "?" in query else None
    assert run_readonly(warehouse, query, params=params).height >= 1


def test_a_slow_query_is_stopped_by_the_time_limit(warehouse: Path) -> None:
    slow = "select count(*) from range(200000) a(i), range(200000) b(j) where (i * j) % 7 = 3"
    started = time.perf_counter()
    with pytest.raises(QueryRefused, match="longer than 1 s"):
        run_readonly(warehouse, slow, timeout_s=1.0)
    elapsed = time.perf_counter() - started
    print(f"\nSQL console: a 4e10-row cross join was stopped after {elapsed:.2f} s (limit 1 s)")
    assert elapsed < 10


def test_the_row_limit_holds(warehouse: Path) -> None:
    assert run_readonly(warehouse, "select * from range(1000000)", max_rows=250).height == 250
    assert run_readonly(warehouse, "select * from figures", max_rows=7).height == 7
