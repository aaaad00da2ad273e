"""Issue 13, faults 7, 16 and 17a: the product's long-running processes.

Real processes: `impact serve` and `impact dashboard` started as a user starts them, stopped with signals."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

from pipelines.cli import processes
from tests.helpers import free_port, wait_until

from .helpers import IMPACT, PYTHON, REPO


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _stop_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# fault 7: children creating the Dagster storages at once left two alembic heads in 2 of 8 first starts
def test_the_dagster_instance_is_prepared_once_before_the_children(tmp_path: Path, monkeypatch) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    done = subprocess.run(
        [str(PYTHON), "-m", "pipelines.defs.instance", str(tmp_path)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    home = tmp_path / "dagster_home"
    with sqlite3.connect(home / "schedules" / "schedules.db") as con:
        heads = con.execute("select version_num from alembic_version").fetchall()
    assert len(heads) == 1, f"schedule storage must have one alembic head, found {heads}"
    # fault 6, the Dagster side: the daemon's run queue lets one publishing run through at a time
    import dagster as dg

    from pipelines.defs.definitions import warehouse_job

    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    assert {"key": "impact/publishes", "value": "warehouse", "limit": 1} in limits
    assert warehouse_job.tags.get("impact/publishes") == "warehouse"


# fault 7: a broken code location was served anyway, with a schedule that silently did nothing
def test_serve_stops_with_a_message_on_a_broken_code_location(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env["IMPACT_ALERT_STREAK_PERIODS"] = "three"  # the definitions cannot load with this setting
    proc = subprocess.Popen(
        [str(IMPACT), "serve", "--data-dir", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")]
        + ["--port", str(free_port()), "--dagster-port", str(free_port())],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        _stop_group(proc)
        raise AssertionError("impact serve kept serving a broken code location") from None
    assert proc.returncode == 1
    assert "not started: the code location pipelines.defs.definitions does not load" in err
    assert "IMPACT_ALERT_STREAK_PERIODS='three'" in err and "Traceback" not in err
    assert "dashboard:" not in out  # no child was started


# fault 16: --host exposed the unauthenticated Dagster UI and GraphQL along with the dashboard
def test_host_applies_to_the_dashboard_only() -> None:
    commands = processes.serve_commands("0.0.0.0", 8501, 3000, "127.0.0.1")
    web = commands["dagster webserver"]
    assert web[web.index("-h") + 1] == "127.0.0.1"
    dash = commands["dashboard"]
    assert dash[dash.index("--server.address") + 1] == "0.0.0.0"
    help_text = subprocess.run(
        [str(IMPACT), "serve", "--help"], capture_output=True, text=True, timeout=60
    ).stdout
    assert "--dagster-host" in help_text and "no login" in help_text


# fault 16: visitors saw full tracebacks
def test_visitors_never_see_tracebacks() -> None:
    command = processes.dashboard_command(8501, "127.0.0.1")
    assert command[command.index("--client.showErrorDetails") + 1] == "none"


# fault 17a: SIGTERM to `impact dashboard` left Streamlit serving the port
def test_sigterm_to_impact_dashboard_stops_streamlit(tmp_path: Path, published) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [str(IMPACT), "dashboard", "--warehouse", str(published.warehouse), "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so the test can clean up an orphaned Streamlit on main
    )
    try:
        wait_until(lambda: _listening(port), 120, "the dashboard's port", alive=[proc])
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        wait_until(lambda: not _listening(port), 20, "Streamlit to close the port after SIGTERM")
        stopped_after = time.monotonic() - started
        print(f"\nimpact dashboard: SIGTERM -> port closed after {stopped_after:.2f} s")
    finally:
        _stop_group(proc)
