"""pipelines/devtools/compare_warehouses.py: the table-by-table comparison used to show a refactoring
changed no published row."""

from __future__ import annotations

import duckdb

from pipelines.devtools.compare_warehouses import compare


def _warehouse(path, *statements: str):
    with duckdb.connect(str(path)) as con:
        for statement in statements:
            con.execute(statement)
    return path


def test_same_changed_added_and_removed_relations(tmp_path) -> None:
    old = _warehouse(
        tmp_path / "old.duckdb",
        "create table a as select * from (values (1, 'x'), (1, 'x'), (2, 'y')) t(n, s)",
        "create table b as select 1 as n",
        "create table gone as select 1 as n",
        "create table wider as select 1 as n, now() as built_at",
    )
    new = _warehouse(
        tmp_path / "new.duckdb",
        "create table a as select * from (values (2, 'y'), (1, 'x'), (1, 'x')) t(n, s)",  # order is free
        "create table b as select 2 as n",
        "create table added as select 1 as n",
        "create table wider as select 1 as n, now() as built_at, 'extra' as note",
    )
    found = {d.relation: d for d in compare(old, new, frozenset({"wider.built_at"}))}
    assert found["a"].what == "same" and "3 rows" in found["a"].detail
    assert found["b"].what == "rows" and "1 rows only in old, 1 only in new" in found["b"].detail
    assert found["gone"].what == "only in old" and found["added"].what == "only in new"
    assert found["wider"].what == "columns" and "+['note']" in found["wider"].detail
    assert "1 rows, 1 columns compared" in found["wider"].detail  # built_at ignored, n compared


def test_a_duplicate_row_counts(tmp_path) -> None:
    old = _warehouse(tmp_path / "old.duckdb", "create table a as select * from (values (1), (1)) t(n)")
    new = _warehouse(tmp_path / "new.duckdb", "create table a as select * from (values (1)) t(n)")
    assert compare(old, new)[0].what == "rows"  # multisets, not sets
