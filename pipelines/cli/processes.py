"""Start the product's long-running processes: the Streamlit dashboard and, for `impact serve`, Dagster.

`impact serve` first prepares the Dagster instance and checks the code location in one process
(`pipelines.defs.instance`; a broken location stops it with that message), then runs three children (Dagster
webserver, Dagster daemon for schedules and sensors, the dashboard), prints their URLs, and stops all of them
when it is interrupted or terminated or when any one of them dies; if it is killed (SIGKILL, the OOM
killer) its children are stopped anyway, and a set left by an earlier kill is stopped on the next start
(pipelines/cli/supervise.py). `--host` applies to the dashboard only:
the Dagster UI (no login, and its GraphQL API can launch runs) stays on 127.0.0.1 unless `--dagster-host`
asks for another interface, with a warning. `impact dashboard` passes SIGTERM and SIGINT on to Streamlit and
waits for it, so stopping the command stops the server; a SIGKILL of it stops Streamlit too (parent-death
signal).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipelines.cli import supervise
from pipelines.settings import dagster_home

DASHBOARD_APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
BIN = Path(sys.executable).parent


def dashboard_command(port: int, host: str, script: Path = DASHBOARD_APP) -> list[str]:
    """`streamlit run` as the product serves it. No file watching: Streamlit's watcher (for reloading on a
    source edit, a development aid) sets itself up at the start of every browser session, in the script's
    thread, and delayed each page's first chart by about 0.35 s (one session: 420 ms of script run with it,
    67 ms without). To develop with reloading, run `streamlit run dashboard/app.py` directly."""
    from pipelines.ingest.layouts.upload import MAX_UPLOAD_BYTES

    return [
        sys.executable,
        "-m",
        "dashboard.server",  # Streamlit's command line with the product's upload server (dashboard/uploads.py)
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        # uploads: Streamlit's streaming cap on a request (MiB, just above the product's 10,000,000 bytes;
        # dashboard/uploads.py then checks the exact bytes, the count and the total per session)
        "--server.maxUploadSize",
        str(-(-MAX_UPLOAD_BYTES // 2**20)),
        "--browser.gatherUsageStats",
        "false",
        # an analyst's menu: print, theme, record; not Streamlit's developer items (Deploy, Clear cache)
        "--client.toolbarMode",
        "viewer",
        # visitors see that something failed, never a traceback with server paths and code
        "--client.showErrorDetails",
        "none",
    ]


def product_env(data_dir: Path, warehouse: Path) -> dict[str, str]:
    return {
        **os.environ,
        "IMPACT_DATA_DIR": str(data_dir.resolve()),
        "IMPACT_WAREHOUSE": str(warehouse.resolve()),
    }


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run_dashboard(warehouse: Path, port: int, host: str) -> int:
    """Serve the dashboard until Streamlit exits; SIGTERM or SIGINT to this process stops Streamlit too."""
    env = {**os.environ, "IMPACT_WAREHOUSE": str(Path(warehouse).resolve())}
    print(f"dashboard: http://{host}:{port}  (warehouse {warehouse})", flush=True)
    child = subprocess.Popen(
        dashboard_command(port, host),
        env=env,
        start_new_session=True,
        preexec_fn=supervise.preexec(os.getpid()),
    )
    stop = _stop_on_signals()
    while child.poll() is None and stop["signal"] is None:
        time.sleep(0.2)
    if child.poll() is None:
        _stop_all({"dashboard": child})
        return 0
    return child.returncode


def _stop_on_signals() -> dict:
    stop: dict = {"signal": None}

    def on_signal(signum, _frame) -> None:
        stop["signal"] = signum

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    return stop


def serve_commands(
    host: str, dashboard_port: int, dagster_port: int, dagster_host: str
) -> dict[str, list[str]]:
    """The three children of `impact serve`: the dashboard on `host`, the Dagster UI on `dagster_host`."""
    return {
        # Dagster's webserver behind the guard that refuses GraphQL writes a web page could send
        # (pipelines/defs/webserver_guard.py; same arguments as `dagster-webserver`)
        "dagster webserver": [
            sys.executable,
            "-m",
            "pipelines.defs.webserver_guard",
            "-m",
            "pipelines.defs.definitions",
            "-h",
            dagster_host,
            "-p",
            str(dagster_port),
        ],
        "dagster daemon": [str(BIN / "dagster-daemon"), "run", "-m", "pipelines.defs.definitions"],
        "dashboard": dashboard_command(dashboard_port, host),
    }


def prepare_dagster(data_dir: Path, env: dict[str, str]) -> str | None:
    """Run `pipelines.defs.instance` once (storages created, code location loaded); its message or None."""
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.defs.instance", str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode == 0:
        return None
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return lines[-1] if lines else f"preparing Dagster failed with exit code {done.returncode}"


def serve(
    data_dir: Path,
    warehouse: Path,
    host: str,
    dashboard_port: int,
    dagster_port: int,
    dagster_host: str = "127.0.0.1",
) -> int:
    home = dagster_home(data_dir)
    pid_file = home / supervise.PID_FILE
    refusal, note = supervise.clean_stale(pid_file)
    if refusal:
        print(f"impact serve: not started: {refusal}", file=sys.stderr, flush=True)
        return 1
    if note:
        print(f"impact serve: {note}", file=sys.stderr, flush=True)
    env = {**product_env(data_dir, warehouse), "DAGSTER_HOME": str(home)}
    problem = prepare_dagster(data_dir, env)
    if problem:
        print(f"impact serve: not started: {problem}", file=sys.stderr, flush=True)
        return 1
    if dagster_host not in LOOPBACK:
        print(
            f"WARNING: the Dagster UI listens on {dagster_host}: it has no login, and anyone who reaches it can "
            "launch runs through its GraphQL API; put it behind an authenticating proxy (docs/operations.md)",
            file=sys.stderr,
            flush=True,
        )
    commands = serve_commands(host, dashboard_port, dagster_port, dagster_host)
    keeper = supervise.Keeper()
    children: dict[str, subprocess.Popen] = {}
    for name, cmd in commands.items():
        # own process group (stopped as one), SIGTERM from the kernel if this process dies (supervise.py)
        children[name] = subprocess.Popen(
            cmd, env=env, start_new_session=True, preexec_fn=supervise.preexec(os.getpid())
        )
        keeper.add(children[name].pid)
    supervise.write_pid_file(pid_file, {n: c.pid for n, c in children.items()})
    print(f"dashboard:  http://{host}:{dashboard_port}", flush=True)
    print(
        f"dagster UI: http://{dagster_host}:{dagster_port}  (schedules and the inbox sensor run while this is "
        f"up; drop files into {data_dir / 'inbox'})",
        flush=True,
    )
    print("Ctrl-C stops everything.", flush=True)
    stop = _stop_on_signals()
    code = 0
    while stop["signal"] is None:
        dead = {n: c.returncode for n, c in children.items() if c.poll() is not None}
        if dead:
            print(f"stopping: {', '.join(f'{n} exited with {rc}' for n, rc in dead.items())}", flush=True)
            code = 1
            break
        time.sleep(0.5)
    _stop_all(children)
    supervise.stop_groups([c.pid for c in children.values()], grace_s=5.0)  # what the children started
    keeper.release()
    pid_file.unlink(missing_ok=True)
    return code


def _stop_all(children: dict[str, subprocess.Popen], grace_s: float = 10.0) -> None:
    for child in children.values():
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
