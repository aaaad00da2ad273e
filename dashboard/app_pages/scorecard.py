"""Scorecard: where and by how much a business falls short of expectations, region by region and period."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, ui
from dashboard import queries as q

st.title("Scorecard: actuals against expectations")
ident = ui.current_identity()
with q.reading(ident):  # one short connection for this render's uncached queries
    series = ui.series_ui(ident)
    if series is None:
        st.stop()

    reported_grains, has_quarters = q.comparison_grains(
        ident, series.entity, series.metric, series.kind, series.policy
    )
    available = reported_grains | ({"quarter"} if has_quarters else set())
    grain = ui.grain_ui(sorted(available), preferred="quarter" if has_quarters else None)
    if grain is None:
        st.info(
            f"No comparison for {series.entity} · {series.metric_label} against its {series.kind} "
            f"({ui.POLICIES[series.policy]}): the actuals and expectations cover different periods. "
            "The Trends page shows them side by side; try another expectation policy."
        )
        st.stop()
    if grain == "quarter" and has_quarters:
        frame = q.quarter_comparisons(ident, series.entity, series.metric, series.kind, series.policy)
    else:
        frame = q.comparisons(ident, series.entity, series.metric, series.kind, series.policy, grain=grain)
    years = sorted({d.year for d in frame["period_start"].to_list()})
    first_year, last_year = ui.year_range_ui(years)
    frame = frame.filter(pl.col("period_start").dt.year().is_between(first_year, last_year))
    levels = list(dict.fromkeys(frame.sort("region_depth")["region_level"].to_list()))
    if len(levels) > 1:
        shown_levels = st.sidebar.multiselect(
            "Region levels", levels, default=levels, key="levels", bind="query-params"
        )
        frame = frame.filter(pl.col("region_level").is_in(shown_levels or levels))
    if frame.is_empty():
        st.info("No expectation for these regions and periods: widen the years or region levels.")
        st.stop()

    # --- tiles -----------------------------------------------------------------------------------------------
    headline_path = (
        frame.group_by("region_path", "region_depth")
        .len()
        .sort(["region_depth", "len"], descending=[False, True])
        .row(0)[0]
    )
    headline = frame.filter(pl.col("region_path") == headline_path).sort("period_start")
    latest = headline.row(-1, named=True)
    divisor, unit_label = charts.value_scale(latest["unit"], frame["expectation"].to_list())
    st.caption(
        f"{series.entity} · {series.metric_label} against its **{series.kind}**, {ui.POLICIES[series.policy]}; "
        f"per {grain}, {first_year}–{last_year}. Tiles: {latest['region_name']}, latest {grain} "
        f"{latest['period']}. Red = below expectation, blue = above."
    )
    latest_period = frame["period_start"].max()
    in_latest = frame.filter(pl.col("period_start") == latest_period)
    streaks = q.streaks(ident, series.entity, series.metric, series.kind, series.policy, grain=grain)
    current_streaks = streaks.filter(pl.col("is_current"))
    # Five tiles side by side are about 170 px each at a laptop's width: labels and values stay short, so
    # that none is cut off with an ellipsis; what they are about (region, period) is in the caption above.
    tiles = st.columns(5)
    tiles[0].metric(
        f"Actual ({unit_label})",
        charts.format_value(latest["actual"], divisor, latest["actual_bound"]) or "n/a",
        delta=f"{latest['variance'] / divisor:+,.1f}",
        delta_description=f"vs {charts.format_value(latest['expectation'], divisor)} expected",
        delta_color="normal",
        help=f"{latest['region_name']}, {latest['period']}: the latest period of the top-level region shown. "
        "'≤'/'≥' mark bounds, '~' approximations.",
    )
    tiles[1].metric(
        "Attainment",
        "n/a" if latest["attainment"] is None else f"{latest['attainment']:.0%}",
        delta=None if latest["direction"] is None else latest["direction"].replace("_", " "),
        delta_color="off",
        delta_arrow="off",
        help=f"actual / expectation, {latest['region_name']}, {latest['period']}",
    )
    cumulative = headline.select(pl.col("variance").sum()).item()
    tiles[2].metric(
        f"Variance, sum ({unit_label})",
        f"{cumulative / divisor:+,.1f}",
        delta=f"over {ui.count_of(headline.height, grain)}",
        delta_color="off",
        delta_arrow="off",
        help=f"{latest['region_name']}: actual − expectation summed over the periods shown "
        "(negative = cumulative shortfall).",
    )
    below = in_latest.filter(pl.col("is_shortfall")).height
    tiles[3].metric(
        "Regions below",
        f"{below} of {in_latest.height}",
        delta=f"in {in_latest['period'][0]}",
        delta_color="off",
        delta_arrow="off",
        help="Regions with a comparison in the latest period shown, and how many of them fell short.",
    )
    if current_streaks.is_empty():
        streak_length, streak_where = "none", "no region below now"
    else:
        streak = current_streaks.row(0, named=True)
        streak_length = ui.count_of(streak["length"], grain)
        streak_where = f"{streak['region_name']}, {streak['first_period']}→{streak['last_period']}"
    tiles[4].metric(
        "Current streak",
        streak_length,
        delta=streak_where,
        delta_color="off",
        delta_arrow="off",
        help="Longest current shortfall streak: consecutive periods below expectation that run up to the "
        "region's latest compared period (every streak: the table at the foot of the page).",
    )

    # --- heatmap and bars ----------------------------------------------------------------------------------
    charted = ui.region_rows_ui(frame)
    st.plotly_chart(charts.attainment_heatmap(charted, series.metric_label), theme=None, key="heatmap")
    shown_regions, all_regions = charted["region_path"].n_unique(), frame["region_path"].n_unique()
    st.caption(
        "Empty cells: no comparison for that region and period. ≈ approximate figure, ± a bound "
        "('at most'/'at least'). Hover a cell for the actual, the expectation and their sources."
        + (
            f" Rows: {shown_regions} of {all_regions} regions, the top level and those furthest below "
            "expectation over these periods (all of them under *Regions in the charts*)."
            if shown_regions < all_regions
            else ""
        )
    )
    periods = frame.sort("period_start").unique("period", maintain_order=True)["period"].to_list()
    counts = dict(frame.group_by("period").len().iter_rows())
    default_period = max(reversed(periods), key=lambda p: counts[p])
    period = st.selectbox(
        "Period for the bars", periods, index=periods.index(default_period), key="period", bind="query-params"
    )
    st.plotly_chart(
        charts.actual_vs_expectation_bars(charted.filter(pl.col("period") == period), series.metric_label),
        theme=None,
        key="bars",
    )

    tables = ui.tables_toggle()
    st.subheader("Comparisons behind these charts")
    ui.show_table(frame, "comparisons", grid=tables)
    st.subheader("Shortfall streaks")
    if streaks.is_empty():
        st.caption("no shortfall streaks at this grain")
    else:
        ui.show_table(streaks, "shortfall_streaks", grid=tables)
