"""The Upload page's preview: the canonical rows a file would load and every rejected cell, as grids whose
empty cells are em dashes (never 'None'); and the rule that keeps server paths out of what visitors read."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

from dashboard.grids import grid_frame
from dashboard.text import md
from pipelines.settings import env_data_dir, env_warehouse
from pipelines.words import counted, more_rows

PREVIEW_ROWS = 200  # the rows the preview's grid shows; the rest are counted under it


def without_server_paths(text: str, data_dir: Path | None = None) -> str:
    """`text` with the server's data folder and warehouse path replaced by their names: visitors are not shown
    where the server keeps its files (issue 28, fault 18)."""
    data_dir = Path(env_data_dir()) if data_dir is None else data_dir
    for path, name in (
        (env_warehouse(), "the warehouse"),
        (str(data_dir.resolve()), "DATA_DIR"),
        (str(data_dir), "DATA_DIR"),
    ):
        if path and path not in (".", ""):
            text = text.replace(path, name)
    return text


def preview_ui(name: str, data: bytes, layout_text: str, data_dir: Path, limit: int = PREVIEW_ROWS) -> bool:
    """Show what `data` (the file `name`) read through the layout (TOML text) would load, and every rejected
    cell, checked against the data folder's reference files; True when nothing would be rejected. An empty cell
    is shown as an em dash (dashboard/grids.py), never Streamlit's 'None'. The grid shows the first `limit`
    rows and counts the rest under it ('and 2 more rows'), so the count above and the rows agree."""
    from pipelines.ingest.layouts.preview import preview_bytes

    try:
        shown = preview_bytes(name, data, layout_text, data_dir)
    except Exception as exc:  # a layout that is not even TOML is reported in `rejected`; anything else here
        st.error(f"Cannot preview: {md(without_server_paths(str(exc), data_dir))}")
        return False
    rejected = shown.rejected["row_number"].n_unique()
    st.markdown(
        f"**{counted(shown.rows_in)} read, {shown.rows.height} would load, {rejected} rejected"
        + (f", {shown.rows_combined} added into another line's figure" if shown.rows_combined else "")
        + "**; "
        f"{counted(shown.empty_cells, 'empty cell')}; {counted(len(shown.skipped))} left out by the layout's rules."
    )
    # a file or layout refused as a whole (row 0: a layout still holding 'CHANGE ME', a sheet that cannot be
    # read) is said in words above the grids, once: its reason names the layout file and the keys to fill in
    for reason in dict.fromkeys(shown.rejected.filter(pl.col("row_number") == 0)["reason"].to_list()):
        st.error(md(without_server_paths(reason, data_dir)))
    # an empty cell is an em dash, never Streamlit's 'None' (dashboard/grids.py); the values as read
    if shown.rows.height:
        st.dataframe(grid_frame(shown.rows.head(limit), units=False)[0], hide_index=True, key="preview_rows")
    if cut := more_rows(limit, shown.rows.height, f" (they load too; the preview shows the first {limit})"):
        st.caption(cut)
    if shown.rejected.height:
        st.subheader("Rejected cells")
        st.dataframe(grid_frame(shown.rejected, units=False)[0], hide_index=True, key="preview_rejected")
    for line in shown.skipped:
        st.caption(f"left out: {line}")
    return rejected == 0
