"""Fixtures shared by every test tier: the bundled case study built ONCE per session by the real Dagster
pipeline, and the odd warehouses derived from it or generated (empty, only qualitative, one region,
synthetic).

Tests must not write to a shared warehouse: `_altered_case` copies the case study before changing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.case_study import CASE_STUDY, TODAY


@pytest.fixture(scope="session")
def case_study_run(tmp_path_factory: pytest.TempPathFactory):
    """The bundled case study, built once through the real Dagster pipeline into a temporary data dir
    (`RunSummary`; its `.warehouse` is the published DuckDB file)."""
    from pipelines.defs.resources import ImpactSettings
    from pipelines.defs.run import run_pipeline

    data_dir = tmp_path_factory.mktemp("case-data")
    shutil.copytree(CASE_STUDY, data_dir / "datasets" / CASE_STUDY.name)
    settings = ImpactSettings(
        data_dir=str(data_dir), warehouse=str(data_dir / "warehouse.duckdb"), today=TODAY
    )
    summary = run_pipeline(settings)
    assert summary.published, summary.error
    return summary


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The case study and the operator demo in one warehouse, as `make build` makes it (`impact demo`, then
    the build), once per session: {'data', 'warehouse', 'written' (write_demo's answer), 'orders'}."""
    import dagster as dg

    from pipelines.defs.orders_run import run_orders
    from pipelines.defs.resources import ImpactSettings
    from pipelines.defs.run import run_pipeline
    from pipelines.devtools.operator_demo import write_demo

    data = tmp_path_factory.mktemp("demo-data")
    shutil.copytree(CASE_STUDY, data / "datasets" / CASE_STUDY.name)
    written = write_demo(data)
    with dg.DagsterInstance.ephemeral() as instance:
        orders = run_orders(data, instance=instance)
    assert not orders["failed"], orders["failed"]
    warehouse = data / "warehouse.duckdb"
    summary = run_pipeline(ImpactSettings(data_dir=str(data), warehouse=str(warehouse), today=TODAY))
    assert summary.published, summary.error
    return {"data": data, "warehouse": warehouse, "written": written, "orders": orders}


@pytest.fixture(scope="session")
def case_warehouse(case_study_run) -> Path:
    """The published case-study warehouse file (read it; copy it before changing anything)."""
    return case_study_run.warehouse


def _altered_case(
    case_warehouse: Path, tmp_path_factory, name: str, *statements: str, figures_changed: bool = True
) -> Path:
    """A copy of the built case study with `statements` run on it; when figures changed, the stored views
    are recomputed to follow them."""
    from pipelines.warehouse.build import rematerialise

    path = tmp_path_factory.mktemp(name) / "warehouse.duckdb"
    shutil.copyfile(case_warehouse, path)
    with duckdb.connect(str(path)) as con:
        for statement in statements:
            con.execute(statement)
        if figures_changed:
            rematerialise(con)
    return path


@pytest.fixture(scope="session")
def empty_warehouse(tmp_path_factory) -> Path:
    from pipelines.warehouse.sqlfiles import create_tables, create_views

    path = tmp_path_factory.mktemp("empty") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        create_tables(con)
        create_views(con)
    return path


@pytest.fixture(scope="session")
def qualitative_warehouse(case_warehouse, tmp_path_factory) -> Path:
    """Only direction-only claims ('fell short of expectations'): no number to compare."""
    return _altered_case(
        case_warehouse,
        tmp_path_factory,
        "qualitative",
        "delete from figures where value is not null",
        "delete from events",
    )


@pytest.fixture(scope="session")
def older_warehouse(case_warehouse, tmp_path_factory) -> Path:
    """The case study as built by an older version: figure_counts without region_code, and another schema
    fingerprint (the dashboard's version notice tells the user to rebuild)."""
    return _altered_case(
        case_warehouse,
        tmp_path_factory,
        "older",
        "update build_info set schema_fingerprint = 'an older version'",
        "create table old_counts as select * exclude (region_code) from figure_counts",
        "drop table figure_counts",
        "alter table old_counts rename to figure_counts",
        figures_changed=False,
    )


@pytest.fixture(scope="session")
def single_region_warehouse(case_warehouse, tmp_path_factory) -> Path:
    return _altered_case(
        case_warehouse, tmp_path_factory, "single", "delete from figures where region_code <> 'US'"
    )


@pytest.fixture(scope="session")
def synthetic_warehouse(tmp_path_factory) -> Path:
    """Monthly data for 2 series x 250 countries: quarters can be rolled up."""
    from pipelines.devtools.synthetic import generate_warehouse

    path = tmp_path_factory.mktemp("synthetic") / "warehouse.duckdb"
    generate_warehouse(path, 480 * 300, seed=3, events=50)
    return path


@pytest.fixture(scope="session")
def many_claims_warehouse(tmp_path_factory) -> Path:
    """Twice the synthetic warehouse: more direction-only claims than the Evidence page shows as badges."""
    from pipelines.devtools.synthetic import generate_warehouse

    path = tmp_path_factory.mktemp("many_claims") / "warehouse.duckdb"
    generate_warehouse(path, 480 * 600, seed=5, events=20)
    return path
