"""The view layers of sql/views/ (pipelines/warehouse/sqlfiles.py): every view reads tables and views of
EARLIER layers only, so the layers can be applied in order without retries and, within a layer, in any
order."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.warehouse.sqlfiles import SQL_DIR, VIEW_LAYERS, create_tables, defines_macros, sql_files


def _layer(name: str) -> list:
    return sql_files(f"views/{name}")


@pytest.mark.parametrize("layer", VIEW_LAYERS)
def test_each_view_needs_only_tables_and_earlier_layers(layer: str) -> None:
    # the earlier layers in creation order (each layer's macro files first)
    earlier = [
        path for path in sql_files("views") if path.parent.name in VIEW_LAYERS[: VIEW_LAYERS.index(layer)]
    ]
    macros = [path for path in _layer(layer) if defines_macros(path)]  # a layer's own rules, applied first
    for path in _layer(layer):
        with duckdb.connect() as con:
            create_tables(con)
            for view in [*earlier, *macros]:
                con.execute(view.read_text())
            con.execute(path.read_text())  # CatalogException if it reads its own or a later layer


def test_every_view_file_is_in_a_layer_folder() -> None:
    every = {p.stem for p in sql_files("views")}
    assert every == {p.stem for layer in VIEW_LAYERS for p in _layer(layer)}
    assert {p.parent.name for p in (SQL_DIR / "views").rglob("*.sql")} == set(VIEW_LAYERS)
