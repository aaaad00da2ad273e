"""An export's own comparison cells (column_groups' `reconcile` columns), as the `export_values` table.

The layout engine keeps each reconciled cell with the cells of the two figures it compares
(pipelines/ingest/layouts/groups.py); here they get their file and dataset, and the sheet and cell apart, so
`sql/views/analysis/export_reconciliation.sql` can find the warehouse's comparison of the same two figures.
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.files import FileLoad
from pipelines.ingest.schemas import table_schema

SCHEMA = table_schema("export_values")  # sql/tables/export_values.sql


def export_values(files: list[FileLoad]) -> pl.DataFrame:
    """Every usable file's export values, one row per reconciled cell."""
    frames = [
        f.raw.export_values.with_columns(
            pl.lit(f.file.dataset).alias("dataset"),
            pl.lit(f.file.name).alias("file"),
            # "'Budget vs. Actuals'!H18" -> sheet 'Budget vs. Actuals', cell 'H18' (a CSV's origin is the cell)
            pl.col("origin")
            .str.extract(r"^(.*)!([A-Z]+[0-9]+)$", 1)
            .str.strip_prefix("'")
            .str.strip_suffix("'")
            .str.replace_all("''", "'")
            .fill_null("")
            .alias("sheet"),
            pl.coalesce(pl.col("origin").str.extract(r"([A-Z]+[0-9]+)$", 1), pl.col("origin")).alias("cell"),
        )
        for f in files
        if f.usable and f.raw.export_values is not None
    ]
    if not frames:
        return pl.DataFrame(schema=SCHEMA)
    return pl.concat([fr.select(list(SCHEMA)).cast(SCHEMA) for fr in frames])
