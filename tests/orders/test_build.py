"""Writing a month into the orders dataset: canonical files, bad-row report, idempotent re-runs."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from pipelines.devtools.orders_generator import generate_orders, month_table, planned_orders
from pipelines.orders.build import build_month

CANONICAL = [
    "figure_id", "entity", "metric", "region", "period", "kind", "value", "value_high",
    "bound", "unit", "direction", "as_of", "source_id", "note",
]  # fmt: skip


@pytest.fixture
def generated(tmp_path, small_generator):
    generate_orders(small_generator, tmp_path / "orders", tmp_path / "datasets" / "orders")
    return tmp_path


def test_month_written_in_canonical_columns(generated):
    summary = build_month(generated, "2024-11")
    figures = pl.read_parquet(generated / "datasets" / "orders" / "figures-2024-11.parquet")
    assert figures.columns == CANONICAL
    assert figures["figure_id"].n_unique() == figures.height
    assert set(figures["as_of"]) == {"2024-12-01"}
    assert all(note.startswith("Synthetic data.") for note in figures["note"])
    assert summary["rows_in"] == summary["rows_aggregated"] + summary["rows_rejected"]
    assert (generated / "datasets" / "orders" / "sources.csv").read_text().count("orders-pipeline") == 1


def test_bad_rows_match_what_the_generator_planted(generated, small_generator):
    summary = build_month(generated, "2024-11")
    planted = month_table(small_generator, "2024-11", planned_orders(small_generator), 0).num_rows
    bad = round(planted * small_generator.bad_rows_share)
    per_kind = [len(range(k, bad, 4)) for k in range(4)]  # bad rows take the four kinds in turn
    assert summary["rejected_by_reason"] == {
        "missing_amount": per_kind[0],
        "invalid_amount": 0,
        "unknown_country": per_kind[1],
        "unknown_currency": per_kind[2],
        "ordered_at_outside_month": per_kind[3],
        "missing_status": 0,
    }
    rejects = pl.read_parquet(generated / "datasets" / "orders" / "order_rejects-2024-11.parquet")
    assert rejects["rows"].sum() == bad


def test_rerun_replaces_exactly_that_month(generated, small_generator):
    dataset = generated / "datasets" / "orders"
    build_month(generated, "2024-10")
    first = build_month(generated, "2024-11")
    before = pl.read_parquet(dataset / "figures-2024-11.parquet")
    october_mtime = (dataset / "figures-2024-10.parquet").stat().st_mtime_ns
    again = build_month(generated, "2024-11")
    assert pl.read_parquet(dataset / "figures-2024-11.parquet").equals(before)
    assert again["rows_in"] == first["rows_in"]
    assert (dataset / "figures-2024-10.parquet").stat().st_mtime_ns == october_mtime
    # New data for November (another seed) replaces November's figures instead of adding to them.
    generate_orders(dataclasses.replace(small_generator, seed=99), generated / "orders", dataset)
    replaced = build_month(generated, "2024-11")
    after = pl.read_parquet(dataset / "figures-2024-11.parquet")
    assert after.height == before.height
    assert not after.equals(before)
    assert replaced["rows_in"] == first["rows_in"]  # same plan, so the same row count
    assert sorted(p.name for p in dataset.glob("figures-2024-*.parquet")) == [
        "figures-2024-10.parquet",
        "figures-2024-11.parquet",
    ]


def test_month_without_files_fails_clearly(generated):
    from pipelines.orders.aggregate import OrderFilesError

    with pytest.raises(OrderFilesError, match="no Parquet files for month 2023-01"):
        build_month(generated, "2023-01")
