"""Read-only queries over the published warehouse for people typing SQL (CLI and dashboard console).

Defence in depth (docs/reliability.md, "SQL console"):
- only one SELECT statement passes the parser check;
- every function it calls must be on the allow-list `console_functions.txt` (scalar, aggregate and window
  functions of DuckDB's core, nothing that reads settings, the environment, the catalog or files), and every
  table it reads must be a table or view of the warehouse (or a CTE of the query); a name built in a string
  (`query('select * from duckdb_' || 'settings()')`) is refused because `query` is not on the list;
- the connection is read-only, with external file access, extension loading and configuration changes
  disabled, a memory limit (MEMORY_LIMIT) and no temporary files (nothing spills next to the warehouse);
- results are capped in rows (1..MAX_ROWS: the limit cannot be disabled) and bytes (MAX_RESULT_BYTES);
- queries are interrupted after a time limit, and at most MAX_CONCURRENT run at once per process.
"""

from __future__ import annotations

import json
import re
import threading
from functools import cache
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

MAX_QUERY_CHARS = 20_000
MAX_ROWS = 100_000
MAX_RESULT_BYTES = 64 * 1024 * 1024  # what a person can read; a 500 MB result is an attack or a mistake
MEMORY_LIMIT = "1GB"  # per query connection; with the result cap the console process stays under 2 GB
MAX_CONCURRENT = 2  # console queries running at once in one process (the dashboard serves many visitors)
QUEUE_WAIT_S = 5.0
SAFE_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
CONSOLE_CONFIG = {
    **SAFE_CONFIG,
    "memory_limit": MEMORY_LIMIT,
    "temp_directory": "",  # no spilling: a query that needs more memory than the limit is refused
    "threads": 2,
}
_TABLE_SCHEMAS = {"", "main", "information_schema"}
_running = threading.BoundedSemaphore(MAX_CONCURRENT)


class QueryRefused(ValueError):
    """The statement is not a single read-only SELECT, or it failed; the message says why."""


@cache
def allowed_functions() -> frozenset[str]:
    text = (Path(__file__).with_name("console_functions.txt")).read_text()
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def check_query(query: str) -> str:
    """The statement to run, or QueryRefused with the reason."""
    text = query.strip()
    if not text:
        raise QueryRefused("the query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query is longer than {MAX_QUERY_CHARS} characters")
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise QueryRefused(f"the query does not parse: {exc}") from None
    if len(statements) != 1:
        raise QueryRefused(f"one statement at a time, please ({len(statements)} given)")
    statement = statements[0]
    if statement.type != duckdb.StatementType.SELECT:
        kind = statement.type.name.lower()
        raise QueryRefused(
            f"only SELECT queries are allowed here ({kind} statements are refused: the warehouse "
            "is read-only)"
        )
    return statement.query


def _names(tree: object, functions: set[str], tables: set[tuple[str, str]], ctes: set[str]) -> None:
    """Collect every function called, every table read and every CTE defined in a serialized query."""
    if isinstance(tree, dict):
        if "function_name" in tree:
            functions.add(str(tree["function_name"]).lower())
        if tree.get("type") == "BASE_TABLE":
            tables.add((str(tree.get("schema_name") or "").lower(), str(tree.get("table_name")).lower()))
        if "cte_map" in tree:
            ctes.update(str(e.get("key")).lower() for e in tree["cte_map"].get("map", []))
        for value in tree.values():
            _names(value, functions, tables, ctes)
    elif isinstance(tree, list):
        for value in tree:
            _names(value, functions, tables, ctes)


def check_names(con: duckdb.DuckDBPyConnection, statement: str) -> None:
    """Refuse a function not on the allow-list, or a table that is not the warehouse's own."""
    serialized = json.loads(con.execute("select json_serialize_sql(?)", [statement]).fetchone()[0])
    if serialized.get("error"):
        raise QueryRefused(f"the query cannot be checked: {serialized.get('error_message', 'unknown error')}")
    functions: set[str] = set()
    tables: set[tuple[str, str]] = set()
    ctes: set[str] = set()
    _names(serialized, functions, tables, ctes)
    refused = sorted(functions - allowed_functions())
    if refused:
        raise QueryRefused(f"function(s) not available here: {', '.join(refused)} (see docs/reliability.md)")
    own = {
        r[0].lower()
        for r in con.execute(
            "select table_name from duckdb_tables() union all select view_name from duckdb_views() where not internal"
        ).fetchall()
    }
    unknown = sorted(
        f"{schema + '.' if schema else ''}{name}"
        for schema, name in tables
        if schema not in _TABLE_SCHEMAS or (schema != "information_schema" and name not in own | ctes)
    )
    if unknown:
        raise QueryRefused(
            f"unknown table(s): {', '.join(unknown)}; the warehouse's tables are in docs/warehouse.md"
        )


def held_open_message(warehouse: Path, exc: BaseException) -> str | None:
    """One plain line when `exc` is DuckDB refusing the file because another process holds it open for
    writing (DuckDB's default for clients and SQL tools), naming that process and the fix; else None."""
    text = str(exc)
    if "Conflicting lock" not in text and "Could not set lock" not in text:
        return None
    found = re.search(r"Conflicting lock is held in (.*?) \(PID (\d+)\)", text)
    who = f"process {found.group(2)} ({found.group(1)})" if found else "another process"
    return (
        f"{warehouse} is held open for writing by {who}; close that client, or open the file read-only "
        f"(`duckdb -readonly {warehouse}`, or read_only=True) so the published warehouse can be read"
    )


def connect_safely(warehouse: Path) -> duckdb.DuckDBPyConnection:
    if not Path(warehouse).exists():
        raise QueryRefused(f"no warehouse at {warehouse}; build it with `impact run`")
    try:
        return duckdb.connect(str(warehouse), read_only=True, config=CONSOLE_CONFIG)
    except duckdb.Error as exc:
        raise QueryRefused(held_open_message(warehouse, exc) or str(exc).splitlines()[0]) from None


def _fetch_capped(relation: duckdb.DuckDBPyRelation, max_bytes: int) -> pl.DataFrame:
    reader = relation.fetch_record_batch(2048)
    batches, size = [], 0
    for batch in reader:
        size += batch.nbytes
        if size > max_bytes:
            raise QueryRefused(
                f"the result is larger than {max_bytes // 1024 // 1024} MB; select fewer columns or rows"
            )
        batches.append(batch)
    table = pa.Table.from_batches(batches, schema=reader.schema)
    return pl.from_arrow(table) if table.num_columns else pl.DataFrame()


def run_readonly(
    warehouse: Path,
    query: str,
    max_rows: int = 10_000,
    timeout_s: float = 10.0,
    params: list | None = None,
    max_bytes: int = MAX_RESULT_BYTES,
) -> pl.DataFrame:
    """Run one SELECT read-only: 1 <= `max_rows` <= MAX_ROWS rows at most (QueryRefused outside that range),
    at most `max_bytes` of result, interrupted after `timeout_s` seconds."""
    if not 1 <= int(max_rows) <= MAX_ROWS:
        raise QueryRefused(f"the row limit must be between 1 and {MAX_ROWS:,}; it cannot be turned off")
    statement = check_query(query)
    if not _running.acquire(timeout=QUEUE_WAIT_S):
        raise QueryRefused(f"{MAX_CONCURRENT} console queries are already running; try again in a moment")
    try:
        con = connect_safely(warehouse)
        timer = threading.Timer(timeout_s, con.interrupt)
        timer.start()
        try:
            check_names(con, statement)
            frame = _fetch_capped(con.sql(statement, params=params).limit(int(max_rows)), max_bytes)
            return frame if isinstance(frame, pl.DataFrame) else frame.to_frame()
        except duckdb.InterruptException:
            raise QueryRefused(f"the query took longer than {timeout_s:g} s and was stopped") from None
        except duckdb.OutOfMemoryException:
            raise QueryRefused(f"the query needs more than the console's {MEMORY_LIMIT} of memory") from None
        except duckdb.Error as exc:
            raise QueryRefused(str(exc).splitlines()[0]) from None
        finally:
            timer.cancel()
            con.close()
    finally:
        _running.release()
