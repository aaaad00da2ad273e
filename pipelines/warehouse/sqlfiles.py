"""The warehouse's SQL lives in `sql/`: tables first, then views. One object per file, file name = object name."""

from __future__ import annotations

from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"


def sql_files(layer: str, sql_dir: Path = SQL_DIR) -> list[Path]:
    """The `.sql` files of one layer (`tables`, `views`, `examples`), sorted by name."""
    return sorted((sql_dir / layer).glob("*.sql"))


def create_tables(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    for path in sql_files("tables", sql_dir):
        con.execute(path.read_text())


def create_views(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[str]:
    """Create every view; a view that reads another view is retried after it. Returns names in creation order."""
    pending = sql_files("views", sql_dir)
    created: list[str] = []
    while pending:
        failed: list[tuple[Path, Exception]] = []
        for path in pending:
            try:
                con.execute(path.read_text())
                created.append(path.stem)
            except duckdb.CatalogException as exc:  # depends on a view not created yet
                failed.append((path, exc))
        if len(failed) == len(pending):
            names = ", ".join(f"{p.name}: {e}" for p, e in failed)
            raise RuntimeError(f"views that cannot be created: {names}")
        pending = [p for p, _ in failed]
    return created


def materialise_views(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Replace views by tables holding their rows, in the given (dependency) order.

    The formula stays defined once, in `sql/views/<name>.sql`; the published object keeps its name, so SQL
    users and the dashboard read it the same way, only faster. Views that read a materialised one keep
    working: DuckDB binds a view's names when it is queried.
    """
    for name in names:
        columns = {r[0] for r in con.execute(f"describe {name}").fetchall()}
        # stored in series order: the dashboard filters on these first, and DuckDB skips row groups by min/max
        order = [c for c in ("entity", "metric", "region_code") if c in columns]
        order_by = f" order by {', '.join(order)}" if order else ""
        con.execute(f"create table _materialising as select * from {name}{order_by}")
        con.execute(f"drop view {name}")
        con.execute(f"alter table _materialising rename to {name}")
