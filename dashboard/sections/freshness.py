"""The sidebar's note of how old the published data is."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.data import catalog
from dashboard.data import connection as db
from pipelines.settings import Settings
from pipelines.warehouse.sqlfiles import schema_fingerprint

STALE_AFTER_HOURS = Settings.from_env().stale_after_hours  # IMPACT_STALE_AFTER_HOURS
OWN_SCHEMA = schema_fingerprint()  # the tables and views this dashboard's queries are written against


def freshness_ui(ident: db.Identity) -> None:
    """How old the published data is; a warning when it is older than the daily rebuild allows."""
    try:
        info = catalog.build_info(ident)
    except db.NotAWarehouse:  # said once, by the app
        raise
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


def version_notice(ident: db.Identity) -> None:
    """A warning above the page when the warehouse was built from other table and view definitions than the
    ones this dashboard reads (a product upgrade without a rebuild): its columns may differ, and a page that
    reads a missing one would otherwise stop with Streamlit's bare error box."""
    try:
        other = built_by_another_version(ident)
    except Exception:  # unreadable right now: freshness_ui says so
        return
    if other:
        st.warning(
            "**This warehouse was built by another version of the product**: its tables and views differ "
            "from the ones this dashboard reads, so some pages may fail or show less. Rebuild it with "
            "`impact run` (the bundled data: `make build`)."
        )


def built_by_another_version(ident: db.Identity) -> bool:
    """Whether the warehouse was built from other table and view definitions than this dashboard's (its
    build_info.schema_fingerprint differs, or is missing: built before the column existed)."""
    return catalog.schema_fingerprint(ident) != OWN_SCHEMA
