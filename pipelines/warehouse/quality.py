"""Data-quality checks on a built warehouse, written as SQL in sql/checks/ (one file per check, as dbt and
lea do): each file's query returns the OFFENDING rows, and their count is the check's severity (0 = passed).

A file starts with two header lines, then a comment saying what one offending row is:
    -- blocking: true|false   (true: the build is not published while rows are returned)
    -- description: ...       (shown in the Dagster UI and the run summary)
Run by pipelines/defs/checks.py before publishing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.warehouse.sqlfiles import SQL_DIR, sql_files

_HEADER = re.compile(r"^--\s*(blocking|description):\s*(.+?)\s*$", re.M)


@dataclass(frozen=True)
class Check:
    name: str  # the file's stem
    description: str
    blocking: bool
    sql: str


def load_checks(sql_dir: Path = SQL_DIR) -> list[Check]:
    """Every check of sql/checks/, by file name. Raises ValueError naming a file without its two headers."""
    checks = []
    for path in sql_files("checks", sql_dir):
        text = path.read_text()
        header = dict(_HEADER.findall(text))
        if set(header) != {"blocking", "description"} or header["blocking"] not in ("true", "false"):
            raise ValueError(f"{path}: needs '-- blocking: true|false' and '-- description: ...' lines")
        checks.append(Check(path.stem, header["description"], header["blocking"] == "true", text))
    return checks


CHECKS = load_checks()
BLOCKING = {check.name for check in CHECKS if check.blocking}


def offending_rows(con: duckdb.DuckDBPyConnection, check: Check) -> int:
    """How many rows the check's query returns on the open warehouse."""
    return int(con.sql(f"select count(*) from ({check.sql})").fetchall()[0][0])


def first_offending(con: duckdb.DuckDBPyConnection, check: Check, limit: int = 5) -> list[dict[str, str]]:
    """The first `limit` offending rows, every value as text (the culprits the check's metadata names, as
    dagster-open-platform's checks do: a count says that something is wrong, the keys say where)."""
    rel = con.sql(f"select * from ({check.sql}) limit {int(limit)}")
    return [
        {c: ("" if v is None else str(v)) for c, v in zip(rel.columns, row, strict=True)}
        for row in rel.fetchall()
    ]


def inspect(path: Path, check: Check, limit: int = 5) -> tuple[int, list[dict[str, str]]]:
    """(offending row count, the first `limit` of them) on the warehouse file at `path`, opened read-only."""
    with duckdb.connect(str(path), read_only=True) as con:
        n = offending_rows(con, check)
        return n, first_offending(con, check, limit) if n else []


def count_offending(path: Path, check: Check) -> int:
    """`offending_rows` on the warehouse file at `path`, opened read-only."""
    with duckdb.connect(str(path), read_only=True) as con:
        return offending_rows(con, check)
