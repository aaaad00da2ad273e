"""CSV for people: values that a spreadsheet would run as a formula are neutralised.

OWASP, "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection): a cell starting with `=`, `+`,
`-`, `@`, a tab (0x09) or a carriage return (0x0D) is evaluated as a formula by Excel, LibreOffice and Google
Sheets (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`). Such text cells are prefixed with a single quote, as OWASP
recommends, so the spreadsheet shows the text instead of running it. Numbers are not text and are left alone
(a negative number stays a number); only String columns are changed.

CSV holds no nested values, so a list column (e.g. `actual_figure_ids`) is written as its items joined by
"; " and a struct or a list of structs as its JSON text (`flatten_nested`): polars' `write_csv` refuses them.
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


LIST_SEPARATOR = "; "


def _flat(column: str, dtype: pl.DataType) -> pl.Expr:
    """One nested column as text: a list of plain values joined by LIST_SEPARATOR, anything else as JSON."""
    col = pl.col(column)
    if isinstance(dtype, (pl.List, pl.Array)) and not dtype.inner.is_nested():
        return col.cast(pl.List(pl.String)).list.join(LIST_SEPARATOR).alias(column)
    return pl.struct(col).struct.json_encode().str.json_path_match(f"$.{column}").alias(column)


def flatten_nested(frame: pl.DataFrame) -> pl.DataFrame:
    """The same frame (same columns, same order) with every List, Array or Struct column as String.

    A list of plain values becomes its items joined by "; " (`['F1', 'F2']` -> `'F1; F2'`, an empty list
    `''`, a null list null); a struct or a list of structs becomes its JSON text. Other columns are unchanged.
    """
    nested = {c: t for c, t in frame.schema.items() if t.is_nested()}
    return frame.with_columns(_flat(c, t) for c, t in nested.items()) if nested else frame


def csv_for_spreadsheets(frame: pl.DataFrame) -> str:
    """`frame` as CSV text: nested columns as text (`flatten_nested`), formula-like text cells neutralised
    (see the module docstring)."""
    return neutralise_formulas(flatten_nested(frame)).write_csv()
