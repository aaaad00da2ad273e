"""Orders as a source of the one pipeline: `impact run --orders` is one Dagster run whose lineage goes
order_figures -> order_facts -> normalised_facts -> warehouse_build, and the order figures use the same
reference data as every figure: a dataset's regions file and the user's rates files."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from pipelines.defs.orders_run import order_run
from pipelines.defs.resources import ImpactSettings
from pipelines.defs.run import run_pipeline
from tests.orders.conftest import SEP, write_orders

T = SEP.replace(day=10)


@pytest.fixture
def reference_dir(tmp_path):
    """September 2024 orders in a country only a dataset's regions file knows (XK, under EUR), in a
    currency only the user's rates file knows (VND) and in THB, which the user's file rates differently."""
    write_orders(
        tmp_path / "orders" / "year=2024" / "month=09" / "part-0.parquet",
        [
            (1, T, "XK", "EUR", 100.0, "completed"),
            (2, T, "VN", "VND", 1_000_000.0, "completed"),
            (3, T, "TH", "THB", 1_000.0, "completed"),
            (4, T, "US", "USD", 10.0, "completed"),
            (5, T, "UK", "GBP", 5.0, "completed"),  # still unknown: GB is the code
        ],
    )
    dataset = tmp_path / "datasets" / "orders"
    dataset.mkdir(parents=True)
    (dataset / "regions.csv").write_text("code,name,parent,level\nXK,Kosovo,EUR,country\n")
    (dataset / "fx-user.csv").write_text(
        "currency,period,usd_per_unit,source\nVND,2024-09,0.00004,test rates\nTHB,2024-09,0.05,test rates\n"
    )
    return tmp_path


def _build(data_dir, instance):
    settings = ImpactSettings(
        data_dir=str(data_dir), warehouse=str(data_dir / "warehouse.duckdb"), today="2025-06-01"
    )
    return run_pipeline(settings, orders=order_run(data_dir, instance=instance))


def test_dataset_regions_and_user_rates_apply_to_orders(reference_dir):
    with dg.instance_for_test() as instance:
        summary = _build(reference_dir, instance)
    assert summary.published, summary.error
    assert summary.orders["rows_in"] == 5 and summary.orders["rows_rejected"] == 1
    with duckdb.connect(str(reference_dir / "warehouse.duckdb"), read_only=True) as con:
        gmv = dict(
            con.execute(
                "select region_code, value from figures where metric = 'gmv' and source_id = 'orders-pipeline'"
            ).fetchall()
        )
        eur = con.execute(
            "select usd_per_unit from fx_rates where currency = 'EUR' and month = date '2024-09-01'"
        ).fetchone()[0]
        rejects = con.execute("select reason, value, rows from order_rejects").fetchall()
        types = dict(con.execute("select column_name, column_type from (describe figures)").fetchall())
    assert gmv["XK"] == pytest.approx(round(100 * eur, 2))  # a dataset's country, rolled into EUR
    assert gmv["EUR"] == pytest.approx(gmv["XK"])
    assert gmv["VN"] == pytest.approx(40.0)  # the user's VND rate (the ECB has none)
    assert gmv["TH"] == pytest.approx(50.0)  # the user's THB rate wins over the ECB's
    assert gmv["WORLD"] == pytest.approx(gmv["XK"] + 40.0 + 50.0 + 10.0)
    assert rejects == [("unknown_country", "UK", 1)]
    assert types["value"] == "DOUBLE"


def test_impact_run_orders_is_one_run(reference_dir, monkeypatch):
    """One run materialises the month partition and the warehouse; the definitions draw one graph."""
    from click.testing import CliRunner

    from pipelines.cli.main import main
    from pipelines.defs.definitions import defs

    monkeypatch.setenv("DAGSTER_HOME", str(reference_dir / "dagster_home"))
    warehouse = reference_dir / "warehouse.duckdb"
    args = ["run", "--orders", "--data-dir", str(reference_dir), "--warehouse", str(warehouse)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "orders: 1 month(s), 5 rows in, 4 aggregated, 1 rejected" in result.output
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs()
        [run] = runs
        steps = {r.step_key for r in instance.all_logs(run.run_id) if r.dagster_event and r.step_key}
        materialized = instance.get_materialized_partitions(dg.AssetKey("order_figures"))
    assert {"order_facts", "normalised_facts", "warehouse_build", "published_warehouse"} <= steps
    assert any(step.startswith("order_figures.build_order_months") for step in steps)
    assert materialized == {"2024-09"}
    graph = defs.resolve_asset_graph()
    upstream = graph.get(dg.AssetKey("order_facts")).parent_keys
    assert dg.AssetKey("order_figures") in upstream
    assert dg.AssetKey("order_facts") in graph.get(dg.AssetKey("normalised_facts")).parent_keys
