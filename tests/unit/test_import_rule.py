"""The import rule (docs/architecture.md): ruff's TID251 bans each framework outside its home folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).parent / "ruff"
SOURCE = "import dagster\nimport click\nimport streamlit\n"


def _banned(as_file: str) -> set[str]:
    """The frameworks ruff reports as banned in SOURCE when it is checked as if it were `as_file`."""
    result = subprocess.run(
        [str(RUFF), "check", "--select", "TID251", "--output-format", "concise", "--stdin-filename", as_file],
        input=SOURCE,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    return {name for name in ("dagster", "click", "streamlit") if f"`{name}` is banned" in result.stdout}


@pytest.mark.parametrize(
    ("as_file", "banned"),
    [
        ("pipelines/ingest/probe.py", {"dagster", "click", "streamlit"}),
        ("pipelines/warehouse/probe.py", {"dagster", "click", "streamlit"}),
        ("pipelines/settings.py", {"dagster", "click", "streamlit"}),
        ("pipelines/defs/probe.py", {"click", "streamlit"}),
        ("pipelines/cli/probe.py", {"dagster", "streamlit"}),
        ("dashboard/probe.py", {"dagster", "click"}),
        ("dashboard/app_pages/probe.py", {"dagster", "click"}),
    ],
)
def test_each_framework_is_banned_outside_its_home(as_file: str, banned: set[str]) -> None:
    assert _banned(as_file) == banned


DASHBOARD_PARTS = (
    "from dashboard.charts import scorecard\nimport dashboard.data\nfrom dashboard.sections import tiles\n"
)


def _banned_parts(as_file: str) -> list[str]:
    """The imports of DASHBOARD_PARTS (by what they import) ruff bans when checked as if it were `as_file`."""
    result = subprocess.run(
        [str(RUFF), "check", "--select", "TID251", "--output-format", "concise", "--stdin-filename", as_file],
        input=DASHBOARD_PARTS,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    lines = [int(line.split(":")[1]) for line in result.stdout.splitlines() if "is banned" in line]
    names = ["dashboard.charts", "dashboard.data", "dashboard.sections"]
    return [names[n - 1] for n in sorted(lines)]


@pytest.mark.parametrize(
    ("as_file", "banned"),
    [
        # nothing in pipelines/ imports dashboard/, in any folder (the framework homes included)
        ("pipelines/warehouse/probe.py", ["dashboard.charts", "dashboard.data", "dashboard.sections"]),
        ("pipelines/cli/probe.py", ["dashboard.charts", "dashboard.data", "dashboard.sections"]),
        ("pipelines/defs/probe.py", ["dashboard.charts", "dashboard.data", "dashboard.sections"]),
        # report/ is the bridge to the pure chart builders, and to nothing else of dashboard/
        ("report/probe.py", ["dashboard.data", "dashboard.sections"]),
        ("dashboard/sections/probe.py", []),
    ],
)
def test_only_the_report_package_reaches_the_chart_builders(as_file: str, banned: list[str]) -> None:
    assert _banned_parts(as_file) == banned


def test_the_report_package_has_no_framework() -> None:
    assert _banned("report/probe.py") == {"dagster", "click", "streamlit"}
