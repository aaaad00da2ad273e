"""Read-only queries over the published warehouse for people typing SQL (CLI and dashboard console).

Defence in depth: only single SELECT statements pass the parser check; the connection is read-only, with
external file access, extension loading and configuration changes disabled; results are capped in rows and
queries are interrupted after a time limit.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import duckdb
import polars as pl

MAX_QUERY_CHARS = 20_000
SAFE_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
_REFUSED_SELECT_FUNCTIONS = ("duckdb_settings", "duckdb_secrets", "duckdb_extensions", "pragma_")


class QueryRefused(ValueError):
    """The statement is not a single read-only SELECT, or it failed; the message says why."""


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
    lowered = text.lower()
    for name in _REFUSED_SELECT_FUNCTIONS:
        if name in lowered:
            raise QueryRefused(f"'{name}' is not available here")
    return statement.query


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
        return duckdb.connect(str(warehouse), read_only=True, config=SAFE_CONFIG)
    except duckdb.Error as exc:
        raise QueryRefused(held_open_message(warehouse, exc) or str(exc).splitlines()[0]) from None


def run_readonly(
    warehouse: Path, query: str, max_rows: int = 10_000, timeout_s: float = 10.0, params: list | None = None
) -> pl.DataFrame:
    """Run one SELECT read-only; at most `max_rows` rows, interrupted after `timeout_s` seconds."""
    statement = check_query(query)
    con = connect_safely(warehouse)
    timer = threading.Timer(timeout_s, con.interrupt)
    timer.start()
    try:
        return con.sql(statement, params=params).limit(max_rows).pl()
    except duckdb.InterruptException:
        raise QueryRefused(f"the query took longer than {timeout_s:g} s and was stopped") from None
    except duckdb.Error as exc:
        raise QueryRefused(str(exc).splitlines()[0]) from None
    finally:
        timer.cancel()
        con.close()
