"""The sidebar's note of how old the published data is."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.data import catalog
from dashboard.data import connection as db
from pipelines.settings import Settings

STALE_AFTER_HOURS = Settings.from_env().stale_after_hours  # IMPACT_STALE_AFTER_HOURS


def freshness_ui(ident: db.Identity) -> None:
    """How old the published data is; a warning when it is older than the daily rebuild allows."""
    try:
        info = catalog.build_info(ident)
    except Exception:  # an unreadable or half-written file must not break every page
        st.sidebar.warning("The warehouse cannot be read right now; retrying on the next refresh.")
        return
    if info.is_empty():
        st.sidebar.caption("build time unknown")
        return
    built = info["built_at"][0]
    age = dt.datetime.now(dt.UTC).replace(tzinfo=None) - built
    hours = age.total_seconds() / 3600
    text = (
        f"{hours * 60:.0f} min" if hours < 1 else f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.0f} days"
    )
    if hours > STALE_AFTER_HOURS:
        st.sidebar.warning(
            f"**Data is stale**: built {text} ago ({built:%Y-%m-%d %H:%M} UTC). Run `impact run`."
        )
    else:
        st.sidebar.caption(f"Data built {text} ago ({built:%Y-%m-%d %H:%M} UTC)")
