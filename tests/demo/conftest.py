"""The operator demo built once, as `make build` builds it: the case study plus the demo, one warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.defs.orders_run import run_orders
from pipelines.defs.resources import ImpactSettings
from pipelines.defs.run import run_pipeline
from pipelines.devtools.operator_demo import write_demo

CASE_STUDY = Path(__file__).resolve().parents[2] / "data" / "datasets" / "tiktok-2024"


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory, monkeypatch_module) -> dict:
    """DATA_DIR with the case study and the demo; the published warehouse; what write_demo returned."""
    data = tmp_path_factory.mktemp("demo-data")
    monkeypatch_module.setenv("DAGSTER_HOME", str(data / "dagster_home"))
    shutil.copytree(CASE_STUDY, data / "datasets" / CASE_STUDY.name)
    written = write_demo(data)
    orders = run_orders(data)
    assert not orders["failed"]
    warehouse = data / "warehouse.duckdb"
    summary = run_pipeline(ImpactSettings(data_dir=str(data), warehouse=str(warehouse), today="2026-01-15"))
    assert summary.published, summary.error
    return {"data": data, "warehouse": warehouse, "written": written, "orders": orders}


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture
def con(demo_build):
    with duckdb.connect(str(demo_build["warehouse"]), read_only=True) as connection:
        yield connection
