"""The dashboard's entry point: a router over the pages, the data's freshness, and a watch for new builds.

Started by `impact dashboard` (`streamlit run dashboard/app.py`, warehouse path in $IMPACT_WAREHOUSE).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import queries as q  # noqa: E402
from dashboard import ui  # noqa: E402

PAGES = ROOT / "dashboard" / "app_pages"

st.set_page_config(page_title="Impact: actuals vs expectations", layout="wide")


@st.fragment(run_every="5s")
def watch_for_new_build() -> None:
    """Rerun the whole app when a new warehouse is published (its identity changes): no restart needed."""
    try:
        current = q.identity()
    except q.NoWarehouse:
        current = None
    seen = st.session_state.setdefault("warehouse_identity", current)
    if current != seen:
        st.session_state["warehouse_identity"] = current
        st.rerun(scope="app")


page = st.navigation(
    [
        st.Page(
            PAGES / "scorecard.py",
            title="Scorecard",
            icon=":material/grid_on:",
            url_path="scorecard",
            default=True,
        ),
        st.Page(PAGES / "trends.py", title="Trends", icon=":material/show_chart:", url_path="trends"),
        st.Page(PAGES / "events.py", title="Events", icon=":material/event:", url_path="events"),
        st.Page(PAGES / "evidence.py", title="Evidence", icon=":material/fact_check:", url_path="evidence"),
        st.Page(PAGES / "sql.py", title="SQL", icon=":material/terminal:", url_path="sql"),
    ]
)
try:
    ui.freshness_ui(q.identity())
except q.NoWarehouse:
    st.sidebar.caption("no warehouse yet")
with st.sidebar:
    watch_for_new_build()
page.run()
