"""Spreadsheet cells as shown (pipelines/ingest/cell_formats.py): a number format is part of the value. The
cases, then a property over generated formats (the value as shown is the stored value times 100 per percent
sign, divided by 1,000 per scaling comma; a currency other than the dollar is named; nothing else changes it),
then the same through real .xlsx files written by xlsxwriter and read by both readers (layouts and the
canonical figures reader)."""

from __future__ import annotations

import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.ingest.cell_formats import Shown, describe, shown
from pipelines.ingest.layouts.grid import read_sheets
from pipelines.ingest.readers import read_table


@pytest.mark.parametrize(
    ("value", "fmt", "want"),
    [
        (0.734297, "0.0%", Shown(73.4297, "", "%")),  # NHS A&E sheets: shows 73.4 %
        (0.1, "0%", Shown(10, "", "%")),
        (-0.5, "0%;(0%)", Shown(-50, "", "%")),  # the negative section shows no minus sign; the value has one
        (1234567, "#,##0,", Shown(1234.567)),  # shows 1,235: the sheet is in thousands
        (2500000, '#,##0.0,,"M"', Shown(2.5)),  # shows 2.5M
        (1234.5, "#,##0.00", Shown(1234.5)),  # a grouping comma changes nothing
        (5, "[$€-407] #,##0.00", Shown(5, "€")),
        (5, '#,##0.00 "€"', Shown(5, "€")),
        (5, "£#,##0", Shown(5, "£")),
        (5, "[$USD] #,##0", Shown(5, "USD ")),
        (5, "$#,##0.00", Shown(5)),  # a dollar sign alone names no currency (US, CAD, AUD ... dollars)
        (5, "[Red]0.00", Shown(5)),  # a colour is no currency
        (datetime(2024, 4, 15), "mmm-yy", Shown("2024-04")),  # shows Apr-24: a month
        (datetime(2024, 4, 15), "mmmm yyyy", Shown("2024-04")),
        (datetime(2024, 4, 15), "yyyy", Shown("2024")),
        (datetime(2024, 4, 15), "dd/mm/yyyy", Shown(datetime(2024, 4, 15))),  # a day stays a day
        (datetime(2024, 4, 15, 9, 30), "mm/dd/yy hh:mm", Shown(datetime(2024, 4, 15, 9, 30))),
        (0.734297, "General", Shown(0.734297)),
        ("73.4%", "0.0%", Shown("73.4%")),  # text is read as written, whatever the format
    ],
)
def test_cells_read_as_their_format_shows_them(value, fmt, want):
    assert shown(value, fmt) == want


def test_the_written_text_keeps_what_the_format_adds():
    assert shown(0.734297, "0.0%").written() == "73.4297%"
    assert shown(-5, "[$€-407] #,##0.00").written() == "€-5"
    assert shown(1234567, "#,##0,").written() == "1234.567"
    assert describe("0.0%") == "a percent" and describe("#,##0,,") == "in millions"


# --- the property -------------------------------------------------------------------------------------------------
CORES = ["0", "0.0", "0.00", "#,##0", "#,##0.00", "#,##0.000", "##0.0"]
CURRENCIES = {"": "", "$": "", '"$"': "", "[$€-407] ": "€", "£": "£", '"€" ': "€", "[$USD] ": "USD "}


@st.composite
def number_format(draw) -> tuple[str, int, int, str]:
    """(format, percent signs, scaling commas, the currency it shows)."""
    core = draw(st.sampled_from(CORES))
    percent = draw(st.integers(0, 1))
    scaling = 0 if percent else draw(st.integers(0, 2))
    currency = draw(st.sampled_from(sorted(CURRENCIES)))
    colour = draw(st.sampled_from(["", "[Red]", "[Blue]"]))
    section = f"{colour}{currency}{core}{',' * scaling}{'%' * percent}"
    # other sections: negatives in parentheses, zero or negatives as a dash (a section showing no number)
    other = f"({currency}{core}{',' * scaling}{'%' * percent})"
    sections = draw(st.sampled_from(["", f";{other}", f";{other};-", ";-", ';-;"nil"']))
    return section + sections, percent, scaling, CURRENCIES[currency]


values = st.one_of(
    st.integers(-(10**9), 10**9), st.floats(-1e9, 1e9, allow_nan=False).map(lambda v: round(v, 6))
)


def _as_shown(value: float, percent: int, scaling: int) -> Decimal:
    return (
        Decimal(repr(value) if isinstance(value, float) else value) * 100**percent / Decimal(1000) ** scaling
    )


@settings(max_examples=400, derandomize=True, deadline=None, database=None)
@given(fmt=number_format(), value=values)
def test_the_value_shown_is_the_value_stored_scaled_as_the_format_says(fmt, value):
    text, percent, scaling, currency = fmt
    got = shown(value, text)
    tolerance = Decimal("1e-15")
    assert Decimal(repr(float(got.value))) == pytest.approx(
        _as_shown(value, percent, scaling), rel=tolerance, abs=tolerance
    )
    assert got.suffix == ("%" if percent else "")
    assert got.prefix == currency


@settings(max_examples=25, derandomize=True, deadline=None, database=None)
@given(cells=st.lists(st.tuples(number_format(), values), min_size=1, max_size=6))
def test_real_workbooks_read_as_shown_by_both_readers(cells):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "figures.xlsx"
        book = xlsxwriter.Workbook(path)
        sheet = book.add_worksheet("Data")
        sheet.write_row(0, 0, ["entity", "value"])
        for r, ((fmt, *_), value) in enumerate(cells, start=1):
            sheet.write(r, 0, f"e{r}")
            sheet.write_number(r, 1, value, book.add_format({"num_format": fmt}))
        book.close()
        grid = read_sheets(path, ())[0]
        canonical = read_table(path).frame["value"].to_list()
    for r, ((fmt, *_), value) in enumerate(cells, start=1):
        want = shown(value, fmt)
        assert grid.cell(r, 1) == want.value, (fmt, value)
        assert grid.affixes.get((r, 1), ("", "")) == (want.prefix, want.suffix), (fmt, value)
        if want.prefix or want.suffix or want.value != value:
            assert canonical[r - 1] == want.written(), (fmt, value)
