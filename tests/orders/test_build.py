"""Writing a month into the orders dataset: its grouped scan typed as scanned, the bad rows the warehouse
build then counts, idempotent re-runs."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from pipelines.devtools.orders_generator import generate_orders, month_table, planned_orders
from pipelines.orders.build import build_month
from pipelines.orders.facts import order_facts
from pipelines.orders.regions_and_rates import monthly_rates, region_paths

GROUPS_SCHEMA = {
    "month": pl.String, "entity": pl.String, "country": pl.String, "currency": pl.String,
    "status": pl.String, "rows_in": pl.Int64, "rows_outside": pl.Int64, "rows_valid": pl.Int64,
    "rows_invalid_amount": pl.Int64, "amount": pl.Float64,
}  # fmt: skip


@pytest.fixture
def generated(tmp_path, small_generator):
    generate_orders(small_generator, tmp_path / "orders", tmp_path / "datasets" / "orders")
    return tmp_path


def test_month_written_as_typed_groups(generated):
    summary = build_month(generated, "2024-11")
    groups = pl.read_parquet(generated / "datasets" / "orders" / "order_groups-2024-11.parquet")
    assert dict(groups.schema) == GROUPS_SCHEMA  # counts and money stay numbers: no text on the way
    assert set(groups["month"]) == {"2024-11"}
    assert groups.height == summary["groups"] and groups["rows_in"].sum() == summary["rows_in"]
    bad = summary["rows_outside_month"] + summary["rows_missing_amount"] + summary["rows_invalid_amount"]
    assert summary["rows_in"] == groups["rows_valid"].sum() + bad
    assert (generated / "datasets" / "orders" / "sources.csv").read_text().count("orders-pipeline") == 1
    facts = order_facts(generated, region_paths(), monthly_rates())
    assert facts.figures["figure_id"].n_unique() == facts.figures.height > 0
    assert set(facts.figures["as_of"].cast(pl.String)) == {"2024-12-01"}
    assert all(note.startswith("Synthetic data.") for note in facts.figures["note"])
    assert facts.rows_in == facts.rows_aggregated + facts.rows_rejected == summary["rows_in"]


def test_bad_rows_match_what_the_generator_planted(generated, small_generator):
    build_month(generated, "2024-11")
    [november] = order_facts(generated, region_paths(), monthly_rates()).months
    planted = month_table(small_generator, "2024-11", planned_orders(small_generator), 0).num_rows
    bad = round(planted * small_generator.bad_rows_share)
    per_kind = [len(range(k, bad, 4)) for k in range(4)]  # bad rows take the four kinds in turn
    assert november.rejected_by_reason == {
        "missing_amount": per_kind[0],
        "invalid_amount": 0,
        "unknown_country": per_kind[1],
        "unknown_currency": per_kind[2],
        "ordered_at_outside_month": per_kind[3],
        "missing_status": 0,
    }
    assert november.rejects["rows"].sum() == bad


def test_rerun_replaces_exactly_that_month(generated, small_generator):
    dataset = generated / "datasets" / "orders"
    build_month(generated, "2024-10")
    first = build_month(generated, "2024-11")
    before = pl.read_parquet(dataset / "order_groups-2024-11.parquet")
    october_mtime = (dataset / "order_groups-2024-10.parquet").stat().st_mtime_ns
    again = build_month(generated, "2024-11")
    rerun = pl.read_parquet(dataset / "order_groups-2024-11.parquet")
    assert rerun.drop("amount").equals(before.drop("amount"))
    # a parallel double sum may differ in its last bits between runs (the figures are rounded to cents)
    assert ((rerun["amount"] - before["amount"]).abs() <= 1e-9 * before["amount"].abs()).all()
    assert again["rows_in"] == first["rows_in"]
    assert (dataset / "order_groups-2024-10.parquet").stat().st_mtime_ns == october_mtime
    # New data for November (another seed) replaces November's figures instead of adding to them.
    generate_orders(dataclasses.replace(small_generator, seed=99), generated / "orders", dataset)
    replaced = build_month(generated, "2024-11")
    after = pl.read_parquet(dataset / "order_groups-2024-11.parquet")
    assert not after.equals(before)
    assert replaced["rows_in"] == first["rows_in"]  # same plan, so the same row count
    assert sorted(p.name for p in dataset.glob("order_groups-2024-*.parquet")) == [
        "order_groups-2024-10.parquet",
        "order_groups-2024-11.parquet",
    ]


def test_rewriting_a_month_removes_what_older_versions_wrote(generated):
    """A month's figures-/order_rejects- files of the version before order_groups would load its figures a
    second time: rewriting the month removes them, and only them."""
    dataset = generated / "datasets" / "orders"
    for name in ("figures-2024-11.parquet", "order_rejects-2024-11.parquet", "figures-2024-10.parquet"):
        pl.DataFrame({"x": [1]}).write_parquet(dataset / name)
    build_month(generated, "2024-11")
    assert not (dataset / "figures-2024-11.parquet").exists()
    assert not (dataset / "order_rejects-2024-11.parquet").exists()
    assert (dataset / "figures-2024-10.parquet").exists()  # another month: not touched


def test_month_without_files_fails_clearly(generated):
    from pipelines.orders.aggregate import OrderFilesError

    with pytest.raises(OrderFilesError, match="no Parquet files for month 2023-01"):
        build_month(generated, "2023-01")
