"""Issue 28, fault 12: SIGKILL (or the OOM killer) of `impact serve` left the Dagster webserver, the daemon
and Streamlit running, and the next `impact serve` exited 1 (its ports were taken).

Real processes: `impact serve` on 127.0.0.1 with free ports, killed with SIGKILL; every wait is a bounded
poll, never a fixed sleep. The process table is read from /proc (Linux), independently of the product's own
records, so the test says the same thing on a product that keeps none.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import free_port, wait_until

from .helpers import IMPACT, REPO

UP_S = 240.0  # a cold start of Dagster and Streamlit on a busy 2-core machine
GONE_S = 60.0


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # state, ppid, pgrp, ...


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[1]) == pid:
            out.append(int(entry.name))
    return out


def _group_alive(pgid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields and fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(entry.name))
    return out


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _poll(condition, timeout_s: float, what: str) -> float:
    started = time.monotonic()
    wait_until(condition, timeout_s, what)
    return time.monotonic() - started


def _serve(data_dir: Path, port: int, dagster_port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    return subprocess.Popen(
        [str(IMPACT), "serve", "--data-dir", str(data_dir), "--warehouse", str(data_dir / "w.duckdb")]
        + ["--port", str(port), "--dagster-port", str(dagster_port)],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _up(proc: subprocess.Popen, port: int, dagster_port: int) -> float:
    def ready() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"impact serve exited {proc.returncode}: {proc.stderr.read()[-2000:]}")
        return _listening(port) and _listening(dagster_port) and len(_children(proc.pid)) >= 3

    return _poll(ready, UP_S, "serving")


def test_kill_9_of_serve_leaves_no_child_and_the_next_serve_comes_up(tmp_path: Path) -> None:
    port, dagster_port = free_port(), free_port()
    first = _serve(tmp_path, port, dagster_port)
    groups: list[int] = []
    second = None
    try:
        _up(first, port, dagster_port)
        groups = [int(_stat(c)[2]) for c in _children(first.pid)]  # the webserver's, daemon's, Streamlit's
        assert len(set(groups)) >= 3
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        # before: the three groups stayed alive indefinitely; after: gone within seconds
        gone_s = _poll(lambda: not any(_group_alive(g) for g in groups), GONE_S, "stopped")
        print(f"children gone {gone_s:.1f} s after kill -9")
        assert not _listening(port) and not _listening(dagster_port)
        # before: exit 1 (the webserver could not bind); after: it serves
        second = _serve(tmp_path, port, dagster_port)
        _up(second, port, dagster_port)
        assert second.poll() is None
        second_groups = [int(_stat(c)[2]) for c in _children(second.pid)]
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=60) == 0
        _poll(lambda: not any(_group_alive(g) for g in second_groups), GONE_S, "stopped after SIGTERM")
        assert not (tmp_path / "dagster_home" / "impact-serve.json").exists()  # supervise.PID_FILE
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
        for g in groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(g, signal.SIGKILL)


def _orphan_group() -> subprocess.Popen:
    """A process group of two (a shell and its background child), as a killed serve's child leaves it."""
    return subprocess.Popen(["sh", "-c", "sleep 300 & exec sleep 300"], start_new_session=True)


def _dead_pid() -> tuple[int, int]:
    from pipelines.cli import supervise

    gone = subprocess.Popen(["sleep", "0"])
    start = supervise.start_time(gone.pid)
    gone.wait()
    return gone.pid, start or 1


def test_a_stale_set_from_an_earlier_kill_is_stopped_on_start(tmp_path: Path) -> None:
    from pipelines.cli import supervise

    stale = _orphan_group()
    reused = _orphan_group()  # a pid recorded by a serve long gone, now some other process's
    try:
        _poll(lambda: len(_group_alive(stale.pid)) == 2, 10, "started")
        serve_pid, serve_start = _dead_pid()
        record = {
            "serve": {"pid": serve_pid, "start": serve_start},
            "children": {
                "dagster webserver": {"pid": stale.pid, "start": supervise.start_time(stale.pid)},
                "dashboard": {"pid": reused.pid, "start": (supervise.start_time(reused.pid) or 0) + 1},
            },
        }
        pid_file = tmp_path / supervise.PID_FILE
        pid_file.write_text(json.dumps(record))
        refusal, note = supervise.clean_stale(pid_file)
        assert refusal is None
        assert (
            note
            == f"stopped what an earlier impact serve (pid {serve_pid}) left running: dagster webserver (pid {stale.pid})"
        )
        assert _group_alive(stale.pid) == []
        assert reused.poll() is None  # not ours: left alone
        assert not pid_file.exists()
    finally:
        for p in (stale, reused):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def test_a_live_serve_for_the_same_data_dir_is_not_started_twice(tmp_path: Path) -> None:
    from pipelines.cli import supervise

    pid_file = tmp_path / supervise.PID_FILE
    supervise.write_pid_file(pid_file, {})  # this test process plays the running serve
    refusal, note = supervise.clean_stale(pid_file)
    assert refusal is not None and f"pid {os.getpid()}" in refusal and note is None
    assert pid_file.exists()


@pytest.mark.parametrize("how", ["keeper", "parent-death signal"])
def test_each_layer_alone_stops_the_children(tmp_path: Path, how: str) -> None:
    """The keeper alone (children without the parent-death signal) and the parent-death signal alone (no
    keeper) each stop a dead parent's children."""
    script = (
        "import os, subprocess, sys, time\n"
        "from pipelines.cli import supervise\n"
        f"how = {how!r}\n"
        "keeper = supervise.Keeper() if how == 'keeper' else None\n"
        "pre = supervise.preexec(os.getpid()) if how != 'keeper' else None\n"
        "child = subprocess.Popen(['sleep', '300'], start_new_session=True, preexec_fn=pre)\n"
        "if keeper: keeper.add(child.pid)\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(300)\n"  # pacing: the hung child's own script
    )
    parent = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "python"), "-c", script],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    child = int(parent.stdout.readline())
    try:
        assert _group_alive(child)
        parent.kill()
        parent.wait()
        _poll(lambda: not _group_alive(child), 30, f"stopped by the {how}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child, signal.SIGKILL)


def test_kill_9_of_impact_dashboard_stops_streamlit(tmp_path: Path) -> None:
    """The same for `impact dashboard`: before, Streamlit kept serving after the command was killed."""
    port = free_port()
    proc = subprocess.Popen(
        [str(IMPACT), "dashboard", "--warehouse", str(tmp_path / "w.duckdb"), "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    groups: list[int] = []
    try:
        _poll(lambda: _listening(port) and _children(proc.pid), UP_S, "serving")
        groups = [int(_stat(c)[2]) for c in _children(proc.pid)]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        _poll(lambda: not any(_group_alive(g) for g in groups), GONE_S, "stopped")
        _poll(lambda: not _listening(port), GONE_S, "the port closed")
    finally:
        for g in [proc.pid, *groups]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(g, signal.SIGKILL)
