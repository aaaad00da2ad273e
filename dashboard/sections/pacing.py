"""The Trends page's pacing section: pick one longer-period expectation, chart the actual to date against it."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import tables
from dashboard.charts.pacing import pacing_chart, pacing_unit
from dashboard.charts.style import format_value, value_scale
from dashboard.figures import show_chart


def expectation_labels(paces: pl.DataFrame, names: dict[str, str]) -> tuple[pl.DataFrame, list[str]]:
    """(one row per expectation paced, its label 'United States · target for 2024 (17.5 USD bn)'), labelled
    in the view's unit (not always USD: a target in orders is labelled orders)."""
    keys = paces.select("region_code", "expectation_period", "expectation_kind", "expectation").unique(
        maintain_order=True
    )
    divisor, unit_label = value_scale(pacing_unit(paces), keys["expectation"].to_list())
    labels = [
        f"{names.get(r, r)} · {k} for {p} ({format_value(v, divisor)} {unit_label})".replace(" )", ")")
        for r, p, k, v in keys.iter_rows()
    ]
    return keys, labels


def pacing_section(paces: pl.DataFrame, names: dict[str, str], metric_label: str, grid: bool) -> None:
    if paces.is_empty():
        st.info(
            "No pacing here: pacing needs an actual for part of a period (e.g. January–May) and an expectation "
            "for the whole period (e.g. the year), for an additive metric."
        )
        return
    keys, labels = expectation_labels(paces, names)
    picked = st.selectbox("Expectation", range(len(labels)), format_func=labels.__getitem__, key="pace")
    r, p, k, _ = keys.row(picked)
    one = paces.filter(
        (pl.col("region_code") == r) & (pl.col("expectation_period") == p) & (pl.col("expectation_kind") == k)
    )
    show_chart(pacing_chart(one, metric_label), key="pacing")
    tables.show_table(paces, "pacing", grid=grid)
