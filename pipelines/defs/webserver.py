"""Drive a running Dagster webserver as its UI does: "Materialize all" of the warehouse group, run status,
and where a run's time went. Used by the UI-run test and benchmarks/dagster_ui_run_bench.py.

Only loopback: the webserver is the product's own (`impact serve`, 127.0.0.1).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg

from pipelines.defs.assets import CORE_ASSETS
from pipelines.defs.checks import CHECKS_SQL

BIN = Path(sys.executable).parent
LOCATION = "pipelines.defs.definitions"  # the code location `impact serve` loads (-m)
LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchPipelineExecution(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on PipelineNotFoundError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}"""
STATUS = "query Status($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"
CHECK_EXECUTIONS = """
query Checks($key: AssetKeyInput!, $name: String!) {
  assetCheckExecutions(assetKey: $key, checkName: $name, limit: 1) {
    runId status evaluation { success severity }
  }
}"""


def graphql(port: int, query: str, variables: dict) -> dict:
    """POST one query to http://127.0.0.1:PORT/graphql; its data, RuntimeError on GraphQL errors."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.load(response)
    if answer.get("errors"):
        raise RuntimeError(answer["errors"])
    return answer["data"]


def materialize_all_params() -> dict:
    """The ExecutionParams the UI sends for "Materialize all" in the warehouse group: its assets and their
    checks, one run of the implicit asset job."""
    return {
        "selector": {
            "repositoryLocationName": LOCATION,
            "repositoryName": "__repository__",
            "pipelineName": "__ASSET_JOB",
            "assetSelection": [{"path": [a.key.path[-1]]} for a in CORE_ASSETS],
            "assetCheckSelection": [
                {"assetKey": {"path": ["warehouse_build"]}, "name": name} for name in CHECKS_SQL
            ],
        },
        "mode": "default",
        "executionMetadata": {"tags": [{"key": "impact/trigger", "value": "ui"}]},
        "runConfigData": {},
    }


def launch_materialize_all(port: int) -> str:
    """Launch "Materialize all" through the webserver; the run id, RuntimeError with Dagster's answer."""
    result = graphql(port, LAUNCH, {"params": materialize_all_params()})["launchPipelineExecution"]
    if result["__typename"] != "LaunchRunSuccess":
        raise RuntimeError(result)
    return result["run"]["runId"]


def run_status(port: int, run_id: str) -> str:
    """QUEUED, STARTING, STARTED, SUCCESS, FAILURE, CANCELED, ..."""
    return graphql(port, STATUS, {"id": run_id})["runOrError"]["status"]


def check_executions(port: int) -> dict[str, dict]:
    """Latest execution of each warehouse check as the UI shows it: check -> {status, evaluation}."""
    key = {"path": ["warehouse_build"]}
    return {
        name: graphql(port, CHECK_EXECUTIONS, {"key": key, "name": name})["assetCheckExecutions"][0]
        for name in CHECKS_SQL
    }


def run_timeline(home: Path, run_id: str) -> dict:
    """Seconds from the run's creation to: the run worker's start (its code loaded), the first step, the end;
    per step, the step worker's start-up (STEP_WORKER_STARTING to STEP_START, only under a multiprocess
    executor) and the step itself."""
    os.environ["DAGSTER_HOME"] = str(home)
    with dg.DagsterInstance.get() as instance:
        record = instance.get_run_record_by_id(run_id)
        events = [e for e in instance.all_logs(run_id) if e.dagster_event]
    created = record.create_timestamp.timestamp()
    timed = [(e.timestamp - created, e.dagster_event_type.value, e.step_key) for e in events]

    def first(kind: str) -> float | None:
        return next((t for t, k, _ in timed if k == kind), None)

    startup, steps = {}, {}
    for t, kind, step in timed:
        if kind == "STEP_WORKER_STARTING":
            startup[step] = -t
        elif kind == "STEP_START":
            if step in startup:
                startup[step] += t
            steps[step] = -t
        elif kind == "STEP_SUCCESS":
            steps[step] += t
    return {
        "run worker started (code loaded)": first("PIPELINE_START"),
        "first step started": first("STEP_START"),
        "run ended": first("PIPELINE_SUCCESS") or first("PIPELINE_FAILURE"),
        "sum of step worker start-ups": sum(startup.values()),
        "sum of step times": sum(steps.values()),
        "step worker start-up": startup,
        "steps": steps,
    }


LOCATIONS = """query {
  workspaceOrError {
    __typename
    ... on Workspace { locationEntries { name loadStatus
      locationOrLoadError { __typename ... on PythonError { message } } } }
    ... on PythonError { message }
  }
}"""


def location_loaded(port: int) -> bool:
    """True once the webserver on 127.0.0.1:PORT answers and every code location of its workspace has
    loaded (what "Materialize all" needs; the webserver answers /server_info long before, while the code
    server still imports the definitions). False while loading or not answering yet; RuntimeError naming
    the location when one failed to load (waiting longer would not help)."""
    try:
        data = graphql(port, LOCATIONS, {})
    except (OSError, ValueError):
        return False
    workspace = data["workspaceOrError"]
    if workspace["__typename"] != "Workspace":
        raise RuntimeError(f"the Dagster workspace did not load: {workspace.get('message')}")
    entries = workspace["locationEntries"]
    for entry in entries:
        loaded = entry["locationOrLoadError"]
        if loaded and loaded["__typename"] == "PythonError":
            raise RuntimeError(f"code location {entry['name']} failed to load: {loaded['message'][:2000]}")
    return bool(entries) and all(e["loadStatus"] == "LOADED" and e["locationOrLoadError"] for e in entries)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_dagster(
    data: Path, port: int, wait: bool = True, timeout: float = 600
) -> tuple[dict, list[subprocess.Popen]]:
    """Webserver (127.0.0.1:port, behind pipelines/defs/webserver_guard.py) and daemon over DATA_DIR `data`,
    as `impact serve` starts them; their output goes to DATA_DIR/dagster_home/{webserver,daemon}.log.
    With `wait`, returns once the code location has loaded (`location_loaded`, polled with backoff up to
    `timeout` seconds: a loaded 2-core machine takes minutes, the webserver's and the daemon's code servers
    each importing the definitions); RuntimeError with the log's tail when a process exits first or the
    bound passes. Without `wait`, returns at once (the caller polls `location_loaded`)."""
    home = data / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(
        "telemetry:\n  enabled: false\n"
        # the code server's start-up bound (Dagster's default 180 s) is what a loaded machine exceeded
        f"code_servers:\n  local_startup_timeout: {int(timeout)}\n"
    )
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "IMPACT_DATA_DIR": str(data),
        "IMPACT_WAREHOUSE": str(data / "warehouse.duckdb"),
    }
    module = ["-m", "pipelines.defs.definitions"]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipelines.defs.webserver_guard",
                *module,
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            env=env,
            stdout=(home / "webserver.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
        subprocess.Popen(
            [str(BIN / "dagster-daemon"), "run", *module],
            env=env,
            stdout=(home / "daemon.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
    ]
    if not wait:
        return env, procs
    deadline, pause = time.monotonic() + timeout, 0.1
    while time.monotonic() < deadline:
        for proc, name in zip(procs, ("webserver", "daemon"), strict=True):
            if proc.poll() is not None:
                stop(procs)
                tail = (home / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the Dagster {name} exited with {proc.returncode}:\n{tail}")
        if location_loaded(port):
            return env, procs
        time.sleep(pause)
        pause = min(2.0, pause * 2)
    stop(procs)
    raise RuntimeError(f"the Dagster code location did not load within {timeout:.0f} s")


def stop(procs: list[subprocess.Popen]) -> None:
    """SIGTERM to each process group, SIGKILL after 20 s."""
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
