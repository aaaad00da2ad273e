"""Tables with their CSV download, as every page shows them."""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl
import streamlit as st

from dashboard.charts.style import row_count
from dashboard.grids import grid_frame
from pipelines.warehouse.export import FORMULA_STARTS, csv_for_spreadsheets

DATE_COLUMN = st.column_config.DateColumn(format="YYYY-MM-DD")


def csv_file_name(name: str, selection: dict | None) -> str:
    """'comparisons_TikTok-Shop_gmv_target_at_period_end_year.csv': the table and its selection, file-safe."""
    parts = [name, *(str(v) for v in (selection or {}).values() if v is not None)]
    return "_".join(re.sub(r"[^A-Za-z0-9.-]+", "-", p).strip("-") for p in parts) + ".csv"


def with_selection(table, selection: dict | None):
    """The table with the selection as leading columns (a frame), or a CSV's bytes with them prepended."""
    if not selection:
        return table
    if isinstance(table, bytes):
        table = pl.read_csv(table, infer_schema=False)
    given = {k: v for k, v in selection.items() if k not in table.columns}
    return table.select(*(pl.lit(v, pl.String).alias(k) for k, v in given.items()), pl.all())


def show_table(
    frame: pl.DataFrame,
    name: str,
    column_config: dict | None = None,
    height: int | str = "auto",
    total: int | None = None,
    full_csv: Callable[[], bytes] | None = None,
    grid: bool = True,
    hidden_note: str = "turn on *Show tables* in the sidebar to see them here",
    selection: dict | None = None,
    scale: tuple[float, str] | None = None,
    units: bool = True,
    rounded: bool = False,
) -> None:
    """A table with its CSV download; an empty table is a message, not an empty grid.

    The CSV is made when the button is clicked, not on every render. A table limited to its first rows
    passes `total` and `full_csv` (every row, read on click on a connection of its own) and says so.
    `grid=False` (the chart pages' tables while "Show tables" is off) offers the CSV and the row count only.
    `selection` (e.g. entity, metric, expectation kind, policy, grain) goes into the CSV as leading columns
    and into its file name, so a downloaded file says what it is (`csv_file_name`, `with_selection`).
    The grid shows amounts in the chart's unit (`scale`: the chart's (divisor, unit label); by default the
    frame's own unit scaled as a chart would) and shares as %, an em dash for an empty cell
    (dashboard/grids.py; `units=False`: the values as they are, for the SQL console); the CSV keeps the raw
    base-unit values. `rounded=True` (the SQL console) shows floats to their unit's precision
    (`grids.display_decimals`); the CSV keeps every digit.
    """
    if frame.is_empty():
        st.caption(f"no rows: {name.replace('_', ' ')}")
        return
    if grid:
        shown, formats = grid_frame(frame, scale, units, rounded)
        # Dates as dates: without a column config the grid showed '2024-01-01 00:00:00' for a DATE column.
        config = {c: DATE_COLUMN for c, t in shown.schema.items() if t == pl.Date}
        config |= {c: st.column_config.NumberColumn(format=f) for c, f in formats.items()}
        st.dataframe(shown, hide_index=True, column_config={**config, **(column_config or {})}, height=height)
    else:
        st.caption(f"{row_count(total or frame.height)}: {name.replace('_', ' ')} ({hidden_note})")
    limited = total is not None and total > frame.height and full_csv is not None
    if limited and grid:
        st.caption(
            f"Showing the first {frame.height:,} of {total:,} rows; the download has all of them "
            "(narrow the selection in the sidebar to see others here)."
        )
    if limited and selection:  # every row, read on click (already neutralised), with the selection's columns
        safe = {k: f"'{v}" if str(v).startswith(FORMULA_STARTS) else v for k, v in selection.items()}
        download = lambda: with_selection(full_csv(), safe).write_csv()  # noqa: E731
    else:
        download = full_csv if limited else (lambda: csv_for_spreadsheets(with_selection(frame, selection)))
    st.download_button(
        f"Download {'all ' if limited else ''}{name.replace('_', ' ')} (CSV)",
        download,
        # formulas neutralised (OWASP); the selection as leading columns and in the file name
        file_name=csv_file_name(name, selection),
        mime="text/csv",
        key=f"csv_{name}",
        on_click="ignore",
    )
