"""Scorecard: where and by how much a business falls short of expectations, region by region and period."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import tables, widgets
from dashboard.charts import scorecard as charts
from dashboard.charts.style import NEUTRAL_WORDS, value_scale
from dashboard.data import answers
from dashboard.data import connection as db
from dashboard.data import scorecard as data
from dashboard.figures import show_chart
from dashboard.sections import currency as money
from dashboard.sections.report_download import report_download_ui
from dashboard.sections.rollups import rollup_links
from dashboard.sections.tiles import headline_rows, scorecard_tiles
from dashboard.sections.unmatched import unmatched_notice

st.title("Scorecard: actuals against expectations")
ident = widgets.current_identity()
with db.reading(ident):  # one short connection for this render's uncached queries
    series = widgets.series_ui(ident)
    if series is None:
        st.stop()
    widgets.illustrative_caption(ident, series.entity)
    report_download_ui(ident, series)
    unmatched_notice(ident, series.entity, series.metric)
    versus = widgets.versus_ui()
    key = (series.entity, series.metric, series.kind, series.policy)
    if versus == "last year":
        prior = answers.prior_comparisons(ident, series.entity, series.metric)
        reported_grains, has_quarters = set(prior["grain"].to_list()), False
    else:
        reported_grains, has_quarters = data.comparison_grains(ident, *key)
    grain = widgets.grain_ui(
        sorted(reported_grains | ({"quarter"} if has_quarters else set())),
        # the grain of the pages' one default rule (widgets.default_view) when the plan is shown
        preferred=series.grain if versus == "plan" else None,
    )
    if grain is None and versus == "last year":
        st.info(
            f"No actual of {series.entity} · {series.metric_label} has the same period a year earlier: a missing "
            "prior year is left out, never read as zero."
        )
        st.stop()
    if grain is None:
        st.info(
            f"No comparison for {series.entity} · {series.metric_label} against its {series.kind} "
            f"({widgets.POLICIES[series.policy]}): the actuals and expectations cover different periods. "
            "The Trends page shows them side by side; try another expectation policy."
        )
        st.stop()
    if versus == "last year":
        frame = prior.filter(pl.col("grain") == grain)  # in the comparisons' columns
    else:
        frame = data.comparisons_at(ident, *key, grain, has_quarters)
    first_year, last_year = widgets.year_range_ui(sorted({d.year for d in frame["period_start"].to_list()}))
    frame = frame.filter(pl.col("period_start").dt.year().is_between(first_year, last_year))
    frame = widgets.region_levels_ui(frame)
    if frame.is_empty():
        st.info("No expectation for these regions and periods: widen the years or region levels.")
        st.stop()

    # the amounts in the currency chosen (USD, or each expectation's own); `frame` keeps both for the table
    currency = money.currency_ui(frame)
    shown = money.in_currency(frame, currency)
    headline = headline_rows(shown)
    latest = headline.row(-1, named=True)
    divisor, unit_label = value_scale(latest["unit"], shown["expectation"].to_list())
    against = (
        "the **same period a year earlier**"
        if versus == "last year"
        else f"its **{series.kind}**, {widgets.POLICIES[series.policy]}"
    )
    st.caption(
        f"{series.entity} · {series.metric_label} against {against}; per {grain}, {first_year}–{last_year}. Tiles: "
        f"{latest['region_name']}, latest {grain} {latest['period']}. Blue = better than expected, red = worse "
        "(in the metric's own sense: for costs, below budget is better); white or grey = in line, "
        f"{NEUTRAL_WORDS} (a figure given to three significant figures carries up to ±0.4 % of rounding). "
        + money.shown_words(frame, currency)
    )
    streaks = (
        data.streaks(ident, *key, grain=grain)
        if versus == "plan"
        else data.streaks(ident, *key, grain="none")
    )
    scorecard_tiles(shown, headline, streaks, grain, divisor, unit_label)

    charted = widgets.region_rows_ui(shown)
    # the filters an Evidence page opened from here keeps (entity, metric, kind), so Back returns to them
    # (the metric by its label: Evidence's metric box is bound to the address, which holds what it displays)
    kept = {"entity": series.entity, "metric": series.metric_label, "kind": series.kind}
    clicked = show_chart(
        charts.performance_heatmap(charted, series.metric_label),
        key="heatmap",
        dense=charts.cell_text_too_dense_for_phone(charted),
        clickable=True,
    )
    points = clicked.selection.points if clicked is not None else []
    cell = charts.heatmap_cell(charted, points[0]) if points else None
    if cell is not None:  # a clicked cell: its evidence, in this tab, with the filters kept
        st.switch_page(
            "app_pages/evidence.py",
            query_params=kept
            | {
                "region": cell["region_code"],
                "cell_period": cell["period"],  # not `period`: the bars' period widget is bound to it
                "start": cell["period_start"].isoformat(),
                "end": cell["period_end"].isoformat(),
            },
        )
    shown_regions, all_regions = charted["region_path"].n_unique(), shown["region_path"].n_unique()
    st.caption(
        "Empty cells: no comparison for that region and period. ≈ approximate figure, ± a bound "
        "('at most'/'at least'). Hover a cell for the actual, the expectation and their sources; click it "
        "for its figures on the Evidence page."
        + (
            f" Rows: {shown_regions} of {all_regions} regions, the top level and those furthest below "
            "expectation over these periods (all of them under *Regions in the charts*)."
            if shown_regions < all_regions
            else ""
        )
    )
    rollup_links(charted, kept)
    period = widgets.bar_period_ui(shown)
    bars = charted.filter(pl.col("period") == period)
    if bars["unit"].n_unique() > 1:  # regions in several currencies share one axis only in USD
        st.caption("The bars are in USD: the regions shown report in several currencies.")
        bars = frame.join(bars.select("region_path", "period"), on=["region_path", "period"], how="semi")
    show_chart(charts.actual_vs_expectation_bars(bars, series.metric_label), key="bars")

    shown_as_grids = widgets.tables_toggle()
    st.subheader("Comparisons behind these charts")
    chosen = dict(zip(("entity", "metric", "expectation_kind", "policy"), key, strict=True))
    chosen["grain"] = grain
    tables.show_table(frame, "comparisons", grid=shown_as_grids, selection=chosen)
    st.subheader("Shortfall streaks")
    if streaks.is_empty():
        st.caption("no shortfall streaks at this grain")
    else:
        tables.show_table(streaks, "shortfall_streaks", grid=shown_as_grids, selection=chosen)
