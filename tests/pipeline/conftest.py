from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.defs.resources import ImpactSettings
from pipelines.defs.run import RunSummary, run_pipeline

REPO = Path(__file__).resolve().parents[2]
CASE_STUDY = REPO / "data" / "datasets" / "tiktok-2024"
TODAY = "2026-11-24"  # fixed so that future-date rules give the same answer on every day


@pytest.fixture(scope="session")
def case_study_run(tmp_path_factory: pytest.TempPathFactory) -> RunSummary:
    """The bundled case study, built once through the real Dagster pipeline into a temporary data dir."""
    data_dir = tmp_path_factory.mktemp("case-data")
    shutil.copytree(CASE_STUDY, data_dir / "datasets" / "tiktok-2024")
    settings = ImpactSettings(
        data_dir=str(data_dir), warehouse=str(data_dir / "warehouse.duckdb"), today=TODAY
    )
    summary = run_pipeline(settings)
    assert summary.published, summary.error
    return summary


@pytest.fixture
def dataset(tmp_path: Path):
    """A data dir with one dataset holding a valid sources file; returns a writer for more files."""
    folder = tmp_path / "datasets" / "test"
    folder.mkdir(parents=True)
    (folder / "sources.csv").write_text(
        "source_id,publisher,title,url,published_on,reliability\n"
        "s1,Example Press,A report,https://example.com/a,2024-03-01,press\n"
        "s2,Example Filing,Annual report,https://example.com/b,2025-04-30,filing\n"
    )

    def write(name: str, content: str | bytes) -> Path:
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        return path

    write.data_dir = tmp_path  # type: ignore[attr-defined]
    return write
