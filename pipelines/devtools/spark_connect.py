"""A real Spark Connect server on this machine, for tests and benchmarks: the installed pyspark's own
`bin/spark-submit --class org.apache.spark.sql.connect.service.SparkConnectServer` (the class of
`sbin/start-connect-server.sh`; pyspark 4.x ships `jars/spark-connect_2.13-*.jar`, so nothing is downloaded),
its gRPC service bound to 127.0.0.1, its driver and block manager too, web UI off, the warehouse directory
in the work folder. Clients connect with `sc://127.0.0.1:PORT` (the Python client needs pyspark's
`connect` extra: grpcio-status, googleapis-common-protos, zstandard). `connect_server()` stops the server
whatever happens.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipelines.devtools.spark_cluster import LOOPBACK, _env, _kill_group, free_port, spark_home

SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"


@dataclass
class ConnectServer:
    url: str  # sc://127.0.0.1:PORT
    port: int
    log: Path  # the server's stdout and stderr (Spark's log4j INFO lines, one per job it runs)
    process: subprocess.Popen

    def jobs_run(self) -> int:
        """Spark jobs the server ran for Connect clients, counted from its log."""
        return self.log.read_text(errors="replace").count("Starting job: Spark Connect - session_id")


def start_connect_server(
    work_dir: Path, master: str = "local[2]", driver_memory: str = "1g", timeout: float = 180
) -> ConnectServer:
    """Start a Spark Connect server whose own driver runs the queries on `master` (local[N] here, or a
    spark:// master); returns once its gRPC port accepts connections. On failure, stops it and raises."""
    work_dir = Path(work_dir)
    (work_dir / "logs").mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = {
        "spark.connect.grpc.binding.address": LOOPBACK,
        "spark.connect.grpc.binding.port": str(port),
        "spark.driver.host": LOOPBACK,
        "spark.driver.bindAddress": LOOPBACK,
        "spark.ui.enabled": "false",
        "spark.sql.warehouse.dir": str(work_dir / "spark-warehouse"),
        "spark.sql.session.timeZone": "UTC",
    }
    command = [
        str(spark_home() / "bin" / "spark-submit"),
        "--class",
        SERVER_CLASS,
        "--name",
        "impact-connect",
    ]
    command += ["--master", master, "--driver-memory", driver_memory]
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    log = work_dir / "connect-server.log"
    process = subprocess.Popen(
        command,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=_env(work_dir, driver_memory),
        start_new_session=True,
        cwd=work_dir,
    )
    server = ConnectServer(f"sc://{LOOPBACK}:{port}", port, log, process)
    try:
        _wait_for_port(server, timeout)
    except BaseException:
        stop_connect_server(server)
        raise
    return server


def _wait_for_port(server: ConnectServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"the Spark Connect server exited (code {server.process.returncode}); see {server.log}"
            )
        try:
            with socket.create_connection((LOOPBACK, server.port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(
        f"Spark Connect server: port {server.port} not open after {timeout:.0f} s; see {server.log}"
    )


def stop_connect_server(server: ConnectServer, grace: float = 10) -> None:
    """SIGTERM the server's process group, SIGKILL it after `grace` seconds."""
    _kill_group(server.process, signal.SIGTERM)
    try:
        server.process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        _kill_group(server.process, signal.SIGKILL)
        server.process.wait()


@contextmanager
def connect_server(work_dir: Path, **options) -> Iterator[ConnectServer]:
    """start_connect_server, and stop_connect_server on the way out whatever happens."""
    server = start_connect_server(work_dir, **options)
    try:
        yield server
    finally:
        stop_connect_server(server)
