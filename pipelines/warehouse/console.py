"""Read-only queries over the published warehouse for people typing SQL (CLI and dashboard console).

Defence in depth (docs/reliability.md, "SQL console" and "A console that keeps its limits"):
- only one SELECT statement passes the parser check, nested at most MAX_PARSE_DEPTH levels;
- every function it calls must be on the allow-list `console_functions.txt` (scalar, aggregate and window
  functions of DuckDB's core, nothing that reads settings, the environment, the catalog or files, nothing that
  takes SQL text), and every table it reads must be a table or view of the warehouse (or a CTE of the query);
  a name built in a string (`query('select * from duckdb_' || 'settings()')`) is refused because `query` is
  not on the list;
- each query runs in a child process of its own (`console_worker.py`) whose address space the operating system
  limits to PROCESS_MEMORY_BYTES: lists, long strings, results and DuckDB's own memory (MEMORY_LIMIT) all
  count, so no query can grow the dashboard or `impact sql`;
- the connection is read-only, with external file access, extension loading and configuration changes
  disabled and no temporary files (nothing spills next to the warehouse);
- results are capped in rows (1..MAX_ROWS: the limit cannot be disabled) and bytes (MAX_RESULT_BYTES);
- a watchdog kills the worker at the time limit, whatever it is doing (a scalar function that never checks for
  interruption included), and gives the slot back; at most MAX_CONCURRENT run at once per process;
- every refusal is one line naming the limit (`QueryRefused`).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pyarrow as pa

from pipelines.warehouse.console_worker import (
    CONSOLE_CONFIG,
    DEPTH_REFUSAL,
    MAX_PARSE_DEPTH,
    MAX_QUERY_CHARS,
    MAX_RESULT_BYTES,
    MAX_ROWS,
    MEMORY_LIMIT,
    MEMORY_REFUSAL,
    PROCESS_MEMORY_BYTES,
    SAFE_CONFIG,
    QueryRefused,
    allowed_functions,
    check_names,
    check_query,
    check_text,
    connect_safely,
    held_open_message,
    time_refusal,
)

__all__ = [
    "CONSOLE_CONFIG",
    "DEPTH_REFUSAL",
    "MAX_CONCURRENT",
    "MAX_PARSE_DEPTH",
    "MAX_QUERY_CHARS",
    "MAX_RESULT_BYTES",
    "MAX_ROWS",
    "MEMORY_LIMIT",
    "PROCESS_MEMORY_BYTES",
    "SAFE_CONFIG",
    "QueryRefused",
    "allowed_functions",
    "check_names",
    "check_query",
    "connect_safely",
    "held_open_message",
    "run_readonly",
]

MAX_CONCURRENT = 2  # console queries running at once in one process (the dashboard serves many visitors)
QUEUE_WAIT_S = 5.0
START_WAIT_S = 60.0  # a worker's start (Python, duckdb, pyarrow: 0.3 s idle, seconds on a busy machine)
KILL_GRACE_S = 1.0  # the worker interrupts itself at the limit; the watchdog kills it this much later
_running = threading.BoundedSemaphore(MAX_CONCURRENT)
_ROOT = Path(__file__).resolve().parents[2]


class _Reader(threading.Thread):
    """Reads a worker's stdout: the start line, then everything else up to `cap` bytes."""

    def __init__(self, stream, cap: int) -> None:
        super().__init__(daemon=True)
        self.stream, self.cap = stream, cap
        self.started_at: float | None = None
        self.started = threading.Event()
        self.data = bytearray()
        self.overflow = False

    def run(self) -> None:
        if self.stream.readline() == b"S\n":
            self.started_at = time.monotonic()
        self.started.set()
        while chunk := self.stream.read1(1 << 20):
            if len(self.data) + len(chunk) > self.cap:
                self.overflow = True
                return
            self.data += chunk


def _kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def _run_in_worker(request: dict, timeout_s: float, max_bytes: int) -> pl.DataFrame:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")])),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "pipelines.warehouse.console_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=str(_ROOT),
        env=env,
        start_new_session=True,  # its own process group: the watchdog kills it and nothing else
    )
    reader = _Reader(worker.stdout, cap=max_bytes + max_bytes // 4 + (4 << 20))
    try:
        reader.start()
        worker.stdin.write(pickle.dumps(request))
        worker.stdin.close()
        if not reader.started.wait(START_WAIT_S) or reader.started_at is None:
            raise QueryRefused(f"the console could not start a query within {START_WAIT_S:g} s; try again")
        reader.join(max(0.0, reader.started_at + timeout_s + KILL_GRACE_S - time.monotonic()))
        if reader.is_alive():
            raise QueryRefused(time_refusal(timeout_s))
        if reader.overflow:
            raise QueryRefused(
                f"the result is larger than {max_bytes // 1024 // 1024} MB; select fewer columns or rows"
            )
        worker.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    finally:
        _kill(worker)
        worker.stdout.close()
    head, _, body = bytes(reader.data).partition(b"\n")
    try:
        status = json.loads(head) if head else {}
    except ValueError:
        status = {}
    if "refused" in status:
        raise QueryRefused(str(status["refused"]))
    if not status.get("ok"):
        code = worker.returncode
        if code in (-signal.SIGKILL, -signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS, 1, 134, 137):
            # RLIMIT_AS makes allocation fail; DuckDB or Python may then abort rather than raise
            raise QueryRefused(f"{MEMORY_REFUSAL}, or it stopped the query's process (exit {code})")
        if code == -signal.SIGXCPU or code == 3:
            raise QueryRefused(time_refusal(timeout_s))
        raise QueryRefused(f"the query's process stopped without an answer (exit {code})")
    table = pa.ipc.open_stream(io.BytesIO(body)).read_all()
    return pl.from_arrow(table) if table.num_columns else pl.DataFrame()


def run_readonly(
    warehouse: Path,
    query: str,
    max_rows: int = 10_000,
    timeout_s: float = 10.0,
    params: list | None = None,
    max_bytes: int = MAX_RESULT_BYTES,
) -> pl.DataFrame:
    """Run one SELECT read-only in a child process of its own: 1 <= `max_rows` <= MAX_ROWS rows at most
    (QueryRefused outside that range), at most `max_bytes` of result, stopped after `timeout_s` seconds
    whatever it is doing, within PROCESS_MEMORY_BYTES of memory. Every refusal or failure is QueryRefused with
    one line naming the limit or the reason."""
    if not 1 <= int(max_rows) <= MAX_ROWS:
        raise QueryRefused(f"the row limit must be between 1 and {MAX_ROWS:,}; it cannot be turned off")
    text = check_text(query)
    if not Path(warehouse).exists():
        raise QueryRefused(f"no warehouse at {warehouse}; build it with `impact run`")
    if not _running.acquire(timeout=QUEUE_WAIT_S):
        raise QueryRefused(f"{MAX_CONCURRENT} console queries are already running; try again in a moment")
    try:
        request = {
            "warehouse": str(Path(warehouse).resolve()),
            "query": text,
            "max_rows": int(max_rows),
            "timeout_s": float(timeout_s),
            "params": params,
            "max_bytes": int(max_bytes),
        }
        frame = _run_in_worker(request, float(timeout_s), int(max_bytes))
        return frame if isinstance(frame, pl.DataFrame) else frame.to_frame()
    finally:
        _running.release()
