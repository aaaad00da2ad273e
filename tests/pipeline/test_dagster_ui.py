"""Fault 9 of issue 16: the Dagster UI after `make run` shows the build, warnings as warnings, and
"Materialize all" works.

- `impact run --record` (what `make build` runs) leaves a run, a materialisation of every warehouse asset and
  an evaluation of every check in DAGSTER_HOME; the two warning checks of the case study carry severity
  WARN (the UI's yellow warning tag), the blocking ones pass.
- Against a real webserver and daemon on 127.0.0.1: "Materialize all" of the warehouse group, sent as the UI
  sends it (GraphQL launchPipelineExecution of the implicit asset job), succeeds and publishes; its steps run
  in the run worker (no per-step processes: the 37 s of the report).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.assets import CORE_ASSETS
from pipelines.defs.checks import BLOCKING, CHECKS_SQL
from pipelines.defs.webserver import (
    check_executions,
    launch_materialize_all,
    location_loaded,
    run_status,
    run_timeline,
    start_dagster,
    stop,
)
from tests.helpers import CASE_STUDY, free_port, scaled, wait_until

WARNINGS = {"expectation_vintages_ordered", "expectations_published_after_period"}  # the case study's


@pytest.fixture
def case_study(tmp_path) -> Path:
    shutil.copytree(CASE_STUDY, tmp_path / "datasets" / CASE_STUDY.name)
    return tmp_path


def test_recorded_build_shows_in_dagster(case_study, monkeypatch):
    home = case_study / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    impact = Path(sys.executable).parent / "impact"
    cmd = [str(impact), "run", "--record", "--data-dir", str(case_study)]
    done = subprocess.run(
        [*cmd, "--warehouse", str(case_study / "w.duckdb")], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs()
        assert len(runs) == 1 and runs[0].status == dg.DagsterRunStatus.SUCCESS
        for asset in CORE_ASSETS:
            assert instance.get_latest_materialization_event(asset.key) is not None, asset.key
        key = dg.AssetKey("warehouse_build")
        for name in CHECKS_SQL:
            records = instance.event_log_storage.get_asset_check_execution_history(
                dg.AssetCheckKey(key, name), limit=1
            )
            evaluation = records[0].event.dagster_event.event_specific_data
            if name in WARNINGS:
                assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN, name
                # the culprits are named in the metadata, not only counted
                first = evaluation.metadata["first offending rows"].value
                assert 0 < len(first) <= 5 and evaluation.metadata["offending rows"].value >= len(first), name
            else:
                assert evaluation.passed, name


@pytest.mark.slow
def test_materialize_all_from_the_ui(case_study):
    port = free_port()
    _, procs = start_dagster(case_study, port, wait=False, timeout=scaled(900))
    home = case_study / "dagster_home"
    try:
        # /server_info answers only after the webserver's code server has imported the definitions (minutes
        # on a loaded 2-core machine, the daemon importing them too): wait for the location itself
        wait_until(
            lambda: location_loaded(port), 900, "the code location", alive=procs, log=home / "webserver.log"
        )
        run_id = launch_materialize_all(port)
        done = ("SUCCESS", "FAILURE", "CANCELED")
        status = wait_until(
            lambda: (s := run_status(port, run_id)) in done and s, 900, f"run {run_id}", alive=procs, most=1.0
        )
        checks = check_executions(port)
    finally:
        stop(procs)
    assert status == "SUCCESS"
    with duckdb.connect(str(case_study / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from figures").fetchone()[0] > 0
    for name, execution in checks.items():
        assert execution["runId"] == run_id
        severity = execution["evaluation"]["severity"]
        if name in WARNINGS:
            assert (execution["status"], severity) == ("FAILED", "WARN"), name  # yellow in the UI
        else:
            assert execution["status"] == "SUCCEEDED", name
            assert severity == ("ERROR" if name in BLOCKING else "WARN")
    timeline = run_timeline(case_study / "dagster_home", run_id)
    assert timeline["sum of step worker start-ups"] == 0  # one process: no step worker started
    assert len(timeline["steps"]) == len(CORE_ASSETS) + 1  # and the checks' step
