from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.defs.resources import ImpactSettings
from pipelines.defs.run import RunSummary, run_pipeline

from .helpers import TODAY, make_data_dir


def settings_for(data_dir: Path, warehouse: Path) -> ImpactSettings:
    return ImpactSettings(data_dir=str(data_dir), warehouse=str(warehouse), today=TODAY)


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> RunSummary:
    """The bundled case study published once through the real Dagster pipeline (input set A)."""
    data_dir = make_data_dir(tmp_path_factory.mktemp("published"))
    summary = run_pipeline(settings_for(data_dir, data_dir / "warehouse.duckdb"))
    assert summary.published, summary.error
    return summary
