"""Lines that share a figure's key (pipelines/ingest/combine.py) on small canonical files: what adds, what
cannot, rows with their own figure_id, and lines of one source in two files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from pipelines.ingest.assemble import load_all

TODAY = date(2026, 11, 29)
HEADER = "figure_id,entity,metric,region,period,kind,value,value_high,bound,unit,as_of,source_id,note\n"


def _load(tmp_path: Path, files: dict[str, str], toml: str | None = 'combine = "sum"\n'):
    folder = tmp_path / "datasets" / "d"
    folder.mkdir(parents=True)
    (folder / "sources.csv").write_text(
        "source_id,publisher,published_on\ns,Ledger,2025-01-31\nt,Other,2025-01-31\n"
    )
    for name, rows in files.items():
        (folder / name).write_text(HEADER + rows)
    if toml:
        (folder / "dataset.toml").write_text(toml)
    result = load_all(tmp_path, TODAY)
    figures = result.tables["figures"].sort("row_number")
    rejected = result.rejected.filter(pl.col("row_number") > 0).sort("file", "row_number")
    return result.loads.filter(pl.col("input_kind") == "figures").sort("file"), figures, rejected


def test_bounds_and_ranges_add_up_and_the_sum_says_so(tmp_path):
    loads, figures, rejected = _load(
        tmp_path,
        {
            "figures.csv": ",Acme,revenue,US,2024-01,actual,10,,,USD m,,s,Sales\n"
            ",Acme,revenue,US,2024-01,actual,5,,approx,USD m,,s,Ops\n"
            ",Acme,revenue,US,2024-02,actual,10,12,,USD m,,s,\n"
            ",Acme,revenue,US,2024-02,actual,3,,,USD m,,s,\n"
            ",Acme,revenue,US,2024-03,budget,10,,at_least,USD m,2023-12-01,s,\n"
            ",Acme,revenue,US,2024-03,budget,4,,at_least,USD m,2023-12-01,s,\n"
        },
    )
    got = {r["period"]: r for r in figures.iter_rows(named=True)}
    assert (got["2024-01"]["value_raw"], got["2024-01"]["bound"]) == (15, "approx")  # exact + approx
    assert got["2024-01"]["note"] == "sum of 2 lines: rows 1, 2: Sales; Ops"
    assert (got["2024-02"]["value_raw"], got["2024-02"]["value_high_raw"]) == (13, 15)  # a range + 3
    assert (got["2024-03"]["value_raw"], got["2024-03"]["bound"]) == (14, "at_least")
    assert got["2024-01"]["value"] == 15e6 and rejected.is_empty()
    assert loads.select("rows_in", "rows_loaded", "rows_combined").row(0) == (6, 3, 3)


def test_lines_that_cannot_be_added_are_each_refused(tmp_path):
    _, figures, rejected = _load(
        tmp_path,
        {
            "figures.csv": ",Acme,revenue,US,2024-01,actual,10,,,USD m,,s,\n"
            ",Acme,revenue,US,2024-01,actual,5,,,USD k,,s,\n"
            ",Acme,revenue,US,2024-02,actual,10,,at_least,USD m,,s,\n"
            ",Acme,revenue,US,2024-02,actual,3,,at_most,USD m,,s,\n"
        },
    )
    assert figures.is_empty() and rejected["row_number"].to_list() == [1, 2, 3, 4]
    assert all("cannot be added" in r for r in rejected["reason"])
    assert "with row(s) 2" in rejected["reason"][0]


def test_rows_with_their_own_id_are_figures_of_their_own_unless_combined(tmp_path):
    """An original and a revised target reported in one article (the case study's T01 and T02)."""
    rows = "T1,Acme,revenue,US,2024,target,12,,,USD bn,,s,original\nT2,Acme,revenue,US,2024,target,10,,,USD bn,,s,revised\n"
    _, figures, rejected = _load(tmp_path / "own", {"figures.csv": rows}, toml=None)
    assert figures["figure_id"].to_list() == ["T1", "T2"] and rejected.is_empty()
    _, figures, _ = _load(tmp_path / "combined", {"figures.csv": rows})
    assert figures.select("figure_id", "value_raw").row(0) == ("T1", 22)  # the dataset says lines are parts


def test_identical_lines_are_parts_when_combined_and_duplicates_when_not(tmp_path):
    rows = ",Acme,rent,US,2024-01,budget,650,,,USD,2023-12-01,s,\n" * 2
    _, figures, rejected = _load(tmp_path / "combined", {"figures.csv": rows})
    assert figures["value_raw"].to_list() == [1300] and rejected.is_empty()  # two departments' 650
    _, figures, rejected = _load(tmp_path / "plain", {"figures.csv": rows}, toml=None)
    assert figures["value_raw"].to_list() == [650] and "duplicate figure" in rejected["reason"][0]


def test_lines_of_one_source_in_two_files_are_refused_in_the_later_file(tmp_path):
    loads, figures, rejected = _load(
        tmp_path,
        {
            "figures-a.csv": ",Acme,rent,US,2024-01,budget,650,,,USD,2023-12-01,s,\n",
            "figures-b.csv": ",Acme,rent,US,2024-01,budget,700,,,USD,2023-12-01,s,\n"
            ",Acme,rent,US,2024-01,budget,700,,,USD,2023-12-01,t,another source\n",
        },
    )
    assert figures.select("file", "value_raw", "source_id").rows() == [
        ("datasets/d/figures-a.csv", 650, "s"),
        ("datasets/d/figures-b.csv", 700, "t"),  # another source: a disagreement, shown as today
    ]
    (refused,) = rejected.iter_rows(named=True)
    assert refused["file"] == "datasets/d/figures-b.csv" and refused["row_number"] == 1
    assert "as row 1 of datasets/d/figures-a.csv" in refused["reason"] and "one file" in refused["suggestion"]
    assert loads["rows_rejected"].to_list() == [0, 1]
