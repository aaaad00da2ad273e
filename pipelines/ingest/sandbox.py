"""Parse untrusted input files in a child process with memory, CPU and time limits (issue 28).

`ReaderSandbox.read` has the shape of `read.guarded_read` (an InputFile in; the RawTable or None, the
status and the error out) but runs it in a spawned child under `resource.setrlimit`: an address-space limit
(limits.READER_MEMORY_BYTES) for the child's life, and per file a CPU limit (READER_CPU_SECONDS, SIGXCPU)
and a wall-clock limit (READER_WALL_SECONDS, then SIGKILL). A file that takes the child down is that file's
row 0, naming the limit; the next file gets a fresh child. The child reads one file at a time, in the order
given, and is started once for a whole run (about a second of imports).

Used by the Dagster asset `input_files` (pipelines/defs/assets.py), before the publish lock is taken, for
spreadsheets, Parquet files and layout reads (`isolated_read`); the child starts when the first such file
is read. `assemble.load_all` (tests, `impact validate`) reads in process.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

from pipelines.ingest import limits
from pipelines.ingest.files import InputFile
from pipelines.ingest.readers import RawTable

Read = tuple[RawTable | None, str, str | None]


def _limit(env: str, default: int, scale: int = 1) -> int:
    value = os.environ.get(env, "").strip()
    return int(value) * scale if value.isdigit() and int(value) > 0 else default


def configured() -> tuple[int, int, int]:
    """(memory bytes, CPU seconds, wall seconds) from limits.py, or IMPACT_READER_MEMORY_MB,
    IMPACT_READER_CPU_SECONDS and IMPACT_READER_WALL_SECONDS when set to a positive whole number."""
    return (
        _limit("IMPACT_READER_MEMORY_MB", limits.READER_MEMORY_BYTES, 2**20),
        _limit("IMPACT_READER_CPU_SECONDS", limits.READER_CPU_SECONDS),
        _limit("IMPACT_READER_WALL_SECONDS", limits.READER_WALL_SECONDS),
    )


ISOLATED_SUFFIXES = (".xlsx", ".xlsm", ".parquet")  # parsed by native code (calamine, Arrow), from zips


def isolated_read(sandbox: ReaderSandbox) -> Callable[[InputFile], Read]:
    """The per-file reader of an isolated run: spreadsheets, Parquet and layout reads in `sandbox`'s child
    (native parsers: an allocation failure there aborts the process, which no `except` can catch), CSV and
    JSON Lines in this process (pure Python, linear, bounded by limits.py)."""
    from pipelines.ingest.read import guarded_read

    def read(f: InputFile) -> Read:
        if f.layout is not None or f.path.suffix.lower() in ISOLATED_SUFFIXES:
            return sandbox.read(f)
        return guarded_read(f)

    return read


def _die_with(parent: int) -> None:
    """Ask Linux to SIGKILL this process when its parent ends (even by SIGKILL), so no parse outlives the
    run that asked for it; exits at once if the parent is already gone."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the socket's EOF still ends the child between files
        pass
    if os.getppid() != parent:
        os._exit(0)


def _serve(conn: Connection, memory: int, cpu: int) -> None:
    """The child: set the memory limit, then read files sent over `conn` until it closes."""
    from pipelines.ingest.read import guarded_read

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    while True:
        try:
            f = conn.recv()
        except (EOFError, OSError):
            return
        used = resource.getrusage(resource.RUSAGE_SELF)
        soft = int(used.ru_utime + used.ru_stime) + 1 + cpu
        resource.setrlimit(
            resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard)
        )
        result = guarded_read(f)
        if result[2] and result[2].startswith("the file could not be read (MemoryError"):
            result = (None, "unreadable", _memory_reason(memory))
        try:
            conn.send(result)
        except Exception as exc:  # noqa: BLE001 - a result that cannot be sent back costs its file only
            conn.send((None, "unreadable", f"the file was read but its rows could not be passed on ({exc})"))


def _memory_reason(memory: int) -> str:
    return (
        f"reading the file needed more than {memory / 2**30:.1f} GiB of memory (READER_MEMORY_BYTES); "
        "split the file or export it as CSV"
    )


class ReaderSandbox:
    """One child process reading input files under limits; a context manager (the child ends on exit).

    The child is `python -m pipelines.ingest.sandbox` (not multiprocessing's spawn, which would run the
    parent's main script again), talking over a socket pair with multiprocessing's pickling Connection.
    `read(f)` -> (RawTable or None, status, error), as read.guarded_read."""

    def __init__(self) -> None:
        self.memory, self.cpu, self.wall = configured()
        self._proc: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self.restarts = 0  # children that a file took down

    def __enter__(self) -> ReaderSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> None:
        ours, theirs = socket.socketpair()
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipelines.ingest.sandbox",
                str(theirs.fileno()),
                str(self.memory),
                str(self.cpu),
                str(os.getpid()),
            ],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env={**os.environ, "RUST_BACKTRACE": "0"},  # a native abort says one line on stderr, not 40
        )
        theirs.close()
        self._conn = Connection(ours.detach())

    def close(self) -> None:
        """End the child (it exits when its socket closes; killed after 5 s)."""
        if self._proc is None:
            return
        self._conn.close()
        try:
            self._proc.wait(5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = self._conn = None

    def read(self, f: InputFile) -> Read:
        if self._proc is None or self._proc.poll() is not None:
            self.close()
            self._start()
        started = time.monotonic()
        try:
            self._conn.send(f)
            if not self._conn.poll(self.wall):
                return None, "unreadable", self._stopped(time.monotonic() - started, timed_out=True)
            return self._conn.recv()
        except (EOFError, OSError):
            return None, "unreadable", self._stopped(time.monotonic() - started, timed_out=False)

    def _stopped(self, seconds: float, timed_out: bool) -> str:
        """Kill and reap the child; the reason its file is unreadable, naming the limit."""
        proc = self._proc
        if timed_out:
            proc.kill()
        code = proc.wait()
        self._conn.close()
        self._proc = self._conn = None
        self.restarts += 1
        if timed_out:
            return (
                f"reading the file took longer than {self.wall:,} s (READER_WALL_SECONDS); the reader was "
                "stopped: split the file or export it as CSV"
            )
        if code == -signal.SIGXCPU:
            return (
                f"reading the file used more than {self.cpu:,} s of CPU (READER_CPU_SECONDS); the reader was "
                "stopped: split the file or export it as CSV"
            )
        return (
            f"the reader stopped after {seconds:.1f} s (exit {code}): most likely it needed more than "
            f"{self.memory / 2**30:.1f} GiB of memory (READER_MEMORY_BYTES); split the file or export it as CSV"
        )


if __name__ == "__main__":
    _die_with(int(sys.argv[4]))
    _serve(Connection(int(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3]))
