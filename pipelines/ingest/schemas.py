"""Table shapes, declared once: the CREATE TABLE statements of sql/tables/*.sql. The Polars schemas of the
frames the load builds are derived from them here (column names, order and types), so a column added to the
DDL is a column of the frame, and the two cannot disagree (tests/unit/test_schemas.py).

`table_schema(name)` runs sql/tables/<name>.sql in an in-memory DuckDB and maps each column's type; raises
KeyError naming the table and column when a DuckDB type has no Polars type listed below.
"""

from __future__ import annotations

from functools import cache

import duckdb
import polars as pl

from pipelines.warehouse.sqlfiles import SQL_DIR

# The DuckDB types sql/tables/ uses, and the Polars type a loaded frame holds for each.
POLARS_TYPE: dict[str, pl.DataType] = {
    "VARCHAR": pl.String(),
    "DATE": pl.Date(),
    "DOUBLE": pl.Float64(),
    "INTEGER": pl.Int32(),
    "BIGINT": pl.Int64(),
    "BOOLEAN": pl.Boolean(),
    "TIMESTAMP": pl.Datetime("us"),
}


@cache
def _columns(table: str) -> tuple[tuple[str, str], ...]:
    with duckdb.connect() as con:
        con.execute((SQL_DIR / "tables" / f"{table}.sql").read_text())
        return tuple(
            con.execute(
                "select column_name, data_type from duckdb_columns() where table_name = ? order by column_index",
                [table],
            ).fetchall()
        )


def table_schema(table: str) -> dict[str, pl.DataType]:
    """{column: Polars type} of warehouse table `table`, in the DDL's column order."""
    schema = {}
    for column, kind in _columns(table):
        if kind not in POLARS_TYPE:
            raise KeyError(
                f"sql/tables/{table}.sql: column {column} has type {kind}, which has no Polars type"
            )
        schema[column] = POLARS_TYPE[kind]
    return schema
