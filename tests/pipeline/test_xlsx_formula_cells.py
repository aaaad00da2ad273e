"""Issue 23: an .xlsx formula cell without a cached value (openpyxl, pandas and other programs that do not
calculate write formulas so) was counted as an empty cell. Such a cell is a rejected row naming the file,
the sheet, the cell and the reason 'formula without a cached value (open and save in Excel)'."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from pipelines.ingest import assemble as load
from pipelines.ingest.readers import read_table

HEADER = ["entity", "metric", "region", "period", "kind", "value", "unit", "source_id"]
REASON = "formula without a cached value (open and save in Excel)"


def workbook(path: Path) -> Path:
    book = openpyxl.Workbook()  # openpyxl saves formulas without a cached result
    sheet = book.active
    sheet.title = "Budget"
    sheet.append(HEADER)
    sheet.append(["Shop", "revenue", "GB", "2024-Q1", "actual", 110, "GBP m", "books"])
    sheet.append(["Shop", "revenue", "GB", "2024-Q2", "actual", "=F2*1.05", "GBP m", "books"])
    sheet.append(["Shop", "revenue", "GB", "2024-Q3", "actual", 120, "GBP m", "books"])
    book.save(path)
    return path


def test_the_reader_names_sheet_cell_formula_and_reason(tmp_path):
    raw = read_table(workbook(tmp_path / "figures.xlsx"))
    (bad,) = raw.bad_rows
    assert (bad.row, bad.origin, bad.column, bad.value) == (2, "Budget!F3", "value", "=F2*1.05")
    assert bad.reason.startswith(f"{REASON}: Budget!F3 (=F2*1.05)")
    assert raw.frame.height == 2 and raw.origins() == {2: "Budget!F3"}


def test_a_load_rejects_the_row_with_file_sheet_cell_and_reason(tmp_path):
    folder = tmp_path / "datasets" / "shop"
    folder.mkdir(parents=True)
    (folder / "sources.csv").write_text(
        "source_id,publisher,published_on\nbooks,Shop accounting,2024-10-15\n"
    )
    workbook(folder / "figures.xlsx")
    result = load.load_all(tmp_path, today=date(2026, 11, 29))
    assert sorted(result.tables["figures"]["period"]) == ["2024-Q1", "2024-Q3"]  # never an empty or 0 value
    (row,) = result.rejected.iter_rows(named=True)
    assert row["file"] == "datasets/shop/figures.xlsx" and row["row_number"] == 2
    assert row["column_name"] == "value" and row["value"] == "=F2*1.05"
    assert REASON in row["reason"] and "Budget!F3" in row["reason"]
    assert "open and save" in row["suggestion"]
