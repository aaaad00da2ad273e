"""Bridge: from the first expectation to the actual, step by step (who moved the target, when, by how much; the
exchange-rate effect; the gap, or each child region's part of it)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import tables, widgets
from dashboard.charts.answers import bridge_waterfall
from dashboard.charts.style import value_scale
from dashboard.data import answers as data
from dashboard.data import connection as db
from dashboard.figures import show_chart

st.title("Bridge: from the first expectation to the actual")
ident = widgets.current_identity()
with db.reading(ident):
    bridges = data.bridges(ident)
    if bridges.is_empty():
        st.info(
            "No bridge yet: a bridge needs an expectation compared with an actual (see the Scorecard, and the "
            "list of expectations compared with nothing there)."
        )
        st.stop()
    names = widgets.metric_names(ident)

    def pick(label: str, frame: pl.DataFrame, column: str, key: str, fmt=str) -> str:
        options = list(dict.fromkeys(frame[column].to_list()))
        return widgets.url_choice(
            st.sidebar.selectbox, label, options, key, options[0], prefix="", format_func=fmt
        )

    entity = pick("Entity", bridges, "entity", "entity")
    part = bridges.filter(pl.col("entity") == entity)
    metric = pick("Metric", part, "metric", "metric", lambda m: names.get(m, m))
    part = part.filter(pl.col("metric") == metric)
    regions = dict(zip(part["region_code"].to_list(), part["region_name"].to_list(), strict=True))
    region = pick("Region", part, "region_code", "region", lambda r: regions.get(r, r))
    part = part.filter(pl.col("region_code") == region)
    period = pick("Period", part, "period", "period")
    part = part.filter(pl.col("period") == period)
    kind = pick("Expectation", part, "expectation_kind", "kind")

    steps = data.bridge_steps(ident, entity, metric, region, period, kind)
    widgets.illustrative_caption(ident, entity)
    first, last = steps.row(0, named=True), steps.row(-1, named=True)
    moved = steps.filter(pl.col("step") == "revision")
    gap = steps.filter(pl.col("step").is_in(["gap", "child_gap", "unallocated"]))["step_value"].sum()
    fx = steps.filter(pl.col("step") == "fx_effect")["step_value"].sum()
    label = f"{entity} · {names.get(metric, metric)} · {regions.get(region, region)} · {period}"
    st.caption(
        f"{label}: the first {kind} and each revision up to the one in force when the result came out "
        f"({'expected when reported' if first['policy'] == 'when_reported' else 'the latest'}), then the "
        "gap to the actual. Hover a bar for its source."
    )
    show_chart(
        bridge_waterfall(steps, f"From the first {kind} to the actual · {label}", names.get(metric, metric)),
        key="bridge",
    )
    revised = moved["step_value"].sum()
    divisor, unit_label = value_scale(first["unit"], steps["running_total"].to_list())
    cols = st.columns(3)
    cols[0].metric(f"first {kind}", f"{first['step_value'] / divisor:,.2f} {unit_label}")
    cols[1].metric(
        f"the {kind} moved ({moved.height} revision{'s' if moved.height != 1 else ''})",
        f"{revised / divisor:+,.2f} {unit_label}",
    )
    cols[2].metric(
        "the business missed" if gap < 0 else "the business beat it",
        f"{gap / divisor:+,.2f} {unit_label}",
        f"fx {fx / divisor:+,.2f}" if fx else None,
        delta_color="off",
    )
    st.subheader("Steps")
    shown = steps.select(
        "step",
        "label",
        "region_step",
        "step_value",
        "running_total",
        "unit",
        "as_of",
        "publisher",
        "title",
        "url",
        "figure_id",
    )
    tables.show_table(
        shown,
        "bridge",
        selection={"entity": entity, "metric": metric, "region_code": region, "period": period,
                   "expectation_kind": kind},
        scale=(divisor, unit_label),
    )  # fmt: skip
