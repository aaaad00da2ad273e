"""Ids are scoped to their dataset, and so is every citation: two datasets that use one source id (and one
figure id) for different sources and figures each keep their own publisher on every page's read model, and an
expectation of one dataset is not counted as compared because another dataset's figure of the same id was
(it would vanish from unmatched_expectations: a plan compared with nothing and no word of it)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build

SOURCES = "source_id,publisher,title,url,published_on,originally_reported_by,reliability,note\nreport,{pub},,,2024-05,,company,\n"
HEADER = (
    "figure_id,entity,metric,region,period,kind,value,value_high,bound,unit,direction,as_of,source_id,note\n"
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    root = tmp_path_factory.mktemp("citations")
    a, b = root / "datasets" / "alpha", root / "datasets" / "beta"
    for folder, pub in ((a, "Alpha Research"), (b, "Beta Internal")):
        folder.mkdir(parents=True)
        (folder / "sources.csv").write_text(SOURCES.format(pub=pub))
    (a / "figures.csv").write_text(
        HEADER
        + "F1,Acme,revenue,US,2024-Q1,actual,100,,,USD m,,2024-04-30,report,\n"
        + "F2,Acme,revenue,US,2024-Q1,target,110,,,USD m,,2024-01-15,report,\n"
        + "F3,Acme,revenue,US,2024-Q1,target,105,,,USD m,,2024-02-15,report,\n"
    )
    # beta: an actual of its own (same ids, another business), and a plan for a quarter with no actual
    (b / "figures.csv").write_text(
        HEADER
        + "F1,Bolt,revenue,US,2024-Q1,actual,200,,,USD m,,2024-04-30,report,\n"
        + "F2,Bolt,revenue,US,2024-Q2,target,210,,,USD m,,2024-01-15,report,\n"
        + "F3,Bolt,revenue,US,2024-Q1,target,190,,,USD m,,2024-01-20,report,\n"
    )
    path = build(load_all(root, date(2026, 11, 29)), root / "w.duckdb", root)
    return duckdb.connect(str(path), read_only=True)


EXPECTED = {"Acme": "Alpha Research", "Bolt": "Beta Internal"}


def test_each_dataset_keeps_its_publisher_on_every_read(warehouse):
    con = warehouse
    assert dict(con.sql("select entity, publisher from serve_actuals").fetchall()) == EXPECTED
    assert set(con.sql("select distinct entity, publisher from serve_vintages").fetchall()) == set(
        EXPECTED.items()
    )
    pairs = con.sql("select distinct entity, actual_publisher, expectation_publisher from serve_comparisons")
    assert {(e, a, x) for e, a, x in pairs.fetchall()} == {(e, p, p) for e, p in EXPECTED.items()}
    assert set(con.sql("select distinct entity, publisher from expectation_errors").fetchall()) == set(
        EXPECTED.items()
    )
    bridge = con.sql(
        "select distinct b.entity, s.publisher from expectation_bridge as b"
        " join cited_sources as s on s.dataset = b.dataset and s.source_id = b.source_id"
    ).fetchall()
    assert set(bridge) == set(EXPECTED.items())


def test_comparisons_carry_the_datasets_their_ids_belong_to(warehouse):
    rows = warehouse.sql(
        "select entity, actual_dataset, expectation_dataset from actual_vs_expectation group by all order by 1"
    ).fetchall()
    assert rows == [("Acme", "alpha", "alpha"), ("Bolt", "beta", "beta")]


def test_another_datasets_compared_figure_does_not_hide_an_unmatched_plan(warehouse):
    unmatched = warehouse.sql(
        "select entity, period, expectation_figure_ids from unmatched_expectations"
    ).fetchall()
    assert ("Bolt", "2024-Q2", ["F2"]) in unmatched
