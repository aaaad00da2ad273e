"""The generator: deterministic for a seed, exact row count, shock visible, bad rows where asked."""

from __future__ import annotations

import dataclasses

import polars as pl
import pyarrow.parquet as pq
import pytest

from pipelines.devtools.orders_generator import generate_orders, planned_orders


def read_all(root) -> pl.DataFrame:
    return pl.from_arrow(pq.read_table(root, partitioning=None)).sort("order_id")


def test_same_seed_same_data_regardless_of_workers(tmp_path, small_generator):
    generate_orders(small_generator, tmp_path / "a" / "orders", tmp_path / "a" / "ds", workers=1)
    generate_orders(small_generator, tmp_path / "b" / "orders", tmp_path / "b" / "ds", workers=3)
    a, b = read_all(tmp_path / "a" / "orders"), read_all(tmp_path / "b" / "orders")
    assert a.height == small_generator.rows
    assert a.equals(b)
    assert pl.read_parquet(tmp_path / "a" / "ds" / "figures-projections.parquet").equals(
        pl.read_parquet(tmp_path / "b" / "ds" / "figures-projections.parquet")
    )


def test_other_seed_other_data(tmp_path, small_generator):
    generate_orders(small_generator, tmp_path / "a", tmp_path / "ds")
    generate_orders(dataclasses.replace(small_generator, seed=12), tmp_path / "b", tmp_path / "ds")
    assert not read_all(tmp_path / "a").equals(read_all(tmp_path / "b"))


def test_hive_layout_and_files_split(tmp_path, small_generator):
    generate_orders(small_generator, tmp_path / "orders", tmp_path / "ds")
    months = sorted(
        p.relative_to(tmp_path / "orders").as_posix() for p in (tmp_path / "orders").glob("year=*/month=*")
    )
    assert months == ["year=2024/month=10", "year=2024/month=11", "year=2024/month=12"]
    assert len(list((tmp_path / "orders" / "year=2024" / "month=11").glob("part-*.parquet"))) > 1


def test_shock_cuts_the_country_after_the_event(small_generator):
    plan = planned_orders(dataclasses.replace(small_generator, rows=1_000_000))
    ca = plan.filter(pl.col("country") == "CA").sort("month")
    ratio = (ca["weight"] / ca["expected"]).to_list()
    # October is before 2024-11-06; November loses 25% of its last 25 days; December loses 25%.
    assert ratio == pytest.approx([1.0, 1 - 0.25 * 25 / 30, 0.75])
    assert plan["n"].sum() == 1_000_000


def test_projections_cover_countries_and_regions(tmp_path, small_generator):
    generate_orders(small_generator, tmp_path / "orders", tmp_path / "ds")
    projections = pl.read_parquet(tmp_path / "ds" / "figures-projections.parquet")
    assert set(projections["kind"]) == {"projection"}
    assert {"WORLD", "SEA", "APAC", "US", "CA"} <= set(projections["region"])
    world = projections.filter((pl.col("region") == "WORLD") & (pl.col("metric") == "gmv"))
    assert world.height == 3
    assert all("Synthetic" in note for note in projections["note"])


def test_more_shocks_cut_each_country_and_one_per_country(small_generator):
    cfg = dataclasses.replace(small_generator, rows=1_000_000, more_shocks=(("US", "2024-12-01", 0.5),))
    plan = planned_orders(cfg).sort("month")
    ratio = {c: (g["weight"] / g["expected"]).to_list() for (c,), g in plan.group_by("country")}
    assert ratio["US"] == pytest.approx([1.0, 1.0, 0.5])
    assert ratio["CA"] == pytest.approx([1.0, 1 - 0.25 * 25 / 30, 0.75])
    with pytest.raises(ValueError, match="two shocks for CA"):
        dataclasses.replace(small_generator, more_shocks=(("CA", "2024-12-01", 0.1),)).shocks()
