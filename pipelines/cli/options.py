"""Options shared by every command family: where the data and the published warehouse are."""

from __future__ import annotations

from pathlib import Path

import click

from pipelines.settings import env_data_dir, env_warehouse

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=env_data_dir,
    show_default="$IMPACT_DATA_DIR or data",
    help="Folder holding datasets/.",
)
warehouse_option = click.option(
    "--warehouse",
    type=click.Path(path_type=Path),
    default=env_warehouse,
    show_default="$IMPACT_WAREHOUSE or data/warehouse.duckdb",
    help="The published DuckDB file.",
)
