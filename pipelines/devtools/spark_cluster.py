"""A real Spark standalone cluster on this machine, for tests and benchmarks: one master and N workers
started from the installed pyspark (`bin/spark-class org.apache.spark.deploy.master.Master` / `...Worker`),
every one bound to 127.0.0.1 (`--host`, SPARK_LOCAL_IP, which also binds their web UIs), the master's REST
submission server off. `standalone_cluster()` stops every process it started, whatever happens.

Each daemon runs in its own process group; a worker's executors are its children, in the same group, so
`kill_worker` takes a worker down with its executors, as losing a machine would.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

LOOPBACK = "127.0.0.1"


def spark_home() -> Path:
    """The pyspark package folder: it ships bin/spark-class and the jars."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    master_url: str  # spark://127.0.0.1:PORT
    web_url: str  # the master's UI (loopback); /json/ gives workers and applications
    work_dir: Path
    master: subprocess.Popen | None = None
    workers: list[subprocess.Popen] = field(default_factory=list)

    @property
    def processes(self) -> list[subprocess.Popen]:
        return [p for p in [self.master, *self.workers] if p is not None]

    def state(self) -> dict:
        """The master's JSON status (workers, activeapps, completedapps)."""
        with urllib.request.urlopen(f"{self.web_url}/json/", timeout=5) as response:
            return json.load(response)

    def alive_workers(self) -> list[dict]:
        return [w for w in self.state().get("workers", []) if w.get("state") == "ALIVE"]

    def kill_worker(self, index: int) -> None:
        """SIGKILL a worker and its executors (its process group)."""
        _kill_group(self.workers[index], signal.SIGKILL)


def _env(work_dir: Path, daemon_memory: str) -> dict:
    return {
        **os.environ,
        "SPARK_HOME": str(spark_home()),
        "SPARK_LOCAL_IP": LOOPBACK,
        "SPARK_DAEMON_MEMORY": daemon_memory,
        "SPARK_LOG_DIR": str(work_dir / "logs"),
        "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
        "SPARK_NO_DAEMONIZE": "1",
    }


def _start(args: list[str], work_dir: Path, name: str, env: dict) -> subprocess.Popen:
    log = (work_dir / f"{name}.log").open("ab")
    return subprocess.Popen(
        [str(spark_home() / "bin" / "spark-class"), *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )


def _wait(condition, timeout: float, what: str, cluster: Cluster) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dead = [p.args[1] for p in cluster.processes if p.poll() is not None]
        if dead:
            raise RuntimeError(
                f"Spark process exited while waiting for {what}: {dead}; logs in {cluster.work_dir}"
            )
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"Spark standalone: no {what} after {timeout:.0f} s; logs in {cluster.work_dir}")


def start_cluster(
    work_dir: Path,
    workers: int = 2,
    cores: int = 1,
    memory: str = "1g",
    daemon_memory: str = "256m",
    timeout: float = 120,
) -> Cluster:
    """Start a master and `workers` workers (each offering `cores` cores and `memory` to executors); returns
    once every worker has registered. On failure, stops what it started and raises."""
    work_dir = Path(work_dir)
    (work_dir / "logs").mkdir(parents=True, exist_ok=True)
    env = _env(work_dir, daemon_memory)
    port, web = free_port(), free_port()
    cluster = Cluster(f"spark://{LOOPBACK}:{port}", f"http://{LOOPBACK}:{web}", work_dir)
    try:
        cluster.master = _start(
            [
                "org.apache.spark.deploy.master.Master",
                "--host",
                LOOPBACK,
                "--port",
                str(port),
                "--webui-port",
                str(web),
            ],
            work_dir,
            "master",
            env,
        )
        _wait(lambda: cluster.state().get("status") == "ALIVE", timeout, "master", cluster)
        for i in range(workers):
            folder = work_dir / f"worker-{i}"
            folder.mkdir(exist_ok=True)
            args = ["org.apache.spark.deploy.worker.Worker", "--host", LOOPBACK, "--port", str(free_port())]
            args += ["--webui-port", str(free_port()), "--cores", str(cores), "--memory", memory]
            args += ["--work-dir", str(folder), cluster.master_url]
            cluster.workers.append(_start(args, work_dir, f"worker-{i}", env))
        _wait(lambda: len(cluster.alive_workers()) == workers, timeout, f"{workers} workers", cluster)
    except BaseException:
        stop_cluster(cluster)
        raise
    return cluster


def _kill_group(process: subprocess.Popen, sig: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def stop_cluster(cluster: Cluster, grace: float = 10) -> None:
    """SIGTERM every process group started (workers first), SIGKILL what is left after `grace` seconds."""
    for process in reversed(cluster.processes):
        _kill_group(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in cluster.processes:
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        _kill_group(process, signal.SIGKILL)
        process.wait()


@contextmanager
def standalone_cluster(work_dir: Path, **options) -> Iterator[Cluster]:
    """start_cluster, and stop_cluster on the way out whatever happens."""
    cluster = start_cluster(work_dir, **options)
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


def listening_addresses(pids: list[int]) -> set[str]:
    """'ip:port' of every TCP socket the processes (and their children) listen on, from /proc."""
    inodes = set()
    for pid in _with_children(pids):
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            if parts[3] == "0A" and parts[9] in inodes:  # LISTEN
                address, port = parts[1].split(":")
                found.add(f"{_ip(address, width)}:{int(port, 16)}")
    return found


def _ip(hexed: str, width: int) -> str:
    raw = bytes.fromhex(hexed)
    if width == 8:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    mapped = socket.inet_ntop(socket.AF_INET6, words)
    return mapped.removeprefix("::ffff:")


def _with_children(pids: list[int]) -> set[int]:
    parents = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            ppid = next(int(x.split()[1]) for x in status.read_text().splitlines() if x.startswith("PPid:"))
        except (OSError, StopIteration, ValueError):
            continue
        parents[int(status.parent.name)] = ppid
    everything, grown = set(pids), True
    while grown:
        more = {pid for pid, ppid in parents.items() if ppid in everything} - everything
        everything |= more
        grown = bool(more)
    return everything
