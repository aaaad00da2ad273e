"""Query functions whose SQL is shaped for speed must still answer what the plain query answers."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dashboard.data import connection as q
from dashboard.data import evidence
from pipelines.warehouse.sqlfiles import create_tables

KEYS = ["entity", "metric", "region_code", "period", "kind_group", "spread_pct", "spread"]
# the plain definition of "the N widest disagreements": one top-N over the whole view
WIDEST = """
select {keys} from source_disagreement where {narrow}
order by spread_pct desc nulls last, spread desc, entity, metric, region_code, period, kind_group
limit ?
"""


def _widest(path: Path, limit: int, entity: str | None = None) -> list[tuple]:
    narrow, params = q.where_given(entity=entity, metric=None)
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(WIDEST.format(keys=", ".join(KEYS), narrow=narrow), [*params, limit]).fetchall()


def _shown(path: Path, limit: int, entity: str | None = None) -> list[tuple]:
    q.clear_cache()
    frame = evidence.disagreement(q.identity(path), entity, None, limit)
    return [tuple(row) for row in frame.select(KEYS).iter_rows()]


@pytest.fixture(scope="module")
def ties_and_nulls(tmp_path_factory) -> Path:
    """A source_disagreement with ties at every cut, spreads from a zero (spread_pct null) and one entity with
    fewer rows than the page shows."""
    path = tmp_path_factory.mktemp("disagreement") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        create_tables(con)  # a warehouse of this product (build_info), whose one view is seeded below
        con.execute(
            """
            create table source_disagreement as
            select 'E' || (i % 3) as entity, 'gmv' as metric, 'R' || lpad((i % 17)::varchar, 2, '0') as region_code,
                   '2024-Q' || (1 + i % 4) as period, 'actual' as kind_group, 'USD' as unit,
                   2::bigint as figures, 2::bigint as sources,
                   case when i % 7 = 0 then 0.0 else 10.0 end as min_value,
                   case when i % 7 = 0 then 10.0 + i % 3 else 10.0 + (i % 5) end as max_value,
                   (case when i % 7 = 0 then 10.0 + i % 3 else 10.0 + (i % 5) end)
                   - (case when i % 7 = 0 then 0.0 else 10.0 end) as spread,
                   case when i % 7 = 0 then null else (i % 5) / 10.0 end as spread_pct,
                   'A,B' as source_ids, 'F' || i || ',G' || i as figure_ids,
                   [{'figure_id': 'F' || i, 'value': 10.0}] as values
            from range(200) as t(i)
            union all
            select 'LONE', 'gmv', 'R00', '2024-Q1', 'actual', 'USD', 2, 2, 1.0, 3.0, 2.0, 2.0, 'A,B', 'F,G',
                   [{'figure_id': 'F', 'value': 1.0}]
            """
        )
    return path


@pytest.mark.parametrize("limit", [1, 2, 5, 40, 120, 190, 250])
def test_the_widest_disagreements_are_those_of_one_plain_top_n_with_ties_and_nulls(ties_and_nulls, limit):
    expected = _widest(ties_and_nulls, limit)
    assert _shown(ties_and_nulls, limit) == expected
    assert len(expected) == min(limit, 201)


def test_the_widest_disagreements_of_one_entity_with_fewer_rows_than_shown(ties_and_nulls):
    assert _shown(ties_and_nulls, 40, "LONE") == _widest(ties_and_nulls, 40, "LONE")
    assert len(_shown(ties_and_nulls, 40, "LONE")) == 1
    assert _shown(ties_and_nulls, 40, "NOBODY") == []


def test_the_widest_disagreements_of_a_generated_warehouse(synthetic_warehouse):
    with duckdb.connect(str(synthetic_warehouse), read_only=True) as con:
        [(last,)] = con.sql("select max(entity) from source_disagreement").fetchall()
    for entity in (None, last):
        expected = _widest(synthetic_warehouse, evidence.DISAGREEMENTS_SHOWN, entity)
        assert len(expected) == evidence.DISAGREEMENTS_SHOWN
        assert _shown(synthetic_warehouse, evidence.DISAGREEMENTS_SHOWN, entity) == expected
