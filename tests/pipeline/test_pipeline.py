"""The Dagster pipeline end to end: materialise, check, publish atomically, stay idempotent."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.assets import CORE_ASSETS
from pipelines.defs.checks import WAREHOUSE_CHECKS
from pipelines.defs.definitions import defs
from pipelines.defs.resources import ImpactSettings
from pipelines.defs.run import run_pipeline
from pipelines.warehouse import build as warehouse

from .conftest import CASE_STUDY, TODAY


def test_definitions_load_with_every_asset_and_check() -> None:
    repo = defs.get_repository_def()
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    assert {
        "input_files",
        "reference_data",
        "sources",
        "figures",
        "events",
        "normalised_facts",
        "warehouse_build",
        "published_warehouse",
    } <= keys
    check_names = {k.name for k in repo.asset_graph.asset_check_keys}
    assert {"unique_keys", "every_figure_has_a_source", "rows_in_equals_loaded_plus_rejected"} <= check_names


def test_materialize_publishes_a_checked_warehouse(case_study_run) -> None:
    assert case_study_run.published
    assert not case_study_run.failed_blocking
    assert {name for name, passed, _, _ in case_study_run.checks if passed} >= {
        "unique_keys",
        "known_regions_metrics_entities",
        "every_figure_has_a_source",
        "rows_in_equals_loaded_plus_rejected",
    }
    with duckdb.connect(str(case_study_run.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from figures").fetchone()[0] == 96
        assert con.execute("select sum(rows_rejected)::int from loads").fetchone()[0] == 0
        assert con.execute("select count(*) from build_info").fetchone()[0] == 1
    # no half-built files left behind
    assert [p.name for p in case_study_run.warehouse.parent.glob("warehouse.duckdb*")] == ["warehouse.duckdb"]


def test_dagster_materialize_directly(tmp_path: Path) -> None:
    shutil.copytree(CASE_STUDY, tmp_path / "datasets" / "cs")
    target = tmp_path / "out" / "w.duckdb"
    result = dg.materialize(
        [*CORE_ASSETS, *WAREHOUSE_CHECKS],
        resources={"settings": ImpactSettings(data_dir=str(tmp_path), warehouse=str(target), today=TODAY)},
    )
    assert result.success
    assert Path(result.output_for_node("published_warehouse")) == target
    evaluations = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert evaluations["unique_keys"] and evaluations["rows_in_equals_loaded_plus_rejected"]


def _snapshot(path: Path) -> dict[str, list]:
    queries = {
        "figures": "select * exclude (file, dataset) from figures order by figure_id",
        "ave": "select * from actual_vs_expectation order by all",
        "rejected": "select * from rejected_rows order by all",
        "loads": "select file, content_hash, status, rows_in, rows_loaded, rows_rejected from loads order by file",
    }
    with duckdb.connect(str(path), read_only=True) as con:
        return {k: con.execute(q).fetchall() for k, q in queries.items()}


def test_two_runs_on_the_same_inputs_give_identical_results(tmp_path: Path, case_study_run) -> None:
    shutil.copytree(CASE_STUDY, tmp_path / "datasets" / "tiktok-2024")
    settings = ImpactSettings(data_dir=str(tmp_path), warehouse=str(tmp_path / "w.duckdb"), today=TODAY)
    assert run_pipeline(settings).published
    first = _snapshot(tmp_path / "w.duckdb")
    # the same file dropped into another dataset adds nothing
    (tmp_path / "datasets" / "copy").mkdir()
    shutil.copy(CASE_STUDY / "figures.csv", tmp_path / "datasets" / "copy" / "figures.csv")
    assert run_pipeline(settings).published
    second = _snapshot(tmp_path / "w.duckdb")
    assert second["figures"] == first["figures"]
    assert second["ave"] == first["ave"]
    assert "datasets/copy/figures.csv" in {row[0] for row in second["loads"]}


def test_a_reader_holding_the_old_file_does_not_block_publishing(tmp_path: Path) -> None:
    shutil.copytree(CASE_STUDY, tmp_path / "datasets" / "cs")
    settings = ImpactSettings(data_dir=str(tmp_path), warehouse=str(tmp_path / "w.duckdb"), today=TODAY)
    assert run_pipeline(settings).published
    reader = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        before = reader.execute("select built_at from build_info").fetchone()[0]
        (tmp_path / "datasets" / "cs" / "figures.csv").unlink()  # every figure gone: on purpose
        assert run_pipeline(ImpactSettings(**{**settings.model_dump(), "allow_shrink": True})).published
        # the old connection keeps its consistent snapshot; a new process sees the new build (within this
        # process DuckDB would hand back the cached instance of the old file while `reader` is open)
        assert reader.execute("select count(*) from figures").fetchone()[0] == 96
        assert reader.execute("select built_at from build_info").fetchone()[0] == before
        probe = (
            "import duckdb,sys; print(duckdb.connect(sys.argv[1], read_only=True).execute("
            "'select count(*) from figures').fetchone()[0])"
        )
        out = subprocess.run(
            [sys.executable, "-c", probe, str(tmp_path / "w.duckdb")],
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == "0"
    finally:
        reader.close()


def test_stale_half_built_files_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "w.duckdb"
    stale = tmp_path / "w.duckdb.building-999999999-0"
    stale.write_bytes(b"half a file")
    assert warehouse.remove_stale_builds(target) == [stale]
    assert not stale.exists()


def test_a_failed_build_leaves_the_published_file_untouched(tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(CASE_STUDY, tmp_path / "datasets" / "cs")
    settings = ImpactSettings(data_dir=str(tmp_path), warehouse=str(tmp_path / "w.duckdb"), today=TODAY)
    assert run_pipeline(settings).published
    good = (tmp_path / "w.duckdb").read_bytes()

    def broken(con):
        raise RuntimeError("a view failed to build")

    monkeypatch.setattr(warehouse, "create_views", broken)
    summary = run_pipeline(settings)
    assert not summary.published
    assert (tmp_path / "w.duckdb").read_bytes() == good
    assert not list(tmp_path.glob("w.duckdb.building-*"))


@pytest.mark.parametrize("suffix", ["parquet", "jsonl", "xlsx"])
def test_every_accepted_file_type_loads_the_same_rows(tmp_path: Path, suffix: str) -> None:
    import polars as pl

    from pipelines.ingest.assemble import load_all

    folder = tmp_path / "datasets" / "cs"
    folder.mkdir(parents=True)
    for kind in ("sources", "figures", "events", "regions"):
        frame = pl.read_csv(CASE_STUDY / f"{kind}.csv", infer_schema=False)
        path = folder / f"{kind}.{suffix}"
        {"parquet": frame.write_parquet, "jsonl": frame.write_ndjson, "xlsx": frame.write_excel}[suffix](path)
    from datetime import date

    result = load_all(tmp_path, today=date.fromisoformat(TODAY))
    assert result.summary()["rows_rejected"] == 0, result.rejected.head(5).to_dicts()
    assert result.tables["figures"].height == 96
    assert result.tables["events"].height == 19
