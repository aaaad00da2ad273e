"""CSV for people: values that a spreadsheet would run as a formula are neutralised.

OWASP, "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection): a cell starting with `=`, `+`,
`-`, `@`, a tab (0x09) or a carriage return (0x0D) is evaluated as a formula by Excel, LibreOffice and Google
Sheets (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`). Such text cells are prefixed with a single quote, as OWASP
recommends, so the spreadsheet shows the text instead of running it. Numbers are not text and are left alone
(a negative number stays a number); only String columns are changed.
"""

from __future__ import annotations

import polars as pl

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """The same frame with every String cell that starts with = + - @ tab or CR prefixed with `'`."""
    pattern = "^[=+\\-@\t\r]"
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(pattern)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, dtype in frame.schema.items()
        if dtype == pl.String
    )


def csv_for_spreadsheets(frame: pl.DataFrame) -> str:
    """`frame` as CSV text with formula-like text cells neutralised (see the module docstring)."""
    return neutralise_formulas(frame).write_csv()
