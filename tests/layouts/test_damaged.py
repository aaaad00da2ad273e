"""Damaged layouts and sheets: each bad cell or sheet gives a rejected row naming the file, the sheet and the
cell (`origin`), and the run still publishes the rest."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from tests.case_study import REPO, TODAY

ACME = REPO / "data" / "examples" / "datasets" / "acme-fpa"
WORKBOOK = "acme-fpa-fy2025.xlsx"
LAYOUT = "acme-fpa-fy2025.layout.toml"


def _copy(data_dir: Path, name: str, layout_edit=None, sheet_edit=None) -> None:
    """A copy of the FP&A example as dataset `name`, its layout and workbook changed; each copy keeps the
    layout's [source] table (ids are scoped to their dataset: a dataset cites its own sources)."""
    folder = data_dir / "datasets" / name
    folder.mkdir(parents=True)
    text = (ACME / LAYOUT).read_text()
    (folder / LAYOUT).write_text(layout_edit(text) if layout_edit else text)
    shutil.copy(ACME / WORKBOOK, folder / WORKBOOK)
    if sheet_edit:
        book = openpyxl.load_workbook(folder / WORKBOOK)
        sheet_edit(book["P&L"])
        book.save(folder / WORKBOOK)


@pytest.fixture(scope="module")
def damaged(tmp_path_factory) -> Path:
    from pipelines.defs.resources import ImpactSettings
    from pipelines.defs.run import run_pipeline

    data_dir = tmp_path_factory.mktemp("damaged")
    shutil.copytree(ACME, data_dir / "datasets" / "acme-fpa")
    _copy(
        data_dir,
        "unknown-column",
        layout_edit=lambda t: t.replace('column = "Account", map', 'column = "Acount", map'),
    )
    _copy(data_dir, "header-off-by-one", layout_edit=lambda t: t.replace("skip_rows = 3", "skip_rows = 2"))
    _copy(data_dir, "text-in-month", sheet_edit=lambda ws: ws.__setitem__("G7", "n/a"))
    _copy(data_dir, "merged-header", sheet_edit=lambda ws: ws.merge_cells("F4:G4"))
    _copy(data_dir, "broken-toml", layout_edit=lambda t: t.replace("shape = ", "shape == "))
    summary = run_pipeline(
        ImpactSettings(data_dir=str(data_dir), warehouse=str(data_dir / "w.duckdb"), today=TODAY)
    )
    assert summary.published, summary.error
    return summary.warehouse


def _rejected(warehouse: Path, dataset: str) -> pl.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(
            "select file, row_number, column_name, value, reason, suggestion, origin from rejected_rows "
            "where dataset = ? order by row_number",
            params=[dataset],
        ).pl()


def test_unknown_column_names_the_header_row_and_suggests(damaged):
    rows = _rejected(damaged, "unknown-column")
    assert rows.height == 1
    row = rows.row(0, named=True)
    assert row["file"] == f"datasets/unknown-column/{WORKBOOK}"
    assert row["origin"] == "'P&L'!A4:Q4" and row["value"] == "Acount"
    assert "column 'Acount' not found" in row["reason"] and "did you mean 'Account'" in row["suggestion"]


def test_header_row_off_by_one_names_the_row_read(damaged):
    rows = _rejected(damaged, "header-off-by-one")
    # every column the layout names is missing from the (blank) row 3 it was told to read
    assert set(rows["value"]) == {"Account", "Business unit", "Line type", "Scenario"}
    assert set(rows["origin"]) == {"'P&L'!A3:Q3"}
    assert rows["reason"].str.contains("check skip_rows|not found").all()
    assert rows["suggestion"].str.contains("check skip_rows and header_rows").all()


def test_text_in_a_month_column_rejects_that_cell_only(damaged):
    rows = _rejected(damaged, "text-in-month")
    # one rejected row (one cell); as for canonical files, each problem found on it is listed
    assert rows.select("origin", "column_name", "value").row(0) == ("'P&L'!G7", "value", "n/a")
    assert set(rows["origin"]) == {"'P&L'!G7"} and rows["row_number"].n_unique() == 1
    with duckdb.connect(str(damaged), read_only=True) as con:
        loaded = con.sql(
            "select rows_loaded, rows_rejected from loads where file like '%text-in-month%xlsx'"
        ).fetchall()
    assert loaded == [(180, 1)]  # G7 (Forecast, Jun-24) was empty: 180 good cells + the text cell


def test_merged_header_rejects_each_value_below_it(damaged):
    rows = _rejected(damaged, "merged-header")
    # column G holds a value in each of the 12 Actual and Budget rows and none in the Forecast rows
    assert rows.height == 12
    assert rows["origin"].to_list()[:2] == ["'P&L'!G5", "'P&L'!G6"]
    assert (
        rows["reason"]
        .str.contains("header cell 'P&L'!G4 above this value is part of merged cells F4:G4")
        .all()
    )


def test_broken_layout_rejects_the_file_and_the_rest_loads(damaged):
    rows = _rejected(damaged, "broken-toml")
    assert rows.select("row_number", "file").rows() == [(0, f"datasets/broken-toml/{WORKBOOK}")]
    assert "not valid TOML" in rows["reason"][0] and LAYOUT in rows["reason"][0]
    with duckdb.connect(str(damaged), read_only=True) as con:
        good = con.sql("select count(*) from figures where dataset = 'acme-fpa'").fetchall()[0][0]
    assert good == 180
