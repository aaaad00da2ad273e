"""Warehouses for the dashboard tests: the case study, and odd ones (empty, only qualitative, one region)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.devtools.synthetic import generate_warehouse
from pipelines.warehouse.build import rematerialise
from pipelines.warehouse.sqlfiles import create_tables, create_views

REPO = Path(__file__).resolve().parents[2]
CASE_STUDY = REPO / "data" / "datasets" / "tiktok-2024"


def _altered_case(
    case_warehouse: Path, tmp_path_factory, name: str, *statements: str, figures_changed: bool = True
) -> Path:
    """A copy of the built case study with `statements` run on it; when figures changed, the stored views
    are recomputed to follow them."""
    path = tmp_path_factory.mktemp(name) / "warehouse.duckdb"
    shutil.copyfile(case_warehouse, path)
    with duckdb.connect(str(path)) as con:
        for statement in statements:
            con.execute(statement)
        if figures_changed:
            rematerialise(con)
    return path


@pytest.fixture(scope="session")
def case_warehouse(tmp_path_factory) -> Path:
    """The bundled case study, built by the real pipeline into a private folder."""
    from pipelines.defs.resources import ImpactSettings
    from pipelines.defs.run import run_pipeline

    root = tmp_path_factory.mktemp("case")
    shutil.copytree(CASE_STUDY, root / "datasets" / CASE_STUDY.name)
    summary = run_pipeline(ImpactSettings(data_dir=str(root), warehouse=str(root / "warehouse.duckdb")))
    assert summary.published, summary.error
    return root / "warehouse.duckdb"


@pytest.fixture(scope="session")
def empty_warehouse(tmp_path_factory) -> Path:
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
    """The case study as built before figure_counts had region_code."""
    return _altered_case(
        case_warehouse,
        tmp_path_factory,
        "older",
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
    path = tmp_path_factory.mktemp("synthetic") / "warehouse.duckdb"
    generate_warehouse(path, 480 * 300, seed=3, events=50)
    return path


@pytest.fixture(scope="session")
def many_claims_warehouse(tmp_path_factory) -> Path:
    """Twice the synthetic warehouse: more direction-only claims than the Evidence page shows as badges."""
    path = tmp_path_factory.mktemp("many_claims") / "warehouse.duckdb"
    generate_warehouse(path, 480 * 600, seed=5, events=20)
    return path


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright, for the browser tests (tests/dashboard/browser.py)."""
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
