"""Trends: actual and expected over time for chosen regions, with revisions, shortfalls, pacing and events."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import tables, widgets
from dashboard.charts.trends import trend_chart
from dashboard.data import catalog
from dashboard.data import connection as db
from dashboard.data import trends as data
from dashboard.figures import show_chart
from dashboard.sections.pacing import pacing_section
from dashboard.sections.unmatched import unmatched_notice

st.title("Trends: actual and expected over time")
ident = widgets.current_identity()
with db.reading(ident):  # one short connection for this render's uncached queries
    # the default kind and grain: the one rule of every page (widgets.default_view); its quarters when they
    # are reported, else (months summed into quarters are the Scorecard's) the finest grain drawn here
    series = widgets.series_ui(ident)
    if series is None:
        st.stop()
    widgets.illustrative_caption(ident, series.entity)
    unmatched_notice(ident, series.entity, series.metric)

    region_table = catalog.regions(ident)
    names = dict(zip(region_table["region_code"].to_list(), region_table["name"].to_list(), strict=True))
    counts = data.figure_counts_by_region(ident, series.entity, series.metric)
    chosen = widgets.regions_ui(widgets.region_choices(counts, set(names)), names)
    if not chosen:
        st.info("Pick at least one region in the sidebar.")
        st.stop()
    versus = widgets.versus_ui()
    shown_as_grids = widgets.tables_toggle()

    actuals = data.actuals(ident, series.entity, series.metric, chosen)
    vintages = data.vintages(ident, series.entity, series.metric, series.kind, chosen)
    both = set(actuals["grain"].to_list()) & set(vintages["grain"].to_list())
    either = set(actuals["grain"].to_list()) | set(vintages["grain"].to_list())
    grain = widgets.grain_ui(
        sorted(either),
        preferred=series.grain
        if series.grain in both
        else next((g for g in widgets.GRAIN_ORDER if g in both), None),
    )
    if grain is None:
        st.info("No figures at a year, half, quarter or month grain for these regions.")
    else:
        shown_actuals = actuals.filter(pl.col("grain") == grain)
        shown_vintages = vintages.filter(pl.col("grain") == grain)
        key = (series.entity, series.metric, series.kind, series.policy)
        priors = None
        if versus == "last year":
            priors = data.prior_year(ident, series.entity, series.metric, chosen).filter(
                pl.col("grain") == grain
            )
            # the first region's periods worse than a year earlier, in the metric's sense
            shortfalls = priors.filter(
                (pl.col("region_code") == chosen[0]) & (pl.col("favourable") == False)  # noqa: E712
            ).select("period_start", "period_end")
        else:
            shortfalls = data.shortfall_periods(ident, *key, grain, chosen[0])
        dates = shown_actuals["period_start"].to_list() + shown_vintages["period_start"].to_list()
        ends = shown_actuals["period_end"].to_list() + shown_vintages["period_end"].to_list()
        first, last = (min(dates), max(ends)) if dates else (dt.date.min, dt.date.max)
        nearby = data.events_for_entity(
            data.events_near_regions(ident, chosen), series.entity, data.entity_parents(ident)
        )
        nearby = nearby.filter(
            pl.col("date").is_between(first - dt.timedelta(days=92), last + dt.timedelta(days=92))
        )
        against = (
            "the same period a year earlier (dash-dot; fiscal years by the entity's calendar)"
            if priors is not None
            else f"{series.kind} (dashed: original; dotted: latest revision)"
        )
        worse = (
            "a year earlier"
            if priors is not None
            else f"its {series.kind} ({widgets.POLICIES[series.policy]})"
        )
        st.caption(
            f"{series.entity} · {series.metric_label} per {grain}: actual (solid) against {against}. "
            f"Marker shapes: ◆ approximate, ▼ at most, ▲ at least. Shaded: {names[chosen[0]]} worse than {worse}. "
            "Events: only those about this business or its group, in or above the shown regions; hollow = expected."
        )
        if priors is not None and priors.is_empty():
            st.info(f"No {grain} of these regions has an actual a year earlier to compare with.")
        show_chart(
            trend_chart(
                shown_actuals, shown_vintages, shortfalls, nearby, series.metric_label, priors=priors
            ),
            key="trend",
        )
        other = [g for g in widgets.GRAIN_ORDER if g in either and g != grain]
        if other:
            st.caption(f"Also reported at other grains: {', '.join(other)} (pick one under 'Period grain').")
        st.subheader("Figures in the chart")
        picked = {"entity": series.entity, "metric": series.metric, "grain": grain}
        tables.show_table(shown_actuals, "actuals", grid=shown_as_grids, selection=picked)
        if priors is not None:
            tables.show_table(priors, "against_last_year", grid=shown_as_grids, selection=picked)
        else:
            tables.show_table(
                shown_vintages,
                "expectation_vintages",
                grid=shown_as_grids,
                selection={**picked, "expectation_kind": series.kind},
            )
        tables.show_table(
            nearby.select(
                "date",
                "status",
                "jurisdiction",
                "category",
                "title",
                pl.col("publishers").list.join("; ").alias("sources"),
                pl.col("source_ids").list.join("; "),
                pl.col("reported_as").list.join("; "),
            ),
            "events_shown",
            grid=shown_as_grids,
            selection=picked,
        )

    st.subheader("Pacing against a longer-period expectation")
    paces = data.pacing(ident, series.entity, series.metric, series.policy, chosen)
    pacing_section(paces, names, series.metric_label, shown_as_grids)
