"""The benchmark's floor query computes the same monthly aggregates as the pipeline (so timing them is fair),
bad rows included: out-of-month timestamps, missing amounts, unknown countries and currencies."""

from __future__ import annotations

import polars as pl

from pipelines.devtools.orders_bench import agreement
from pipelines.devtools.orders_generator import generate_orders
from pipelines.orders import layout
from pipelines.orders.build import build_months


def test_floor_and_pipeline_agree_with_bad_rows(tmp_path, small_generator):
    assert small_generator.bad_rows_share > 0
    generate_orders(small_generator, layout.orders_dir(tmp_path), layout.dataset_dir(tmp_path))
    months = layout.months_on_disk(layout.orders_dir(tmp_path))
    summaries = build_months(tmp_path, months)
    assert sum(s["rows_outside_month"] + s["rows_missing_amount"] for s in summaries) > 0
    result = agreement(tmp_path)
    assert result["groups"] > len(months)
    assert result["orders_mismatches"] == 0
    assert result["max_gmv_diff_usd"] < 0.01


def test_agreement_notices_a_difference(tmp_path, small_generator):
    generate_orders(small_generator, layout.orders_dir(tmp_path), layout.dataset_dir(tmp_path))
    months = layout.months_on_disk(layout.orders_dir(tmp_path))
    build_months(tmp_path, months)
    path = layout.dataset_dir(tmp_path) / f"order_groups-{months[0]}.parquet"
    groups = pl.read_parquet(path)
    row = (pl.col("country") == "US") & (pl.col("status") == "completed") & (pl.col("currency") == "USD")
    assert groups.filter(row).height == 1
    groups.with_columns(
        rows_valid=pl.when(row).then(pl.col("rows_valid") + 1).otherwise("rows_valid")
    ).write_parquet(path)
    assert agreement(tmp_path)["orders_mismatches"] == 1
