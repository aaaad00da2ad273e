"""A data file in a dataset folder whose name says no input kind is named in the run, never skipped without
a word: a budget.csv dropped beside figures.csv left its plans compared with nothing, and nothing said so."""

from __future__ import annotations

from datetime import date

import duckdb

from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build

FIGURES = (
    "entity,metric,region,period,kind,value,unit,as_of,source_id\n"
    "Shop,revenue,GB,2024-Q1,actual,100,GBP m,2024-04-30,s\n"
)


def test_an_unnamed_data_file_is_listed_with_the_fix(tmp_path):
    d = tmp_path / "data" / "datasets" / "shop"
    d.mkdir(parents=True)
    (d / "sources.csv").write_text(
        "source_id,publisher,published_on,reliability\ns,Shop,2024-04-30,internal\n"
    )
    (d / "figures.csv").write_text(FIGURES)
    (d / "budget.csv").write_text(FIGURES.replace("actual,100", "budget,120"))
    (d / "budget-fy24.ods").write_bytes(b"PK")
    (d / "notes.txt").write_text("where the numbers come from")  # notes, not data: not listed
    (d / "README.md").write_text("# shop")
    (d / "~$budget.xlsx").write_bytes(b"lock")  # Excel's lock file beside an open workbook
    path = build(load_all(tmp_path / "data", date(2026, 11, 29)), tmp_path / "w.duckdb", tmp_path / "data")
    con = duckdb.connect(str(path), read_only=True)
    listed = con.sql(
        "select file, status, error from loads where status <> 'loaded' order by file"
    ).fetchall()
    assert [(f, s) for f, s, _ in listed] == [
        ("datasets/shop/budget-fy24.ods", "unreadable"),
        ("datasets/shop/budget.csv", "unreadable"),
    ]
    assert "rename it (figures-budget.csv) or put a layout beside it (budget.layout.toml" in listed[1][2]
    assert "'.ods' files are not read; save it as budget-fy24.xlsx" in listed[0][2]
    rejected = con.sql("select file, row_number from rejected_rows order by file").fetchall()
    assert rejected == [("datasets/shop/budget-fy24.ods", 0), ("datasets/shop/budget.csv", 0)]
    assert con.sql("select count(*) from figures").fetchall() == [(1,)]
