"""The `impact` command line as a user runs it: exit codes and what it prints."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pipelines.cli.main import main

from .conftest import CASE_STUDY

HEADER = "figure_id,entity,metric,region,period,kind,value,unit,source_id\n"


def _dataset(tmp_path: Path, figures: str) -> Path:
    folder = tmp_path / "datasets" / "d"
    folder.mkdir(parents=True)
    (folder / "sources.csv").write_text("source_id,publisher,published_on\ns1,Press,2025-01-15\n")
    (folder / "figures.csv").write_text(HEADER + figures)
    return folder


def test_validate_passes_clean_files(tmp_path: Path) -> None:
    folder = _dataset(tmp_path, "f1,Acme,revenue,US,2024,actual,1,USD bn,s1\n")
    result = CliRunner().invoke(main, ["validate", str(folder / "figures.csv"), "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 valid, 0 rejected" in result.output
    assert "1 row, 1 valid" in result.output and "1 rows" not in result.output  # issue 16, fault 5


def test_validate_prints_file_row_column_reason_and_fails(tmp_path: Path) -> None:
    folder = _dataset(
        tmp_path,
        "f1,Acme,revenue,US,2024,actual,1,USD bn,s1\nf2,Acme,revenue,Germny,2024-Q5,actual,x,USD bn,s1\n",
    )
    result = CliRunner().invoke(main, ["validate", str(folder), "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(
        line.endswith(
            "figures.csv:2: value: value 'x' is not a number (write a number such as 17.5 or 1,234.5; "
            "put the currency and scale in unit)"
        )
        for line in lines
    ), lines
    assert any(":2: region: unknown region 'Germny'" in line and "DE" in line for line in lines), lines
    # one problem, one message: the suggestion is not repeated inside the reason
    (period,) = [line for line in lines if ":2: period:" in line]
    assert period.count("quarters run Q1-Q4") == 1, period
    assert any(":2: period:" in line and "2024-Q5" in line for line in lines), lines
    # nothing was written anywhere
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_validate_reports_an_unreadable_file(tmp_path: Path) -> None:
    folder = _dataset(tmp_path, "")
    (folder / "events.csv").write_bytes(b"\x00\x01\x02garbage")
    result = CliRunner().invoke(main, ["validate", str(folder / "events.csv"), "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "events.csv:0: binary content" in result.output


def test_run_then_sql_in_every_format(tmp_path: Path) -> None:
    shutil.copytree(CASE_STUDY, tmp_path / "datasets" / "cs")
    warehouse = tmp_path / "w.duckdb"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli.main",
            "run",
            "--data-dir",
            str(tmp_path),
            "--warehouse",
            str(warehouse),
            "--today",
            "2026-11-24",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "rows in: 170   loaded: 170   rejected: 0" in run.stdout
    assert f"published: {warehouse}" in run.stdout
    query = "select figure_id, value from figures where figure_id in ('G13', 'G24') order by 1"
    runner = CliRunner()
    as_json = runner.invoke(main, ["sql", query, "--warehouse", str(warehouse), "--format", "json"])
    assert json.loads(as_json.output) == [
        {"figure_id": "G13", "value": 17.5e9},
        {"figure_id": "G24", "value": 8.5e9},
    ]
    as_csv = runner.invoke(main, ["sql", query, "--warehouse", str(warehouse), "--format", "csv"])
    assert as_csv.output.splitlines() == ["figure_id,value", "G13,17500000000.0", "G24,8500000000.0"]
    refused = runner.invoke(main, ["sql", "delete from figures", "--warehouse", str(warehouse)])
    assert refused.exit_code != 0 and "only SELECT" in refused.output


def test_run_exits_non_zero_when_nothing_can_be_published(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the warehouse folder should be")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli.main",
            "run",
            "--data-dir",
            str(tmp_path),
            "--warehouse",
            str(blocked / "w.duckdb"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "NOT published" in result.stdout
