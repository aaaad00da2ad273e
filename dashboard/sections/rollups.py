"""Links from rolled-up comparisons (an annual budget against twelve monthly actuals) to the figures they
combine, on the Evidence page (`evidence?figures=r01,r02,...`)."""

from __future__ import annotations

import urllib.parse

import polars as pl
import streamlit as st

from dashboard.charts.style import rollup_words

MAX_LINKS = 8  # rolled-up comparisons linked under the heatmap; the rest are in the comparisons table


def rollup_link_rows(frame: pl.DataFrame) -> list[tuple[str, str]]:
    """(label, Evidence URL) per rolled-up comparison of the frame, latest periods first:
    ('United States 2024: actual = sum of 12 months, 3 approximate', 'evidence?figures=r01%2Cr02...')."""
    if "actual_figure_ids" not in frame.columns:
        return []
    rolled = frame.filter(pl.col("basis").is_not_null() & (pl.col("basis") != "reported"))
    links = []
    for r in rolled.sort("period_start", descending=True).iter_rows(named=True):
        for side in ("actual", "expectation"):
            words = rollup_words(
                r["basis"], r[f"{side}_components"], r[f"{side}_approximate_components"], side
            )
            if words:
                ids = ",".join(r[f"{side}_figure_ids"] or [])
                label = f"{r['region_name']} {r['period']}: {side} = {words}"
                links.append((label, "evidence?" + urllib.parse.urlencode({"figures": ids})))
    return links


def rollup_links(frame: pl.DataFrame, kept: dict | None = None) -> None:
    """Under the heatmap: which cells are rolled up, each a link to its component figures on the Evidence
    page in this tab (`st.page_link`: a markdown link opened a new tab that had lost the entity), carrying
    `kept` (entity, metric, kind) in its address."""
    links = rollup_link_rows(frame)
    if not links:
        return
    more = f" (and {len(links) - MAX_LINKS} more in the table below)" if len(links) > MAX_LINKS else ""
    st.caption(f"Rolled up from finer figures (the figures on the Evidence page){more}:")
    for label, url in links[:MAX_LINKS]:
        params = dict(urllib.parse.parse_qsl(url.split("?", 1)[1]))
        st.page_link("app_pages/evidence.py", label=label, query_params=(kept or {}) | params)
