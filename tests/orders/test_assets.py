"""One partition through Dagster on a temporary data dir, and the headless `run_orders`."""

from __future__ import annotations

import dagster as dg
import pytest

from pipelines.defs.orders import order_figures, order_months, pyspark_resource
from pipelines.defs.orders_run import run_orders
from pipelines.defs.resources import ImpactSettings
from pipelines.devtools.orders_generator import generate_orders
from pipelines.orders.facts import order_facts
from pipelines.orders.regions_and_rates import monthly_rates, region_paths


@pytest.fixture
def data_dir(tmp_path, small_generator):
    generate_orders(small_generator, tmp_path / "orders", tmp_path / "datasets" / "orders")
    return tmp_path


def test_materialize_one_partition(data_dir):
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(order_months.name, ["2024-10", "2024-11", "2024-12"])
        result = dg.materialize(
            [order_figures],
            partition_key="2024-12",
            resources={"settings": ImpactSettings(data_dir=str(data_dir)), "pyspark": pyspark_resource()},
            instance=instance,
        )
    assert result.success
    meta = result.asset_materializations_for_node("order_figures")[0].metadata
    bad = meta["rows outside month"].value + meta["rows missing amount"].value
    assert meta["rows in"].value > bad > 0 and meta["months"].value == ["2024-12"]
    written = sorted(p.name for p in (data_dir / "datasets" / "orders").glob("order_groups-2*.parquet"))
    assert written == ["order_groups-2024-12.parquet"]


def test_run_orders_all_months_then_one(data_dir):
    with dg.instance_for_test() as instance:
        everything = run_orders(data_dir, instance=instance)
        one = run_orders(data_dir, month="2024-11", instance=instance)
        materialized = instance.get_materialized_partitions(dg.AssetKey("order_figures"))
    assert everything["runs"] == 1  # one ranged run for the three months
    assert materialized == {"2024-10", "2024-11", "2024-12"}
    assert everything["months"] == ["2024-10", "2024-11", "2024-12"]
    assert everything["failed"] == {}
    assert everything["rows_in"] == 30_000
    assert one["months"] == ["2024-11"]
    figures = order_facts(data_dir, region_paths(), monthly_rates()).figures
    assert figures["figure_id"].n_unique() == figures.height
    assert set(figures["period"]) == {"2024-10", "2024-11", "2024-12"}


def test_run_orders_unknown_month(data_dir):
    with pytest.raises(ValueError, match="no order files for 2030-01"):
        run_orders(data_dir, month="2030-01")


@pytest.mark.parametrize(
    ("added", "months", "batches"),
    [
        (["a", "b", "c"], ["a", "b", "c"], [["a", "b", "c"]]),
        (["a", "b", "c"], ["a", "c"], [["a"], ["c"]]),  # a gap: a range would include b
        (["c", "a", "b"], ["a", "b", "c"], [["c", "a", "b"]]),  # ranges follow the order keys were added in
        (list("abcde"), list("abcde"), [["a", "b"], ["c", "d"], ["e"]]),  # at most `size` per run
    ],
)
def test_contiguous_batches(added, months, batches):
    from pipelines.defs.orders_run import _contiguous_batches

    assert _contiguous_batches(added, months, size=2 if len(added) == 5 else 12) == batches


def test_bad_order_rows_reach_the_warehouse(data_dir):
    """After the orders run, the core build counts each month's bad rows in `order_rejects` and each month
    in `loads` (input_kind 'orders'): an analyst sees them beside every other rejection, joined on `file`."""
    import duckdb

    from pipelines.defs.run import run_pipeline

    with dg.instance_for_test() as instance:
        summary = run_orders(data_dir, instance=instance)
    warehouse = data_dir / "warehouse.duckdb"
    run_pipeline(ImpactSettings(data_dir=str(data_dir), warehouse=str(warehouse)))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        by_month = dict(con.execute("select month, sum(rows) from order_rejects group by month").fetchall())
        files = {r[0] for r in con.execute("select distinct file from order_rejects").fetchall()}
        datasets = {r[0] for r in con.execute("select distinct dataset from order_rejects").fetchall()}
        reasons = {r[0] for r in con.execute("select distinct reason from order_rejects").fetchall()}
        joined = con.execute(
            "select l.file, l.rows_in, l.rows_loaded, l.rows_rejected, sum(r.rows) from loads as l "
            "join order_rejects as r using (file) where l.input_kind = 'orders' group by all order by 1"
        ).fetchall()
    assert summary["rows_in"] == 30_000
    assert set(by_month) == {"2024-10", "2024-11", "2024-12"}
    assert sum(by_month.values()) == sum(r[3] for r in joined) > 0
    assert all(
        rows_in == loaded + rejected and rejected == counted
        for _, rows_in, loaded, rejected, counted in joined
    )
    assert sum(r[1] for r in joined) == 30_000
    assert files == {f"datasets/orders/order_groups-{m}.parquet" for m in by_month} == {r[0] for r in joined}
    assert datasets == {"orders"}
    assert {"unknown_country", "unknown_currency", "missing_amount"} <= reasons
