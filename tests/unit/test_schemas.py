"""Table shapes are declared once, in sql/tables/*.sql: the frames the load builds have exactly the DDL's
columns, in its order, with the Polars type of each column's DuckDB type."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.ingest.assemble import LOADS_SCHEMA, REJECTED_SCHEMA, load_all
from pipelines.ingest.reference_tables import TABLE_SCHEMAS
from pipelines.ingest.schemas import POLARS_TYPE, table_schema
from pipelines.warehouse.sqlfiles import sql_files
from tests.case_study import CASE_STUDY


def test_every_table_of_sql_tables_has_a_polars_shape() -> None:
    for path in sql_files("tables"):
        schema = table_schema(path.stem)  # KeyError on a type without a Polars type
        assert schema and set(schema.values()) <= set(POLARS_TYPE.values()), path.name


def test_the_load_uses_the_ddl_shapes() -> None:
    assert table_schema("rejected_rows") == REJECTED_SCHEMA
    assert table_schema("loads") == LOADS_SCHEMA
    assert all(TABLE_SCHEMAS[kind] == table_schema(kind) for kind in TABLE_SCHEMAS)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("schemas")
    (data_dir / "datasets").mkdir()
    (data_dir / "datasets" / CASE_STUDY.name).symlink_to(CASE_STUDY)
    return load_all(data_dir, today=date(2026, 11, 24))


@pytest.mark.parametrize("table", ["sources", "figures", "events", "metrics", "entities"])
def test_loaded_frames_have_the_tables_columns_and_types(loaded, table: str) -> None:
    assert loaded.tables[table].schema == table_schema(table)


def test_rejected_rows_and_loads_frames_have_their_tables_shape(loaded) -> None:
    assert loaded.rejected.schema == table_schema("rejected_rows")
    assert loaded.loads.schema == table_schema("loads")
