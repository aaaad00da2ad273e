"""The order scan on Apache Spark: the same statement as DuckDB's (sql/orders/scan.sql), transpiled by
sqlglot from DuckDB's dialect to Spark SQL, run on any master Spark accepts as one job over every month of
the run; only the small grouped result comes back to the driver, into DuckDB's `order_groups`, where FX,
bad-row reasons and the rollup run as for the DuckDB engine (sql/orders/, pipelines/orders/aggregate.py).

Masters: `local[*]` (default), `local[N]`, `spark://host:7077` (standalone), `yarn`, `k8s://https://...`,
and Spark Connect `sc://host:15002` (tested against a local Connect server, devtools/spark_connect.py).
For a master on this machine (local[...], spark://127.0.0.1 or localhost) everything Spark starts binds to
127.0.0.1 (SPARK_LOCAL_IP, spark.driver.host and bindAddress) and the web UI is off: left alone, Spark
binds the machine's other interface. For a remote master the driver must be reachable by the executors, so
those are left to Spark's own configuration.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import quote, urlparse

import duckdb
import sqlglot

from pipelines.orders.scan import SCAN_SQL, load_groups, month_bounds, plan_branches

DEFAULT_MASTER = "local[*]"
LOOPBACK = "127.0.0.1"
CONNECT_TIMEOUT_S = 3.0
# Kept small: the aggregation state is a few thousand groups, and tests run 6 JVMs on a 2-core machine.
DEFAULT_DRIVER_MEMORY = "1g"
DEFAULT_EXECUTOR_MEMORY = "1g"


class SparkMasterUnreachable(RuntimeError):
    """The master's address does not accept connections (raised before Spark starts, within seconds)."""


def is_local_master(master: str) -> bool:
    """local[...] or a spark:// / sc:// master on a loopback host."""
    if master == "local" or master.startswith("local["):
        return True
    if master.startswith(("spark://", "sc://")):
        return all(host in ("127.0.0.1", "localhost") for host, _ in _addresses(master))
    return False


def _addresses(master: str) -> list[tuple[str, int]]:
    """host, port of each master in spark://h1:p1,h2:p2 (standalone HA) or sc://h:p."""
    scheme, rest = master.split("://", 1)
    default = 15002 if scheme == "sc" else 7077
    addresses = []
    for part in rest.split("/")[0].split(","):
        parsed = urlparse(f"//{part}")
        addresses.append((parsed.hostname or "", parsed.port or default))
    return addresses


def check_master(master: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Raise SparkMasterUnreachable unless a spark:// or sc:// master accepts a TCP connection: Spark itself
    retries a dead standalone master for a minute and then leaves the job waiting for executors."""
    if not master.startswith(("spark://", "sc://")):
        return
    errors = []
    for host, port in _addresses(master):
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return
        except OSError as error:
            errors.append(f"{host}:{port}: {error.strerror or error}")
    raise SparkMasterUnreachable(f"Spark master {master} cannot be reached ({'; '.join(errors)})")


def spark_config(
    master: str = DEFAULT_MASTER,
    driver_memory: str = DEFAULT_DRIVER_MEMORY,
    executor_memory: str = DEFAULT_EXECUTOR_MEMORY,
) -> dict[str, str]:
    """Spark settings for the scan (the dict dagster-pyspark's resource takes). Session time zone UTC, so
    naive timestamps compare as UTC as in DuckDB. For a master on this machine the driver binds 127.0.0.1."""
    if master.startswith("sc://"):
        return {"spark.remote": master, "spark.sql.session.timeZone": "UTC"}
    conf = {
        "spark.master": master,
        "spark.app.name": "impact-orders",
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.memory": driver_memory,
        "spark.executor.memory": executor_memory,
        "spark.sql.shuffle.partitions": "8",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
    }
    if is_local_master(master):
        conf |= {"spark.driver.host": LOOPBACK, "spark.driver.bindAddress": LOOPBACK}
    return conf


def prepare(conf: dict[str, str]) -> None:
    """Before a session starts: fail fast on an unreachable master (SparkMasterUnreachable), and set
    SPARK_LOCAL_IP=127.0.0.1 in this process's environment (read by the JVM Spark launches) when the driver
    binds loopback."""
    check_master(conf.get("spark.remote") or conf["spark.master"])
    if conf.get("spark.driver.bindAddress") == LOOPBACK:
        os.environ["SPARK_LOCAL_IP"] = LOOPBACK


def spark_session(conf: dict[str, str]):
    """A SparkSession with `conf` (getOrCreate: an active session in this process is reused). The Dagster
    asset gets its session from dagster-pyspark's resource instead, after `prepare`."""
    from pyspark.sql import SparkSession

    prepare(conf)
    builder = SparkSession.builder
    if "spark.remote" in conf:
        return builder.remote(conf["spark.remote"]).config("spark.sql.session.timeZone", "UTC").getOrCreate()
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def to_spark_sql(duckdb_sql: str) -> str:
    """DuckDB dialect -> Spark SQL (sqlglot); raises sqlglot.errors.ParseError on SQL it cannot read."""
    return sqlglot.transpile(duckdb_sql, read="duckdb", write="spark", unsupported_level="raise")[0]


def spark_scanner(session):
    """A scanner for aggregate_months / build_months: the statement of sql/orders/scan.sql, transpiled, as
    ONE Spark job over every file of every month of the run. Spark binds `order_rows` as one read of all the
    files (the file's path as Spark names it, `_metadata.file_path`, as file_key, its month's bounds joined from a broadcast table of the files) and
    `order_files` as that small table (month, footer-proven entity, default entity; the footers are read
    with DuckDB on the driver). Only the grouped rows come back, into DuckDB's `order_groups`. Spark reads
    `ordered_at` for every row (footer proofs of clean row groups are DuckDB's alone)."""

    def scan(con: duckdb.DuckDBPyConnection, files_by_month: dict[str, list[str]], entity: str) -> None:
        from pyspark.sql import functions as F  # noqa: N812 - pyspark's own idiom

        branches = plan_branches(con, files_by_month, entity, row_groups=False, proofs=False)
        files = [
            (_spark_file_path(f), b.month, *month_bounds(b.month), b.entity, entity)
            for b in branches
            for f in b.files
        ]
        schema = (
            "file_key string, month string, month_start timestamp, month_end timestamp, entity string, "
            "default_entity string"
        )
        table = session.createDataFrame(files, schema)
        table.createOrReplaceTempView("order_files")
        raw = session.read.option("mergeSchema", "true").parquet(*(f for b in branches for f in b.files))
        entity_column = (
            F.col("entity").cast("string") if "entity" in raw.columns else F.lit(None).cast("string")
        )
        rows = raw.select(
            F.col("_metadata.file_path").alias("file_key"),
            F.col("ordered_at"),
            entity_column.alias("entity"),
            "country",
            "currency",
            F.col("amount").cast("double").alias("amount"),
            "status",
        ).join(F.broadcast(table.select("file_key", "month_start", "month_end")), "file_key")
        rows.createOrReplaceTempView("order_rows")
        result = session.sql(to_spark_sql(SCAN_SQL)).collect()
        load_groups(con, [tuple(row) for row in result])

    return scan


def _spark_file_path(path: str) -> str:
    """A local file as Spark's `_metadata.file_path` names it: 'file:/abs/path', with what a Java URI path
    cannot hold percent-encoded ('file:/tmp/a%20b/year=2024/x.parquet': '=' and the like stay as they are)."""
    return "file:" + quote(str(Path(path).absolute()), safe="/=:@!$&'()*+,;-._~")
