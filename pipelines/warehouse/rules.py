"""The rules written once in sql/views/base/, read by Python: the grains (order, months per period, event
window sizes, unit labels), the expectation preference, and region containment (`region_lineage`).

The value tables (`grain_order`, `expectation_preference`) are read by running their SQL file in an in-memory
DuckDB, so Python needs no warehouse for them and cannot drift from the SQL views that join them. Region
containment needs the regions: from a warehouse connection (`related_regions`), or by applying the view's
SQL to a regions frame (`lineage_pairs`), so a pure function and the warehouse use the same rule.
"""

from __future__ import annotations

from functools import cache

import duckdb
import polars as pl

from pipelines.warehouse.sqlfiles import SQL_DIR

BASE = SQL_DIR / "views" / "base"


@cache
def _values(name: str) -> tuple[tuple, ...]:
    """The rows of a value-only view of sql/views/base/ (it reads no table), in the view's order."""
    with duckdb.connect() as con:
        con.execute((BASE / f"{name}.sql").read_text())
        return tuple(con.execute(f"select * from {name}").fetchall())


# grain, grain_rank, unit_label, months_per_period, window_k (sql/views/base/grain_order.sql)
_PERIODIC = [row for row in _values("grain_order") if row[3] is not None]
# the periodic grains (with an event window), finest first: the grain an effect is estimated on when a
# series exists at several, and the order the pickers list grains in
GRAIN_ORDER: tuple[str, ...] = tuple(row[0] for row in _PERIODIC)
UNIT_LABEL: dict[str, str] = {row[0]: row[2] for row in _values("grain_order")}
MONTHS_PER_PERIOD: dict[str, int] = {row[0]: row[3] for row in _PERIODIC}
WINDOW_K: dict[str, int] = {row[0]: row[4] for row in _PERIODIC}
# expectation kinds, most preferred first (sql/views/base/expectation_preference.sql)
EXPECTATION_PREFERENCE: tuple[str, ...] = tuple(row[0] for row in _values("expectation_preference"))

RELATED_REGIONS_SQL = """
    select descendant_code as region_code from region_lineage where ancestor_code = ?
    union
    select ancestor_code from region_lineage where descendant_code = ?
"""


def related_regions(con: duckdb.DuckDBPyConnection, region_code: str) -> list[str]:
    """The region, its ancestors and its descendants (region_lineage), sorted."""
    rows = con.execute(RELATED_REGIONS_SQL, [region_code, region_code]).fetchall()
    return sorted(code for (code,) in rows)


def lineage_pairs(regions: pl.DataFrame) -> dict[tuple[str, str], int]:
    """{(ancestor_code, descendant_code): ancestor_depth} by sql/views/base/region_lineage.sql applied to
    `regions` (columns region_code, path; other columns are ignored). A region is its own ancestor."""
    with duckdb.connect() as con:
        con.register("regions", regions.select("region_code", "path").to_arrow())
        con.execute((BASE / "region_lineage.sql").read_text())
        rows = con.execute(
            "select ancestor_code, descendant_code, ancestor_depth from region_lineage"
        ).fetchall()
    return {(a, d): depth for a, d, depth in rows}


def are_related(pairs: dict[tuple[str, str], int], a: str, b: str) -> bool:
    """One region contains the other, or they are the same (`pairs` from `lineage_pairs`)."""
    return (a, b) in pairs or (b, a) in pairs
