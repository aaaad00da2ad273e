"""Under a page's title: how many of the business's expectations could not be compared, and why, with a link to
their figures on the Evidence page (an empty shortfall list must not read as "no misses")."""

from __future__ import annotations

import urllib.parse

import polars as pl
import streamlit as st

from dashboard.data import catalog
from dashboard.data.connection import Identity
from dashboard.text import md

MAX_LINKED = 200  # figure ids in the Evidence link (a URL of about 4 KB)
MAX_LINES = 30  # listed in the expander; the view has them all


def unmatched_words(frame: pl.DataFrame, metric: str | None = None) -> str | None:
    """The notice for the frame of catalog.unmatched_expectations ('3 expectations of this business could not be
    compared (1 for this metric)'), None when every expectation is compared."""
    if frame.is_empty():
        return None
    n = frame.height
    here = frame.filter(pl.col("metric") == metric).height if metric else 0
    noun = "expectation" if n == 1 else "expectations"
    scope = f" ({here} of them for this metric)" if metric and here else ""
    return f"{n} {noun} of this business could not be compared with an actual{scope}: see why below."


def unmatched_lines(frame: pl.DataFrame, limit: int) -> list[str]:
    """One Markdown line per expectation, its data escaped: 'gmv · US · 2024-H2 · target: <reason>'."""
    return [
        " · ".join(md(r[c]) for c in ("metric", "region_code", "period", "kind")) + ": " + md(r["reason"])
        for r in frame.head(limit).iter_rows(named=True)
    ]


def evidence_link(frame: pl.DataFrame) -> str:
    """Evidence page URL showing the figures of the listed expectations (every vintage)."""
    ids = [i for ids in frame["expectation_figure_ids"].to_list() for i in (ids or [])][:MAX_LINKED]
    return "evidence?" + urllib.parse.urlencode({"figures": ",".join(ids)})


def unmatched_notice(ident: Identity, entity: str, metric: str | None = None) -> None:
    """A warning with the count, and an expander listing each expectation with its reason."""
    frame = catalog.unmatched_expectations(ident, entity)
    words = unmatched_words(frame, metric)
    if words is None:
        return
    st.warning(words, icon=None)
    with st.expander(f"Expectations compared with nothing ({frame.height})"):
        shown = frame.sort(pl.col("metric") != (metric or ""), "metric", "region_code", "period")
        st.markdown("\n".join(f"- {line}" for line in unmatched_lines(shown, MAX_LINES)))
        if shown.height > MAX_LINES:
            st.caption(f"... and {shown.height - MAX_LINES} more (SQL below)")
        st.markdown(f"[Their figures and sources on the Evidence page]({evidence_link(shown)})")
        st.caption("SQL: `select * from unmatched_expectations` lists every business's.")
