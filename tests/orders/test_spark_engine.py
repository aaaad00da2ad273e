"""The order scan on Spark (local[2], a real JVM) gives DuckDB's numbers on orders with every kind of bad row:
counts equal and amounts to the cent per month, country, currency and status, bad rows equal by reason."""

from __future__ import annotations

import pytest

from pipelines.orders.aggregate import aggregate_months, connect
from pipelines.orders.regions_and_rates import monthly_rates, region_paths
from pipelines.orders.spark import is_local_master, spark_config, spark_scanner, spark_session
from tests.orders.mixed_orders import assert_same_numbers, make_mixed_orders, order_groups

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark():
    session = spark_session(spark_config("local[2]", driver_memory="768m"))
    yield session
    session.stop()


def _run(files, scan=None):
    con = connect()
    try:
        options = {"scan": scan} if scan else {}
        return aggregate_months(con, files, region_paths(), monthly_rates(), **options), order_groups(con)
    finally:
        con.close()


def test_spark_equals_duckdb(spark, tmp_path):
    files = make_mixed_orders(tmp_path)
    duck = _run(files)
    on_spark = _run(files, spark_scanner(spark))
    assert_same_numbers(duck, on_spark)
    aggs, groups = on_spark
    assert len(aggs) == 3 and len({g[3] for g in groups}) >= 10  # months, currencies
    for agg in aggs:
        reasons = agg.rejected_by_reason
        assert agg.rows_rejected > 0 and all(reasons[r] > 0 for r in reasons), reasons
    assert {g[4] for g in groups} >= {"pending", "on_hold", None}


def test_session_binds_loopback(spark):
    conf = dict(spark.sparkContext.getConf().getAll())
    assert conf["spark.driver.host"] == "127.0.0.1"
    assert conf["spark.driver.bindAddress"] == "127.0.0.1"
    assert conf["spark.ui.enabled"] == "false"
    assert conf["spark.sql.session.timeZone"] == "UTC"


def test_local_masters():
    assert is_local_master("local[*]") and is_local_master("spark://127.0.0.1:7077")
    assert not is_local_master("spark://spark-master.internal:7077") and not is_local_master("yarn")
    assert "spark.driver.host" not in spark_config("yarn")
