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
