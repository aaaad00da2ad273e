from __future__ import annotations

from pathlib import Path

import pytest

from tests.case_study import CASE_STUDY, TODAY  # noqa: F401  (used by this tier's tests)


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
