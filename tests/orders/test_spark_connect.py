"""Spark Connect: a real Connect server started from the installed pyspark's jars (127.0.0.1 only), and
`impact run --orders --engine spark --spark-master sc://127.0.0.1:PORT` against it: DuckDB's numbers, the
queries ran in the server (its log), every socket on loopback; an unreachable sc:// fails within seconds."""

from __future__ import annotations

import pytest

from pipelines.devtools.spark_cluster import listening_addresses
from pipelines.devtools.spark_connect import connect_server
from pipelines.orders import layout
from pipelines.orders.spark import SparkMasterUnreachable, check_master, spark_config
from tests.helpers import free_port
from tests.orders.mixed_orders import make_mixed_orders
from tests.orders.test_spark_cluster import _figures, assert_same_figures, duckdb_figures, impact


@pytest.mark.slow
def test_cli_on_spark_connect_equals_duckdb(tmp_path):
    data_dir = tmp_path / "data"
    make_mixed_orders(data_dir)
    with connect_server(tmp_path / "connect") as server:
        done = impact("--engine", "spark", "--spark-master", server.url, data_dir=data_dir)
        sockets = listening_addresses([server.process.pid])
        jobs = server.jobs_run()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "orders: 3 month(s)" in done.stdout and "published:" in done.stdout
    assert_same_figures(_figures(data_dir), duckdb_figures(layout.orders_dir(data_dir), tmp_path / "duck"))
    assert jobs > 0  # the scan ran in the Connect server, not in a local session of the CLI
    assert sockets and all(s.startswith("127.0.0.1:") for s in sockets), sockets


def test_unreachable_connect_server():
    url = f"sc://127.0.0.1:{free_port()}"
    assert spark_config(url) == {"spark.remote": url, "spark.sql.session.timeZone": "UTC"}
    with pytest.raises(SparkMasterUnreachable, match="cannot be reached"):
        check_master(url, timeout=1)
