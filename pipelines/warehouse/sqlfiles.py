"""The warehouse's SQL lives in `sql/`: tables first, then views by layer. One object per file, file name = object name.

Views sit in layer folders applied in `VIEW_LAYERS` order; a view reads tables and views of earlier layers
only (a test checks it), so creation needs no retries:
- `base/`     rules written once: region containment (region_lineage), the grains' order and window sizes
              (grain_order), the expectation preference (read by Python through pipelines/warehouse/rules.py)
- `chosen/`   which figure stands for a series' actual, which expectation vintage a policy picks
- `rolled/`   finer figures rolled up to a coarser period they tile completely (actual_rollups,
              expectation_rollups), by the metric's aggregation
- `compared/` actuals against expectations (variance, attainment, pacing)
- `analysis/` what the comparisons add up to (by region and quarter, streaks, event windows, claims)
- `serve/`    the dashboard's read model: what each page shows, already joined (region names, levels, paths,
              publishers, base-unit values, where a period landed), stored sorted for the page's filters;
              the dashboard's reads (sql/reads/<page>/<name>.sql) select from these and the views above
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"


VIEW_LAYERS = ("base", "chosen", "rolled", "compared", "analysis", "serve")

# Views stored in the order their own SQL ends with (`order by` the page's filters, then its display order)
SELF_SORTED_LAYERS = ("serve",)


def sql_files(folder: str, sql_dir: Path = SQL_DIR) -> list[Path]:
    """The `.sql` files of one folder (`tables`, `examples`, ...), sorted by name; `views` gives every view,
    layer by layer in `VIEW_LAYERS` order."""
    if folder == "views":  # within a layer, its macro files first: the layer's views may call them
        return [
            path
            for layer in VIEW_LAYERS
            for path in sorted(sql_files(f"views/{layer}", sql_dir), key=lambda p: not defines_macros(p))
        ]
    return sorted((sql_dir / folder).glob("*.sql"))


def defines_macros(path: Path) -> bool:
    """Whether a file of sql/views/ holds macros (the KPI formulas of base/kpi_measures.sql) rather than a view:
    its objects are functions, not relations, so they are created but never materialised."""
    return "create or replace macro" in path.read_text().lower()


def view_names(sql_dir: Path = SQL_DIR) -> list[str]:
    """Every view's name, in creation order (the macro files left out)."""
    return [path.stem for path in sql_files("views", sql_dir) if not defines_macros(path)]


def sql_literal(text: str | Path) -> str:
    """`text` as a SQL string literal, quotes doubled: "it's" -> 'it''s' (for the statements that cannot bind
    a parameter: ATTACH, COPY ... TO, a file list)."""
    return "'" + str(text).replace("'", "''") + "'"


def schema_fingerprint(sql_dir: Path = SQL_DIR) -> str:
    """16 hex digits of a SHA-256 over every table and view definition (relative path and text, in creation
    order): written to build_info.schema_fingerprint by each build, so the dashboard can tell a warehouse
    built by another version of the product (columns it reads may be missing) and say so instead of failing."""
    digest = hashlib.sha256()
    for path in [*sql_files("tables", sql_dir), *sql_files("views", sql_dir)]:
        digest.update(path.relative_to(sql_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def create_tables(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    for path in sql_files("tables", sql_dir):
        con.execute(path.read_text())


def create_views(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[str]:
    """Create every view, layer by layer; returns their names in creation order.

    Raises duckdb.CatalogException when a view reads a view of its own or a later layer."""
    created: list[str] = []
    for path in sql_files("views", sql_dir):
        con.execute(path.read_text())
        created.append(path.stem)
    return created


def materialise_views(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Replace views by tables holding their rows, in the given (dependency) order.

    The formula stays defined once, in `sql/views/<name>.sql`; the published object keeps its name, so SQL
    users and the dashboard read it the same way, only faster. Views that read a materialised one keep
    working: DuckDB binds a view's names when it is queried.
    """
    self_sorted = {path.stem for layer in SELF_SORTED_LAYERS for path in sql_files(f"views/{layer}")}
    for name in names:
        columns = {r[0] for r in con.execute(f"describe {name}").fetchall()}
        # stored in series order: the dashboard filters on these first, and DuckDB skips row groups by min/max
        # (a serve/ view's own `order by` already starts with its page's filters)
        order = (
            [] if name in self_sorted else [c for c in ("entity", "metric", "region_code") if c in columns]
        )
        order_by = f" order by {', '.join(order)}" if order else ""
        con.execute(f"create table _materialising as select * from {name}{order_by}")
        con.execute(f"drop view {name}")
        con.execute(f"alter table _materialising rename to {name}")
