"""Proof: the same inputs give the same warehouse, and a file dropped twice loads once.

Compared: every documented view and every table, all rows ordered by all columns; only the columns that
record *when* a build happened (build_info.built_at, loads.loaded_at, loads.duration_ms, alerts.created_at)
and where its data dir was (build_info.data_dir) may differ.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.defs.run import run_pipeline

from .conftest import settings_for
from .helpers import REPO, VIEWS, make_data_dir

TABLES = sorted(p.stem for p in (REPO / "sql" / "tables").glob("*.sql"))
VOLATILE = {
    "build_info": {"built_at", "data_dir"},
    "loads": {"loaded_at", "duration_ms"},
    "alerts": {"created_at"},  # when the build that raised it ran
}


def _contents(warehouse: Path, relations: list[str]) -> dict[str, list[tuple]]:
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name in relations:
            columns = [
                c for c, *_ in con.execute(f"describe {name}").fetchall() if c not in VOLATILE.get(name, ())
            ]
            out[name] = con.execute(f"select {', '.join(columns)} from {name} order by all").fetchall()
    return out


@pytest.fixture(scope="module")
def second_run(published, tmp_path_factory: pytest.TempPathFactory):
    data_dir = make_data_dir(tmp_path_factory.mktemp("again"))
    summary = run_pipeline(settings_for(data_dir, data_dir / "warehouse.duckdb"))
    assert summary.published, summary.error
    return summary


def test_two_runs_on_the_same_inputs_give_identical_results(published, second_run) -> None:
    views = [p.stem for p in VIEWS]
    first = _contents(published.warehouse, views + TABLES)
    second = _contents(second_run.warehouse, views + TABLES)
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"these differ between two runs on the same inputs: {differing}"
    rows = sum(len(v) for v in first.values())
    print(
        f"\nidempotence: {len(views)} views and {len(TABLES)} tables, {rows} rows, identical across two runs"
    )


def test_the_same_file_dropped_twice_loads_once(published, tmp_path: Path) -> None:
    data_dir = make_data_dir(tmp_path)
    copy = data_dir / "datasets" / "tiktok-2024"  # dropped twice into the same dataset (ids are per dataset)
    for name in ("sources.csv", "figures.csv", "events.csv"):
        shutil.copy(data_dir / "datasets" / "tiktok-2024" / name, copy / f"{Path(name).stem}_copy.csv")
    summary = run_pipeline(settings_for(data_dir, data_dir / "warehouse.duckdb"))
    assert summary.published, summary.error

    views = [p.stem for p in VIEWS]
    facts = ["sources", "figures", "events", "regions", "entities", "metrics"]
    once = _contents(published.warehouse, views + facts)
    twice = _contents(summary.warehouse, views + facts)
    differing = [name for name in once if once[name] != twice[name]]
    assert not differing, f"a file dropped twice changed: {differing}"
    with duckdb.connect(str(summary.warehouse), read_only=True) as con:
        copies = con.execute(
            "select status, rows_loaded, error from loads where file like '%copy.csv' order by file"
        ).fetchall()
    assert [c[:2] for c in copies] == [("duplicate_file", 0)] * 3
    assert all("identical to datasets/tiktok-2024/" in c[2] for c in copies), copies
    print(f"\nidempotence: 3 files dropped twice (same dataset): loaded once, reported as {copies[0][2]!r}")
