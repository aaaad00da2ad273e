"""Issue 29, fault 2: a NaN or infinite order amount is one rejected order (reason `invalid_amount`), and the
month's figures are the sum of the other orders. Before, one NaN made the group's sum NaN: the country's and
every enclosing region's gmv (and net_gmv) for the month were rejected by the warehouse load and vanished."""

from __future__ import annotations

import math

import dagster as dg
import polars as pl
import pytest

from pipelines.defs.assets import input_files, order_facts, reference_data
from pipelines.defs.orders import order_figures, order_months, pyspark_resource
from pipelines.defs.resources import ImpactSettings
from pipelines.orders.aggregate import aggregate_month, connect
from tests.orders.conftest import SEP, write_orders

T = SEP.replace(day=15)
ROWS = [
    (1, T, "US", "USD", 40.0, "completed"),
    (2, T, "US", "USD", math.nan, "completed"),
    (3, T, "US", "USD", 60.0, "refunded"),
    (4, T, "US", "USD", math.inf, "refunded"),
    (5, T, "TH", "THB", 1_000.0, "completed"),  # 30 USD
    (6, T, "TH", "THB", -math.inf, "completed"),
    (7, T, "US", "USD", None, "completed"),  # missing_amount, as before
]


@pytest.fixture
def orders_file(tmp_path):
    return write_orders(tmp_path / "orders" / "year=2024" / "month=09" / "part-0.parquet", ROWS)


def test_an_invalid_amount_is_one_rejected_order_not_a_lost_month(orders_file, tiny_regions, tiny_rates):
    agg = aggregate_month(connect(), [str(orders_file)], "2024-09", tiny_regions, tiny_rates, "Shop")
    values = {(m, r): v for m, r, v in agg.figures.select("metric", "region", "value").iter_rows()}
    assert values[("gmv", "US")] == pytest.approx(100.0)
    assert values[("net_gmv", "US")] == pytest.approx(40.0)
    assert values[("orders", "US")] == 2
    assert values[("gmv", "TH")] == pytest.approx(30.0)
    assert values[("gmv", "WORLD")] == pytest.approx(130.0)
    assert all(math.isfinite(v) for v in agg.figures["value"])
    assert agg.rejected_by_reason["invalid_amount"] == 3
    assert agg.rejected_by_reason["missing_amount"] == 1
    assert (agg.rows_in, agg.rows_aggregated, agg.rows_rejected) == (7, 3, 4)
    invalid = agg.rejects.filter(pl.col("reason") == "invalid_amount")
    assert invalid.select("column_name", "rows").rows() == [("amount", 3)]


def test_the_partition_run_accounts_for_every_row(tmp_path, orders_file):
    """The month's partition and the warehouse's order_facts in one run: the scan counts the invalid amounts,
    order_facts makes the figures with the warehouse's reference data and checks every row is accounted."""
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(order_months.name, ["2024-09"])
        result = dg.materialize(
            [order_figures, input_files, reference_data, order_facts],
            partition_key="2024-09",
            resources={
                "settings": ImpactSettings(data_dir=str(tmp_path), warehouse=str(tmp_path / "w.duckdb")),
                "pyspark": pyspark_resource(),
                "io_manager": dg.mem_io_manager,
            },
            instance=instance,
        )
    assert result.success
    meta = result.asset_materializations_for_node("order_figures")[0].metadata
    assert meta["rows invalid amount"].value == 3
    assert (
        result.asset_materializations_for_node("order_facts")[0].metadata["rejected: invalid_amount"].value
        == 3
    )
    [check] = result.get_asset_check_evaluations()
    assert check.check_name == "order_rows_accounted" and check.passed
    figures = result.output_for_node("order_facts").figures
    gmv = dict(figures.filter(pl.col("metric") == "gmv").select("region_code", "value").iter_rows())
    assert gmv["US"] == pytest.approx(100.0) and gmv["TH"] > 0  # TH at the ECB's September rate
    assert gmv["WORLD"] == pytest.approx(gmv["US"] + gmv["TH"])
