"""The benchmark's floor query computes the same monthly aggregates as the pipeline (so timing them is fair)."""

from __future__ import annotations

import dataclasses

import polars as pl

from pipelines.orders import layout
from pipelines.orders.aggregate import connect
from pipelines.orders.bench import FLOOR_SQL
from pipelines.orders.build import build_months
from pipelines.orders.generate import generate_orders


def test_floor_and_pipeline_agree(tmp_path, small_generator):
    clean = dataclasses.replace(small_generator, bad_rows_share=0.0)
    generate_orders(clean, layout.orders_dir(tmp_path), layout.dataset_dir(tmp_path))
    root = layout.orders_dir(tmp_path)
    months = layout.months_on_disk(root)
    build_months(tmp_path, months)
    con = connect()
    floor = con.sql(FLOOR_SQL, params=[[f for m in months for f in layout.month_files(root, m)]]).pl()
    pipeline = pl.concat(
        pl.read_parquet(layout.dataset_dir(tmp_path) / f"figures-{m}.parquet") for m in months
    )
    countries = pipeline.filter(pl.col("region").str.len_chars() == 2)
    assert floor["orders"].sum() == countries.filter(pl.col("metric") == "orders")["value"].sum()
    # USD orders need no conversion: gmv must match to the cent.
    us_floor = floor.filter(pl.col("country") == "US")["gmv"].sum()
    us_pipeline = countries.filter((pl.col("metric") == "gmv") & (pl.col("region") == "US"))["value"].sum()
    assert abs(us_floor - us_pipeline) < 0.01 * len(months)
