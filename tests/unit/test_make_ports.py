"""Issue 23: `make run` had no way to choose ports (8501 and 3000 taken: no way round but the CLI)."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _dry_run(*args: str) -> str:
    done = subprocess.run(["make", "-n", *args], cwd=REPO, capture_output=True, text=True, check=True)
    return done.stdout


def test_make_run_takes_other_ports():
    assert "impact serve --port 8600 --dagster-port 3100" in _dry_run("run", "PORT=8600", "DAGSTER_PORT=3100")
    assert "impact serve --port 8501 --dagster-port 3000" in _dry_run("run")
    assert "impact dashboard --port 8600" in _dry_run("dashboard", "PORT=8600")


def test_the_readme_says_how():
    readme = (REPO / "README.md").read_text()
    assert "make run PORT=8600 DAGSTER_PORT=3100" in readme
    assert "## Bring your own spreadsheet" in readme
