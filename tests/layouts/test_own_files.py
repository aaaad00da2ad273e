"""Issue 23, own spreadsheets: a new user's wide regional budget (.xlsx, EUR thousands, a region column, a
scenario column, a total row, a custom region) and a German Excel `;` CSV (a title line above the header,
decimal commas, Windows-1252). Each test failed on the code before the fix: the guess took the Region column
for the metric, the CSV read as one column, and the cp1252 export was refused."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.ingest.layouts.guess import guess_layout
from pipelines.ingest.layouts.preview import preview
from pipelines.ingest.layouts.upload import check_upload
from pipelines.ingest.readers import decode_text, sniff_delimiter

OWN = Path(__file__).resolve().parents[1] / "data" / "own-files"
BUDGET, CSV = "regional-budget-2026.xlsx", "umsatzplanung-2026.csv"
TODAY = date(2026, 11, 29)


def _folder(tmp_path: Path, *names: str) -> Path:
    for name in names:
        shutil.copy(OWN / name, tmp_path / name)
    return tmp_path


def _guessed_preview(folder: Path, name: str):
    layout = folder / (Path(name).stem + ".layout.toml")
    layout.write_text(guess_layout(folder / name, today=TODAY), encoding="utf-8")
    return layout.read_text(), preview(folder / name, layout, folder / "no-data-dir", TODAY)


def test_the_wide_budget_guess_loads_as_guessed(tmp_path):
    text, shown = _guessed_preview(_folder(tmp_path, BUDGET, "regions.csv"), BUDGET)
    assert 'region = { column = "Region", map = { "Total" = "CORE4" } }' in text
    assert 'metric = { value = "revenue" }' in text
    assert 'kind = { column = "Scenario", map = { "Actual" = "actual", "Budget" = "budget" } }' in text
    assert 'unit = { value = "EUR" }' in text and 'scale = "thousands"' in text
    assert (
        'published_on = "2026-01-15"  # the date written in the title' in text
    )  # 'Prepared ..., 15 January 2026'
    assert shown.rejected.height == 0, shown.rejected
    assert shown.rows_in == 35 and shown.rows.height == 35  # 5 regions x (4 budget + 3 actual quarters)
    assert set(shown.rows["metric"]) == {"revenue"}
    assert set(shown.rows["region_code"]) == {"DE", "FR", "AT", "NORDICS", "CORE4"}
    total = shown.rows.filter((pl.col("region_code") == "CORE4") & (pl.col("period") == "2026-Q1"))
    assert sorted(total["value_raw"]) == [2785.0, 2810.0]  # the total row is the parent, not skipped


def test_without_a_declared_whole_the_total_row_is_skipped_not_loaded_as_world(tmp_path):
    text, shown = _guessed_preview(_folder(tmp_path, BUDGET), BUDGET)
    assert 'region = { column = "Region" }' in text and "skip_when" in text
    assert "WORLD" not in set(shown.rows["region_code"])
    assert len(shown.skipped) == 2


def test_a_semicolon_csv_with_a_title_line_in_cp1252_loads_as_guessed(tmp_path):
    data = (OWN / CSV).read_bytes()
    assert decode_text(data)[1] == "cp1252" and "Österreich" in decode_text(data)[0]
    assert check_upload(CSV, data) == CSV  # refused as 'not UTF-8' before
    assert sniff_delimiter(decode_text(data)[0]) == ";"
    text, shown = _guessed_preview(_folder(tmp_path, CSV), CSV)
    assert "skip_rows = 1" in text and 'decimal = ","' in text
    # the sheet states no date: the source's date is left to fill in, and refused until it is (never the
    # day of the guess)
    assert f'published_on = "{TODAY.isoformat()}"' not in text and 'published_on = "CHANGE ME"' in text
    assert (
        shown.rows.height == 0
        and "source.published_on: the date the sheet was issued" in shown.rejected["reason"][0]
    )
    layout = tmp_path / "umsatzplanung-2026.layout.toml"
    layout.write_text(
        text.replace('published_on = "CHANGE ME"', 'published_on = "2026-01-20"'), encoding="utf-8"
    )
    shown = preview(tmp_path / CSV, layout, tmp_path / "no-data-dir", TODAY)
    assert shown.rejected.height == 0, shown.rejected
    assert shown.rows.height == 21
    de_q2 = shown.rows.filter((pl.col("region_code") == "DE") & (pl.col("period") == "2026-Q2"))
    assert sorted(de_q2["value_raw"]) == [1312.5, 1315.8]  # decimal commas, not 13125


def test_the_delimiter_is_found_past_a_title_and_inside_quotes():
    assert sniff_delimiter("Report, 2026\na;b;c\n1,5;2;3\n") == ";"
    assert sniff_delimiter('a,b,c\n"x;y",1,2\n') == ","
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"
    assert sniff_delimiter("one column\nDE\n") == ","


def test_formula_cells_without_a_saved_result_are_named_not_counted_empty(tmp_path):
    import openpyxl

    folder = _folder(tmp_path, "regions.csv")
    book = openpyxl.load_workbook(OWN / BUDGET)
    book["Budget"]["F5"] = "=E5*1.05"  # openpyxl writes formulas without results
    book["Budget"]["F7"] = "=SUM(C7:E7)/3"
    book.save(folder / BUDGET)
    layout = folder / "regional-budget-2026.layout.toml"
    layout.write_text(guess_layout(OWN / BUDGET, today=TODAY).replace("# Proposed", "# Reused"))
    # the guess read beside the original (with regions.csv); the modified workbook is read through it
    shutil.copy(OWN / "regions.csv", folder / "regions.csv")
    shown = preview(folder / BUDGET, layout, folder / "no-data-dir", TODAY)
    named = {r["origin"]: r for r in shown.rejected.iter_rows(named=True)}
    assert set(named) == {"Budget!F5", "Budget!F7"}, shown.rejected
    assert named["Budget!F5"]["value"] == "=E5*1.05"
    assert "no saved result" in named["Budget!F5"]["reason"]
    assert shown.empty_cells == 5  # the five empty Q4 actuals only; before: 7, and nothing rejected
    assert shown.rows.height == 33
