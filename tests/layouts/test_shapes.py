"""The three shapes on small hand-made files: sheets named by scenario or year, long tables, exports that
are already compared, number conventions; each canonical row with its cell."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from pipelines.ingest.layouts.engine import read_with_layout
from pipelines.ingest.layouts.spec import load_layout

FIELDS = """
[fields]
entity = { value = "Acme" }
metric = { column = "Account", map = { "Sales" = "revenue" } }
region = { value = "GB" }
unit = { value = "GBP" }
source_id = { value = "s1" }
"""


def _layout(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "book.layout.toml"
    path.write_text(text)
    return path


def _rows(read) -> list[tuple]:
    return [(r.origin, r.fields["kind"], r.fields["period"], r.fields["value"]) for r in read.rows]


def test_actual_and_budget_sheets_name_the_kind(tmp_path):
    book = xlsxwriter.Workbook(tmp_path / "book.xlsx")
    for name, value in (("Actual", 10), ("Budget", 12), ("Notes", None)):
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, ["Account", "Jan 2024", "Feb 2024"])
        if value is not None:
            ws.write_row(1, 0, ["Sales", value, value + 1])
    book.close()
    layout = _layout(
        tmp_path,
        'shape = "wide"\nsheet = ["Actual", "Budget"]\n'
        + FIELDS
        + 'kind = { sheet = true, map = { Actual = "actual", Budget = "budget" } }\n',
    )
    read = read_with_layout(tmp_path / "book.xlsx", load_layout(layout))
    assert read.sheets == ["Actual", "Budget"]  # the Notes sheet is not read
    assert _rows(read) == [
        ("Actual!B2", "actual", "2024-01", "10"),
        ("Actual!C2", "actual", "2024-02", "11"),
        ("Budget!B2", "budget", "2024-01", "12"),
        ("Budget!C2", "budget", "2024-02", "13"),
    ]


def test_one_sheet_per_year_with_bare_month_headers(tmp_path):
    book = xlsxwriter.Workbook(tmp_path / "book.xlsx")
    for year in ("2023", "2024"):
        ws = book.add_worksheet(year)
        ws.write_row(0, 0, ["Account", "Jan", "Feb"])
        ws.write_row(1, 0, ["Sales", 1, 2])
    book.close()
    layout = _layout(
        tmp_path,
        'shape = "wide"\nsheet = "*"\n[periods]\nyear = { sheet = true }\n'
        + FIELDS
        + 'kind = { value = "actual" }\n',
    )
    read = read_with_layout(tmp_path / "book.xlsx", load_layout(layout))
    assert [r[2] for r in _rows(read)] == ["2023-01", "2023-02", "2024-01", "2024-02"]
    assert _rows(read)[2][0] == "'2024'!B2"  # a sheet name that is a number is quoted, as Excel does


def test_long_table_with_decimal_comma(tmp_path):
    (tmp_path / "book.csv").write_text(
        "Account;Period;Scenario;Amount\nSales;2024-01;Actual;1.234,5\nSales;2024-01;Budget;(1.000,0)\n"
    )
    layout = _layout(
        tmp_path,
        'shape = "long"\n[numbers]\ndecimal = ","\nthousands = "."\n'
        + FIELDS
        + 'period = { column = "Period" }\nkind = { column = "Scenario", map = { Actual = "actual", Budget = "budget" } }\nvalue = { column = "Amount" }\n',
    )
    read = read_with_layout(tmp_path / "book.csv", load_layout(layout))
    assert _rows(read) == [("D2", "actual", "2024-01", "1234.5"), ("D3", "budget", "2024-01", "-1000")]


def test_an_export_already_compared_reads_actual_and_budget_only(tmp_path):
    (tmp_path / "book.csv").write_text(
        "Account,Month,Actual,Budget,Over budget,% of budget\nSales,2024-03,110,100,10,110%\nSales,2024-04,,100,,\n"
    )
    layout = _layout(
        tmp_path,
        'shape = "side_by_side"\nignore_columns = ["Over budget", "% of budget"]\n'
        + FIELDS
        + 'period = { column = "Month" }\n[[values]]\ncolumn = "Actual"\nkind = "actual"\n'
        '[[values]]\ncolumn = "Budget"\nkind = "budget"\n',
    )
    read = read_with_layout(tmp_path / "book.csv", load_layout(layout))
    assert _rows(read) == [
        ("C2", "actual", "2024-03", "110"),
        ("D2", "budget", "2024-03", "100"),
        ("D3", "budget", "2024-04", "100"),
    ]
    assert (
        read.empty_cells == 1 and not read.problems
    )  # April's actual is not in yet: no figure, no rejection


def test_a_label_the_metric_map_misses_is_rejected_naming_its_cell(tmp_path):
    # '6100 Commissions' is a cost: passed through, it became a new metric compared as if more were better
    # (over budget read as favourable); the map is the layout's list of accounts, so a label it misses is refused
    book = xlsxwriter.Workbook(tmp_path / "book.xlsx")
    ws = book.add_worksheet("Budget")
    ws.write_row(0, 0, ["Account", "Jan 2024", "Feb 2024"])
    ws.write_row(1, 0, ["Sales", 10, 11])
    ws.write_row(2, 0, ["6100 Commissions", 3, 4])
    ws.write_row(3, 0, ["revenue", 5, 6])  # already a canonical value of the map: kept
    book.close()
    layout = _layout(tmp_path, 'shape = "wide"\n' + FIELDS + 'kind = { value = "budget" }\n')
    read = read_with_layout(tmp_path / "book.xlsx", load_layout(layout))
    assert [(r.origin, r.fields["metric"]) for r in read.rows] == [
        ("Budget!B2", "revenue"),
        ("Budget!C2", "revenue"),
        ("Budget!B4", "revenue"),
        ("Budget!C4", "revenue"),
    ]
    refused = read.problems
    assert [(p.origin, p.column, p.value) for p in refused] == [
        ("Budget!A3", "metric", "6100 Commissions"),
        ("Budget!A3", "metric", "6100 Commissions"),
    ]
    assert (
        "not in the layout's metric map" in refused[0].reason and "value cell Budget!B3" in refused[0].reason
    )
    assert refused[0].suggestion.startswith('add "6100 Commissions" = "<metric>" to the metric map')
