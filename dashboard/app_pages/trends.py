"""Trends: actual and expected over time for chosen regions, with revisions, shortfalls, pacing and events."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import charts, ui
from dashboard import queries as q

st.title("Trends: actual and expected over time")
ident = ui.current_identity()
with q.reading(ident):  # one short connection for this render's uncached queries
    series = ui.series_ui(ident)
    if series is None:
        st.stop()

    region_table = q.regions(ident)
    counts = q.figure_counts_by_region(ident, series.entity, series.metric)
    by_code = {
        c: (n, d, p) for c, n, d, p in region_table.select("region_code", "name", "depth", "path").iter_rows()
    }
    codes = [
        c
        for c in counts.sort(["depth", "figures"], descending=[False, True])["region_code"].to_list()
        if c in by_code
    ]
    chosen = st.sidebar.multiselect(
        "Regions",
        codes,
        default=codes[:2],
        key="regions",
        bind="query-params",
        format_func=lambda c: f"{by_code[c][0]} ({c})",
    )
    if not chosen:
        st.info("Pick at least one region in the sidebar.")
        st.stop()
    tables = ui.tables_toggle()

    actuals = q.actuals(ident, series.entity, series.metric, chosen)
    vintages = q.vintages(ident, series.entity, series.metric, series.kind, chosen)
    both = set(actuals["grain"].to_list()) & set(vintages["grain"].to_list())
    either = set(actuals["grain"].to_list()) | set(vintages["grain"].to_list())
    grain = ui.grain_ui(sorted(either), preferred=next((g for g in ui.GRAIN_ORDER if g in both), None))
    if grain is None:
        st.info("No figures at a year, half, quarter or month grain for these regions.")
    else:
        shown_actuals = actuals.filter(pl.col("grain") == grain)
        shown_vintages = vintages.filter(pl.col("grain") == grain)
        shortfalls = q.shortfall_periods(
            ident, series.entity, series.metric, series.kind, series.policy, grain, chosen[0]
        )
        dates = shown_actuals["period_start"].to_list() + shown_vintages["period_start"].to_list()
        ends = shown_actuals["period_end"].to_list() + shown_vintages["period_end"].to_list()
        first, last = (min(dates), max(ends)) if dates else (dt.date.min, dt.date.max)
        all_events = q.events(ident)
        nearby = q.events_near_regions(all_events, [by_code[c][2] for c in chosen])
        nearby = nearby.filter(
            pl.col("date").is_between(first - dt.timedelta(days=92), last + dt.timedelta(days=92))
        )
        st.caption(
            f"{series.entity} · {series.metric_label} per {grain}: actual (solid) against {series.kind} "
            f"(dashed: original; dotted: latest revision). Marker shapes: ◆ approximate, ▼ at most, ▲ at least. "
            f"Shaded: {by_code[chosen[0]][0]} below its {series.kind} ({ui.POLICIES[series.policy]}). "
            "Events: only those in or above the shown regions; hollow = expected."
        )
        st.plotly_chart(
            charts.trend_chart(shown_actuals, shown_vintages, shortfalls, nearby, series.metric_label),
            theme=None,
            key="trend",
        )
        other = [g for g in ui.GRAIN_ORDER if g in either and g != grain]
        if other:
            st.caption(f"Also reported at other grains: {', '.join(other)} (pick one under 'Period grain').")
        st.subheader("Figures in the chart")
        ui.show_table(shown_actuals, "actuals", grid=tables)
        ui.show_table(shown_vintages, "expectation_vintages", grid=tables)
        ui.show_table(
            nearby.select("date", "status", "jurisdiction", "category", "title", "source_id"),
            "events_shown",
            grid=tables,
        )

    st.subheader("Pacing against a longer-period expectation")
    paces = q.pacing(ident, series.entity, series.metric, series.policy, chosen)
    if paces.is_empty():
        st.info(
            "No pacing here: pacing needs an actual for part of a period (e.g. January–May) and an expectation "
            "for the whole period (e.g. the year), for an additive metric."
        )
    else:
        keys = paces.select("region_code", "expectation_period", "expectation_kind", "expectation").unique(
            maintain_order=True
        )
        divisor, unit_label = charts.value_scale("USD", keys["expectation"].to_list())
        labels = [
            f"{by_code.get(r, (r,))[0]} · {k} for {p} ({charts.format_value(v, divisor)} {unit_label})"
            for r, p, k, v in keys.iter_rows()
        ]
        picked = st.selectbox("Expectation", range(len(labels)), format_func=labels.__getitem__, key="pace")
        r, p, k, _ = keys.row(picked)
        one = paces.filter(
            (pl.col("region_code") == r)
            & (pl.col("expectation_period") == p)
            & (pl.col("expectation_kind") == k)
        )
        st.plotly_chart(charts.pacing_chart(one, series.metric_label), theme=None, key="pacing")
        ui.show_table(paces, "pacing", grid=tables)
