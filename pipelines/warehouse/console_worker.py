"""The SQL console's worker: one console query in a child process of its own, inside operating-system limits.

    python -m pipelines.warehouse.console_worker   (a pickled request on stdin, see `run_readonly`)

The parent (`pipelines/warehouse/console.py: run_readonly`) starts one worker per query. The worker first
limits itself (address space PROCESS_MEMORY_BYTES, CPU seconds, no files written, no core dumps), then parses
and checks the statement, runs it read-only and writes to stdout:

- the line ``S`` when the query starts (the parent's time limit counts from here);
- one JSON line, ``{"refused": "<one line>"}`` or ``{"ok": true}``;
- after ``ok``, the result as one Arrow IPC stream (at most `max_bytes` of record batches).

Whatever a query does to this process (a 7 GB string, a scalar function that never checks for interruption,
a statement nested 800 levels deep), the dashboard or `impact sql` that started it is not touched: the
operating system refuses the memory, and the parent kills the worker at the time limit.

This module imports only duckdb and pyarrow, so a worker starts in about 0.3 s.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import sys
import threading
from functools import cache
from pathlib import Path

MAX_QUERY_CHARS = 20_000
MAX_ROWS = 100_000
MAX_RESULT_BYTES = 64 * 1024 * 1024  # what a person can read; a 500 MB result is an attack or a mistake
MEMORY_LIMIT = "1GB"  # DuckDB's own limit for the query (buffers, hash tables, sorts)
PROCESS_MEMORY_BYTES = 2 * 1024**3  # the worker's address space (RLIMIT_AS): strings, lists, results, DuckDB
MAX_PARSE_DEPTH = 600  # levels of the parsed statement (json_serialize_sql); the examples use at most 14
MAX_PARSE_CHARS = 4_000_000  # characters of the parsed statement (json_serialize_sql)
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
MEMORY_REFUSAL = (
    f"the query needs more than the console's memory ({MEMORY_LIMIT} for the query, "
    f"{PROCESS_MEMORY_BYTES // 1024**3} GB for its process)"
)
DEPTH_REFUSAL = (
    f"the query is nested too deeply (its parsed form is more than {MAX_PARSE_DEPTH} levels deep, "
    "about 200 nested CASE, function or operator levels); write it flatter"
)


class QueryRefused(ValueError):
    """The statement is not a single read-only SELECT, or it failed; the message says why (one line)."""


def time_refusal(timeout_s: float) -> str:
    """The one line for a query stopped by its time limit of `timeout_s` seconds."""
    return f"the query took longer than {timeout_s:g} s and was stopped (the console's time limit)"


@cache
def allowed_functions() -> frozenset[str]:
    """The function names a console query may call (console_functions.txt), lower case."""
    text = (Path(__file__).with_name("console_functions.txt")).read_text()
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def check_text(query: str) -> str:
    """The stripped query text, or QueryRefused when it is empty or longer than MAX_QUERY_CHARS."""
    text = query.strip()
    if not text:
        raise QueryRefused("the query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    return text


def check_query(query: str) -> str:
    """The statement to run, or QueryRefused with the reason (empty, too long, not one SELECT)."""
    import duckdb

    text = check_text(query)
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise QueryRefused(f"the query does not parse: {str(exc).splitlines()[0]}") from None
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


def _names(tree: object, functions: set[str], tables: set[tuple[str, str]], ctes: set[str]) -> int:
    """Collect every function called, every table read and every CTE defined in a serialized query; returns
    the tree's depth. Iterative, so a deeply nested statement cannot exhaust Python's stack."""
    deepest = 0
    stack: list[tuple[object, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, dict):
            if "function_name" in node:
                functions.add(str(node["function_name"]).lower())
            if node.get("type") == "BASE_TABLE":
                tables.add((str(node.get("schema_name") or "").lower(), str(node.get("table_name")).lower()))
            if "cte_map" in node:
                ctes.update(str(e.get("key")).lower() for e in node["cte_map"].get("map", []))
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
    return deepest


def check_names(con, statement: str) -> None:
    """Refuse a statement nested deeper than MAX_PARSE_DEPTH, a function not on the allow-list, or a table
    that is not the warehouse's own (QueryRefused, one line)."""
    text = con.execute("select json_serialize_sql(?)", [statement]).fetchall()[0][0]
    if len(text) > MAX_PARSE_CHARS:
        raise QueryRefused(f"the query is too large once parsed (more than {MAX_PARSE_CHARS:,} characters)")
    try:
        serialized = json.loads(text)
    except RecursionError:
        raise QueryRefused(DEPTH_REFUSAL) from None
    if serialized.get("error"):
        message = str(serialized.get("error_message", "unknown error")).splitlines()[0]
        if "depth" in message.lower():
            raise QueryRefused(DEPTH_REFUSAL)
        raise QueryRefused(f"the query cannot be checked: {message}")
    functions: set[str] = set()
    tables: set[tuple[str, str]] = set()
    ctes: set[str] = set()
    if _names(serialized, functions, tables, ctes) > MAX_PARSE_DEPTH:
        raise QueryRefused(DEPTH_REFUSAL)
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
    import re

    text = str(exc)
    if "Conflicting lock" not in text and "Could not set lock" not in text:
        return None
    found = re.search(r"Conflicting lock is held in (.*?) \(PID (\d+)\)", text)
    who = f"process {found.group(2)} ({found.group(1)})" if found else "another process"
    return (
        f"{warehouse} is held open for writing by {who}; close that client, or open the file read-only "
        f"(`duckdb -readonly {warehouse}`, or read_only=True) so the published warehouse can be read"
    )


def connect_safely(warehouse: Path):
    """A read-only DuckDB connection to `warehouse` with CONSOLE_CONFIG, or QueryRefused (missing file,
    held open for writing)."""
    import duckdb

    if not Path(warehouse).exists():
        raise QueryRefused(f"no warehouse at {warehouse}; build it with `impact run`")
    try:
        return duckdb.connect(str(warehouse), read_only=True, config=CONSOLE_CONFIG)
    except duckdb.Error as exc:
        raise QueryRefused(held_open_message(warehouse, exc) or str(exc).splitlines()[0]) from None


def _is_memory_error(exc: BaseException) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return isinstance(exc, MemoryError) or any(
        word in text for word in ("out of memory", "outofmemory", "bad_alloc", "failed to allocate")
    )


def _fetch_capped(relation, max_bytes: int) -> list:
    """The relation's record batches, QueryRefused once they exceed `max_bytes`."""
    reader = relation.fetch_record_batch(2048)
    batches, size = [], 0
    for batch in reader:
        size += batch.nbytes
        if size > max_bytes:
            raise QueryRefused(
                f"the result is larger than {max_bytes // 1024 // 1024} MB; select fewer columns or rows"
            )
        batches.append(batch)
    return reader.schema, batches


def limit_this_process(cpu_s: int) -> None:
    """Address space PROCESS_MEMORY_BYTES, `cpu_s` CPU seconds, no file written, no core dump."""
    resource.setrlimit(resource.RLIMIT_AS, (PROCESS_MEMORY_BYTES, PROCESS_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def answer(request: dict, out) -> None:
    """Run one request ({'warehouse', 'query', 'max_rows', 'timeout_s', 'params', 'max_bytes'}) and write
    the answer to the binary stream `out` (the protocol in the module docstring)."""
    import duckdb
    import pyarrow as pa

    timeout_s = float(request["timeout_s"])
    out.write(b"S\n")
    out.flush()
    try:
        statement = check_query(request["query"])
        con = connect_safely(Path(request["warehouse"]))
        timer = threading.Timer(timeout_s, con.interrupt)
        timer.daemon = True
        timer.start()
        try:
            check_names(con, statement)
            relation = con.sql(statement, params=request.get("params")).limit(int(request["max_rows"]))
            schema, batches = _fetch_capped(relation, int(request["max_bytes"]))
        finally:
            timer.cancel()
    except QueryRefused as exc:
        message = str(exc)
    except duckdb.InterruptException:
        message = time_refusal(timeout_s)
    except RecursionError:
        message = DEPTH_REFUSAL
    except BaseException as exc:  # noqa: BLE001 - every failure becomes one line for the person who typed it
        if "interrupt" in str(exc).lower():
            message = time_refusal(timeout_s)
        elif _is_memory_error(exc):
            message = MEMORY_REFUSAL
        else:
            message = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    else:
        out.write(b'{"ok": true}\n')
        with pa.ipc.new_stream(out, schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
        out.flush()
        return
    out.write(json.dumps({"refused": message}).encode() + b"\n")
    out.flush()


def main() -> None:
    """Read one pickled request from stdin, limit this process, answer on stdout, exit."""
    request = pickle.load(sys.stdin.buffer)
    timeout_s = float(request["timeout_s"])
    # CPU: two DuckDB threads for the whole time limit, plus the start; the parent kills at the time limit
    limit_this_process(int(2 * timeout_s) + 10)
    hard_stop = threading.Timer(timeout_s + 5, os._exit, args=(3,))  # if the parent is gone
    hard_stop.daemon = True
    hard_stop.start()
    answer(request, sys.stdout.buffer)
    sys.stdout.flush()
    os._exit(0)  # no interpreter teardown: DuckDB's threads may still be unwinding a large allocation


if __name__ == "__main__":
    main()
