"""Issue 29, faults 1 and 3: a run never replaces a good warehouse with one that lost most of it, and a
read-only data folder gives a build (or one line), never a traceback.

Real `impact run` subprocesses on a copy of the case study.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb

from tests.case_study import CASE_STUDY

from .helpers import IMPACT, REPO

TODAY = "2026-11-29"


def _impact_run(data: Path, warehouse: Path, *extra: str, **kwargs) -> subprocess.CompletedProcess:
    args = [str(IMPACT), "run", "--data-dir", str(data), "--warehouse", str(warehouse), *extra]
    return subprocess.run(args, capture_output=True, text=True, cwd=REPO, timeout=300, **kwargs)


def _figures(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select count(*) from figures").fetchone()[0]


# fault 1: with --today in the past, 166 of 170 rows were rejected as "published in the future" and that
# build replaced the good warehouse, exit 0
def test_a_run_that_loses_most_figures_does_not_replace_the_published_warehouse(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(CASE_STUDY, data / "datasets" / CASE_STUDY.name)
    warehouse = tmp_path / "w.duckdb"
    good = _impact_run(data, warehouse, "--today", TODAY)
    assert good.returncode == 0, good.stdout + good.stderr
    figures, inode = _figures(warehouse), warehouse.stat().st_ino
    assert figures > 50

    past = _impact_run(data, warehouse, "--today", "2020-01-01")
    assert past.returncode == 1, past.stdout
    line = next(x for x in past.stdout.splitlines() if x.startswith("NOT published"))
    assert f"fewer than half of the {figures} in the published warehouse" in line
    assert "--allow-shrink" in line
    assert warehouse.stat().st_ino == inode and _figures(warehouse) == figures
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("w.duckdb")] == ["w.duckdb"]

    forced = _impact_run(data, warehouse, "--today", "2020-01-01", "--allow-shrink")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert _figures(warehouse) < figures / 2


def test_a_smaller_build_within_half_still_publishes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(CASE_STUDY, data / "datasets" / CASE_STUDY.name)
    warehouse = tmp_path / "w.duckdb"
    assert _impact_run(data, warehouse, "--today", TODAY).returncode == 0
    figures = _figures(warehouse)
    path = data / "datasets" / CASE_STUDY.name / "figures.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[: 1 + (len(lines) - 1) * 2 // 3]))  # a third of the rows removed
    done = _impact_run(data, warehouse, "--today", TODAY)
    assert done.returncode == 0, done.stdout + done.stderr
    assert figures / 2 <= _figures(warehouse) < figures


def _unprivileged(cmd: list[str]) -> list[str]:
    """Root ignores permission bits: run the command as `nobody` then (setpriv, util-linux)."""
    if os.geteuid() != 0:
        return cmd
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]


# fault 3: a read-only IMPACT_DATA_DIR made a plain `impact run` (ephemeral Dagster instance) stop with a
# PermissionError traceback from creating DATA_DIR/dagster_home
def test_a_read_only_data_dir_builds_to_a_writable_warehouse_or_says_which_folder() -> None:
    root = Path(tempfile.mkdtemp(prefix="impact-read-only-"))
    try:
        data, out = root / "data", root / "out"
        shutil.copytree(CASE_STUDY, data / "datasets" / CASE_STUDY.name)
        out.mkdir()
        for path in [root, *data.rglob("*"), data]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        out.chmod(0o777)
        env = {**os.environ, "HOME": str(out)}
        env.pop("DAGSTER_HOME", None)

        def run(warehouse: Path) -> subprocess.CompletedProcess:
            args = [
                str(IMPACT),
                "run",
                "--data-dir",
                str(data),
                "--warehouse",
                str(warehouse),
                "--today",
                TODAY,
            ]
            return subprocess.run(
                _unprivileged(args), capture_output=True, text=True, cwd=out, env=env, timeout=300
            )

        built = run(out / "w.duckdb")
        assert built.returncode == 0, built.stdout + built.stderr
        assert "Traceback" not in built.stderr and _figures(out / "w.duckdb") > 50
        assert sorted(p.name for p in data.iterdir()) == ["datasets"]  # nothing written under DATA_DIR

        refused = run(data / "w.duckdb")
        assert refused.returncode == 1 and "Traceback" not in refused.stdout + refused.stderr
        [line] = refused.stdout.strip().splitlines()  # one line, no checks that never ran
        assert line.startswith("NOT published (") and line.endswith(
            f"the warehouse folder {data} must be writable (the new warehouse is built beside the published "
            f"one): choose a writable --warehouse (IMPACT_WAREHOUSE); the last good warehouse stays at "
            f"{data / 'w.duckdb'}"
        )
    finally:
        for path in [root, *root.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(root)
