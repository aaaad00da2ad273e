from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.defs.resources import ImpactSettings
from pipelines.defs.run import RunSummary

from .helpers import TODAY


def settings_for(data_dir: Path, warehouse: Path) -> ImpactSettings:
    return ImpactSettings(data_dir=str(data_dir), warehouse=str(warehouse), today=TODAY)


@pytest.fixture(scope="session")
def published(case_study_run) -> RunSummary:
    """The bundled case study published once through the real Dagster pipeline (input set A); the same
    build as tests/conftest.py's `case_study_run`."""
    return case_study_run
