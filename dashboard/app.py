"""The dashboard's entry point: a router over the pages, the data's freshness, and a watch for new builds.

Started by `impact dashboard` (`streamlit run dashboard/app.py`, warehouse path in $IMPACT_WAREHOUSE).
"""

from __future__ import annotations

import importlib
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import streamlit as st  # noqa: E402

from dashboard.data import connection as db  # noqa: E402
from dashboard.sections.freshness import (  # noqa: E402
    built_by_another_version,
    freshness_ui,
    version_notice,
)

# The page scripts' folder is app_pages/, not pages/: Streamlit (1.67, runtime/pages_manager.py) treats a
# `pages/` folder beside the main script as a v1 multipage app and, until st.navigation has run once in the
# process, runs the first session through its legacy router (script_runner._mpa_v1) with every file there as
# a page of its own.
PAGES = ROOT / "dashboard" / "app_pages"

st.set_page_config(page_title="Impact: actuals vs expectations", layout="wide")


@st.fragment(run_every="5s")
def watch_for_new_build() -> None:
    """Rerun the whole app when a new warehouse is published (its identity changes): no restart needed."""
    try:
        current = db.identity()
    except db.NoWarehouse:
        current = None
    seen = st.session_state.setdefault("warehouse_identity", current)
    if current != seen:
        st.session_state["warehouse_identity"] = current
        st.rerun(scope="app")


def auth_required() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (OIDC login); a missing file means no login."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file, or one that cannot be parsed: the dashboard stays open as before
        return False


if auth_required() and not st.user.get("is_logged_in", False):
    st.title("Impact: actuals vs expectations")
    st.write("Log in to see the dashboard.")
    auth = st.secrets["auth"]
    # [auth] with its own client_id: one default provider; else one button per [auth.<provider>] table.
    providers = [] if "client_id" in auth else [k for k, v in auth.items() if hasattr(v, "keys")]
    for provider in providers or [None]:
        label = f"Log in with {provider}" if provider else "Log in"
        st.button(
            label,
            on_click=st.login,
            args=(provider,) if provider else (),
            type="primary",
            key=f"login_{provider}",
        )
    st.stop()

# No page icons: Streamlit 1.67's front end makes the browser tab's icon of a ':material/...:' page icon from
# fonts.gstatic.com (an outside request on every page, issue 16), and emoji icons showed as empty boxes where
# the machine has no emoji font (headless Chromium here). The sidebar's own glyphs come from the Material
# Symbols font Streamlit bundles (served locally).
# The default page is served at `/`; its own url_path is reserved but not served (Streamlit 1.67), so it is
# not "scorecard": that one is the hidden page below, which sends `/scorecard?...` to `/?...`.
scorecard = st.Page(PAGES / "scorecard.py", title="Scorecard", url_path="scorecard-page", default=True)


def _to_scorecard() -> None:
    """`/scorecard` (a name people type or keep from a link): Streamlit serves the default page at `/` only and
    showed "Page not found" here (issue 16); send the visitor there with the address's filters."""
    st.switch_page(scorecard, query_params=st.query_params.to_dict())


page = st.navigation(
    [
        scorecard,
        st.Page(_to_scorecard, title="Scorecard", url_path="scorecard", visibility="hidden"),
        st.Page(PAGES / "trends.py", title="Trends", url_path="trends"),
        st.Page(PAGES / "events.py", title="Events", url_path="events"),
        st.Page(PAGES / "impact.py", title="Impact", url_path="impact"),
        st.Page(PAGES / "bridge.py", title="Bridge", url_path="bridge"),
        st.Page(PAGES / "track_record.py", title="Track record", url_path="track_record"),
        st.Page(PAGES / "evidence.py", title="Evidence", url_path="evidence"),
        st.Page(PAGES / "sql.py", title="SQL", url_path="sql"),
        st.Page(PAGES / "upload.py", title="Upload", url_path="upload"),
    ]
)


def _import_estimators() -> None:
    # the estimator modules load statsmodels only when they fit (so a report that refuses does not wait)
    for name in ("pipelines.effects.assess", "pipelines.effects.state_space", "statsmodels.api"):
        importlib.import_module(name)


@st.cache_resource(show_spinner=False)
def warm_up_estimators() -> threading.Thread:
    """Import the effect estimators (statsmodels and scipy: 2.1 s measured with `python -X importtime`) in a
    background thread, once per server process and after the first page has rendered, so the first visit to
    the Impact page does not pay for the import (its first render: 9.9 s cold, 5.2 s of it this import)."""
    thread = threading.Thread(target=_import_estimators, daemon=True, name="warm-up")
    thread.start()
    return thread


try:
    freshness_ui(db.identity())
    version_notice(db.identity())
except db.NotAWarehouse:
    st.sidebar.caption("not a warehouse of this product")
except db.NoWarehouse:
    st.sidebar.caption("no warehouse yet")
with st.sidebar:
    watch_for_new_build()
try:
    page.run()
except db.NoWarehouse as exc:  # e.g. the file held open for writing by another client: one plain line
    st.warning(str(exc))
except duckdb.Error:  # a view or column the reads name is missing: said by the version notice, no fallback
    if not built_by_another_version(db.identity()):
        raise
    st.info("This page reads tables or columns this warehouse does not have. Rebuild it (`impact run`).")
finally:  # also after a page's st.stop()
    warm_up_estimators()
