"""Compare two warehouse files table by table: the same tables and views, the same columns (name and type),
the same rows (as multisets). Used to show that a refactoring changed no published figure.

    python -m pipelines.devtools.compare_warehouses OLD.duckdb NEW.duckdb [--ignore TABLE.COLUMN ...]

Prints one line per relation and exits 1 when any relation differs. Columns that differ on every build
(`build_info.built_at`, `loads.loaded_at`, ...) are named with --ignore.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class Difference:
    relation: str
    what: str  # 'only in old', 'only in new', 'columns' (added/removed; rows compared on the rest), 'rows', 'same'
    detail: str = ""


def _relations(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "select table_name, column_name, data_type from duckdb_columns()"
        " where database_name = ? and schema_name = 'main' order by table_name, column_index",
        [database],
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        out.setdefault(table, []).append((column, kind))
    return out


def compare(old: Path, new: Path, ignore: frozenset[str] = frozenset()) -> list[Difference]:
    """One Difference per relation in either file ('same' when columns and rows agree)."""
    con = duckdb.connect()
    con.execute(f"attach '{old}' as old (read_only)")
    con.execute(f"attach '{new}' as new (read_only)")
    before, after = _relations(con, "old"), _relations(con, "new")
    out: list[Difference] = []
    for name in sorted(before.keys() | after.keys()):
        if name not in after:
            out.append(Difference(name, "only in old"))
        elif name not in before:
            out.append(Difference(name, "only in new", f"{len(after[name])} columns"))
        else:
            common = [c for c in before[name] if c in after[name]]
            rows = _compare_rows(con, name, [c for c, _ in common if f"{name}.{c}" not in ignore])
            if common == before[name] == after[name]:
                out.append(rows)
            else:
                added = [c for c, _ in after[name] if (c, _) not in before[name]]
                removed = [c for c, _ in before[name] if (c, _) not in after[name]]
                out.append(Difference(name, "columns", f"+{added} -{removed}; common columns: {rows.detail}"))
    return out


def _compare_rows(con: duckdb.DuckDBPyConnection, name: str, columns: list[str]) -> Difference:
    cols = ", ".join(f'"{c}"' for c in columns)
    count = con.execute(f"select count(*) from old.{name}").fetchone()[0]
    missing, extra = con.execute(
        f"select (select count(*) from (select {cols} from old.{name} except all select {cols} from new.{name})),"
        f" (select count(*) from (select {cols} from new.{name} except all select {cols} from old.{name}))"
    ).fetchone()
    if missing or extra:
        return Difference(name, "rows", f"{missing} rows only in old, {extra} only in new (of {count})")
    return Difference(name, "same", f"{count} rows, {len(columns)} columns compared")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--ignore", action="append", default=[], help="TABLE.COLUMN that differs by design")
    args = parser.parse_args(argv)
    differences = compare(args.old, args.new, frozenset(args.ignore))
    for d in differences:
        print(f"{d.what:12} {d.relation:32} {d.detail}")
    changed = [d for d in differences if d.what != "same"]
    print(f"{len(differences) - len(changed)} of {len(differences)} relations the same")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
