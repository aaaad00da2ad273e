"""SQL: a read-only console over the warehouse's views, with the documented example queries one click away."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import tables, widgets
from dashboard.charts.style import row_count
from dashboard.data import catalog
from dashboard.text import md
from pipelines.warehouse.console import QueryRefused, run_readonly

TIME_LIMIT_S = 10.0
DEFAULT_QUERY = "select * from actual_vs_expectation where policy = 'at_period_end' limit 100"

st.title("SQL: query the warehouse")
ident = widgets.current_identity()
st.caption(
    "One read-only SELECT at a time over the tables and views documented in docs/warehouse.md. Writes, DDL, "
    "ATTACH, COPY, INSTALL/LOAD, PRAGMA/SET and reading files are refused; at most the row limit is "
    f"returned, and a query is stopped after {TIME_LIMIT_S:g} s. The same numbers as the dashboard."
)
examples = catalog.example_queries()


def use_example() -> None:
    st.session_state["sql"] = examples[st.session_state["example"]]


left, right = st.columns([3, 1])
left.selectbox(
    "Example queries (sql/examples)",
    list(examples),
    key="example",
    index=None,
    placeholder="pick an example to load it into the editor",
    on_change=use_example,
)
max_rows = right.number_input(
    "Row limit", min_value=1, max_value=100_000, value=1000, step=100, key="max_rows"
)
if "sql" not in st.session_state:
    st.session_state["sql"] = DEFAULT_QUERY
query = st.text_area("Query", key="sql", height=200, bind="query-params")
if "sql_from_link" not in st.session_state:
    # The first time this session shows the page: a query that came in the link (/sql?sql=...) is shown, not
    # run, until the visitor presses Run; otherwise a link could make anyone's session run any query or show
    # a forged message as a result table.
    st.session_state["sql_from_link"] = query if query and query != DEFAULT_QUERY else None
clicked = st.button("Run", type="primary", key="run")
if clicked:
    st.session_state["sql_from_link"] = None
if query and query == st.session_state["sql_from_link"]:
    st.info("This query came with the link you opened. Read it, then press **Run** to run it.")
elif clicked or query:
    try:
        result = run_readonly(Path(ident[0]), query or "", max_rows=int(max_rows), timeout_s=TIME_LIMIT_S)
    except QueryRefused as exc:
        st.error(f"Refused: {md(exc)}")  # it may quote the query, which a link can bring
    else:
        note = " (row limit reached)" if result.height >= max_rows else ""
        st.caption(f"{row_count(result.height)}{note}")
        # the query's own numbers, not rescaled; shown to their unit's precision (0.30000000000000004 as 0.3),
        # every digit in the CSV
        tables.show_table(result, "query_result", units=False, rounded=True)
