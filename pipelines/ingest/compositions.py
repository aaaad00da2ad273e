"""What a region or an entity is made of, when a dataset declares it: the optional `made_of` column of a
regions or entities file (`;`-separated region codes or names, entity names), docs/data-formats.md section 5.

A parent is never assumed to be the sum of whatever children happen to be loaded: only a declared
composition lets the warehouse roll its children's actuals up to it (view `composed_actuals`), and only for
periods where every declared child reports. Rows: table `compositions` (sql/tables/compositions.sql), one
per (dataset, dimension 'region' | 'entity', parent, child). A child that cannot be resolved makes that row's
composition unusable: the row is reported (file, row, column `made_of`, the unknown name, a suggestion).
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.files import FileLoad
from pipelines.ingest.problems import Problem, RowChecks
from pipelines.ingest.readers import ROW
from pipelines.ingest.schemas import table_schema
from pipelines.normalise.regions import RegionResolver

SCHEMA = table_schema("compositions")
COLUMN = "made_of"


def _parts(text: str) -> list[str]:
    parts = [p.strip() for p in text.split(";") if p.strip()]
    if len(parts) < 2:
        raise Problem(
            f"made_of '{text}' names {len(parts)} part", "list two or more parts separated by ';': 'US; CA'"
        )
    if len(set(parts)) < len(parts):
        raise Problem(f"made_of '{text}' names a part twice", "list each part once")
    return parts


def read(
    files: list[FileLoad], dimension: str, resolver: RegionResolver | None, issues: dict
) -> pl.DataFrame:
    """The compositions the `made_of` column of these regions (or entities) files declare; problems are
    appended to `issues[file name]`. `resolver` resolves region codes and names (None for entities)."""
    key = "code" if dimension == "region" else "entity"
    out = []
    for f in files:
        frame = f.raw.frame
        if COLUMN not in frame.columns or key not in frame.columns:
            continue
        declared = frame.filter(pl.col(COLUMN).is_not_null() & (pl.col(COLUMN).str.strip_chars() != ""))
        if declared.is_empty():
            continue
        checks = RowChecks(declared.select(ROW, key, COLUMN))

        def children(text: str) -> list[str]:
            parts = _parts(text)
            if resolver is None:
                return parts
            codes = []
            for part in parts:
                code = resolver.resolve(part)
                if code is None:
                    raise Problem(f"unknown region '{part}' in made_of", resolver.suggest(part))
                codes.append(code)
            return codes

        checks.map_values(COLUMN, "_children", children, pl.List(pl.String))
        good, found = checks.split()
        issues[f.file.name].append(found)
        parent = pl.col(key).str.strip_chars()
        if resolver is not None:  # the file's own code, as the regions table holds it
            parent = parent.map_elements(lambda c: resolver.resolve(c) or c, return_dtype=pl.String)
        out.append(
            good.select(
                pl.lit(f.file.dataset).alias("dataset"),
                pl.lit(dimension).alias("dimension"),
                parent.alias("parent"),
                pl.col("_children").alias("child"),
            ).explode("child")
        )
    if not out:
        return pl.DataFrame(schema=SCHEMA)
    return pl.concat(out).unique(["dataset", "dimension", "parent", "child"], keep="first").cast(SCHEMA)
