"""Tables with their CSV download, as every page shows them."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import streamlit as st

from pipelines.warehouse.export import csv_for_spreadsheets

DATE_COLUMN = st.column_config.DateColumn(format="YYYY-MM-DD")


def show_table(
    frame: pl.DataFrame,
    name: str,
    column_config: dict | None = None,
    height: int | str = "auto",
    total: int | None = None,
    full_csv: Callable[[], bytes] | None = None,
    grid: bool = True,
    hidden_note: str = "turn on *Show tables* in the sidebar to see them here",
) -> None:
    """A table with its CSV download; an empty table is a message, not an empty grid.

    The CSV is made when the button is clicked, not on every render. A table limited to its first rows
    passes `total` and `full_csv` (every row, read on click on a connection of its own) and says so.
    `grid=False` (the chart pages' tables while "Show tables" is off) offers the CSV and the row count only.
    """
    if frame.is_empty():
        st.caption(f"no rows: {name.replace('_', ' ')}")
        return
    if grid:
        # Dates as dates: without a column config the grid showed '2024-01-01 00:00:00' for a DATE column.
        dates = {c: DATE_COLUMN for c, t in frame.schema.items() if t == pl.Date}
        st.dataframe(frame, hide_index=True, column_config={**dates, **(column_config or {})}, height=height)
    else:
        st.caption(f"{total or frame.height:,} rows: {name.replace('_', ' ')} ({hidden_note})")
    limited = total is not None and total > frame.height and full_csv is not None
    if limited and grid:
        st.caption(
            f"Showing the first {frame.height:,} of {total:,} rows; the download has all of them "
            "(narrow the selection in the sidebar to see others here)."
        )
    st.download_button(
        f"Download {'all ' if limited else ''}{name.replace('_', ' ')} (CSV)",
        full_csv if limited else (lambda: csv_for_spreadsheets(frame)),  # formulas neutralised (OWASP)
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
        on_click="ignore",
    )
