"""The Scorecard's "Download report" sidebar section: the current selection as a cited HTML or PDF report
(report/: the same file `impact report` writes), made only when a button is clicked."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache, partial
from pathlib import Path

import streamlit as st

from pipelines.settings import ReportSelection

# The warehouse identity of dashboard/data/connection.py: (path, mtime_ns, inode).
Identity = tuple[str, int, int]
MIME = {"html": "text/html", "pdf": "application/pdf"}


@lru_cache(maxsize=8)
def report_bytes(ident: Identity, selection: ReportSelection, fmt: str) -> bytes:
    """The report file of `selection` on the warehouse `ident` (path, mtime, inode: a new build is a new
    key). Runs on Streamlit's download thread, so it uses no Streamlit command."""
    from report.build import make_report  # plotly's bundle and Chromium: only when a report is asked for

    return make_report(Path(ident[0]), selection, fmt=fmt)


def report_download_ui(ident: Identity, series) -> None:
    """Two download buttons (HTML, PDF) in the sidebar for `series` (entity, metric, kind, policy); the
    region and period are the report's defaults (the top-level region, its latest compared period)."""
    selection = ReportSelection(series.entity, series.metric, policy=series.policy, kind=series.kind)
    name = f"{dt.date.today().isoformat()}-{selection.slug}"
    with st.sidebar.expander("Download report", icon=":material/description:"):
        st.caption("Every number with its source; stamped with this warehouse's build.")
        left, right = st.columns(2)
        for column, fmt in ((left, "html"), (right, "pdf")):
            column.download_button(
                fmt.upper(),
                data=partial(report_bytes, ident, selection, fmt),
                file_name=f"{name}.{fmt}",
                mime=MIME[fmt],
                on_click="ignore",
                key=f"report-{fmt}",
                width="stretch",
            )
