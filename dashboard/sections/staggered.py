"""The Impact page's staggered adoption: the chosen event with the same kind of event in other regions at other
dates (a law state by state), estimated by Sun & Abraham (`pipelines.effects.staggered`, pyfixest), two-way
fixed effects beside it. The other events are chosen in the page (`?staggered=L2&staggered=L3`); the page's window
(`?pre=..&post=..`, read for the page's event) is kept by every cohort around its own event."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import widgets
from dashboard.charts.style import TEMPLATE
from dashboard.data import connection as db
from dashboard.data import impact as data
from dashboard.figures import show_chart
from dashboard.text import md, page_words
from pipelines.effects.results import Refusal


def same_kind(events: pl.DataFrame, event: dict) -> pl.DataFrame:
    """Events of the chosen one's category and entity in other regions that have happened."""
    same_entity = (
        pl.col("entity").is_null() if event["entity"] is None else pl.col("entity") == event["entity"]
    )
    return events.filter(
        (pl.col("category") == event["category"])
        & same_entity
        & (pl.col("jurisdiction") != event["jurisdiction"])
        & (pl.col("status") != "expected")
    ).sort("date", "event_id")


def event_time_chart(rows: list[dict], unit: str | None) -> go.Figure:
    """Effects by period since the event with their 95% intervals (the reference period -1 at zero)."""
    rel = [r["rel"] for r in rows]
    fig = go.Figure(layout=dict(template=TEMPLATE, height=320))
    fig.add_trace(go.Scatter(x=rel + rel[::-1], y=[r["upper"] for r in rows] + [r["lower"] for r in rows][::-1],
                             fill="toself", fillcolor="rgba(33,102,172,0.15)", line=dict(width=0),
                             name="95% interval", hoverinfo="skip"))  # fmt: skip
    fig.add_trace(go.Scatter(x=rel, y=[r["estimate"] for r in rows], mode="lines+markers", name="effect",
                             line=dict(color="#2166ac")))  # fmt: skip
    fig.add_hline(y=0, line=dict(color="#8c8c8c", dash="dot"))
    fig.add_vline(x=-0.5, line=dict(color="#b2182b", dash="dash"))
    fig.update_layout(
        title="Effect by period since the event (Sun & Abraham)<br>before the dashed line: the placebo "
        "effects parallel trends say are zero",
        xaxis_title="periods since the event (0: the first period it acts on)",
        yaxis_title=f"effect ({unit})" if unit else "effect",
    )
    return fig


def staggered_section(
    ident: db.Identity, event: dict, events: pl.DataFrame, choice, unit: str | None
) -> None:
    """The multiselect of same-kind events and, when some are chosen, the staggered estimate."""
    others = same_kind(events, event)
    if others.is_empty():
        return
    st.subheader("Staggered adoption: the same kind of event in other regions")
    labels = {r["event_id"]: f"{r['event_id']} · {r['jurisdiction']} · {r['date']} · {r['title']}"
              for r in others.iter_rows(named=True)}  # fmt: skip
    chosen = widgets.url_choice(
        st.multiselect, "Events in other regions", list(labels), "staggered", [], format_func=labels.get,
        help="Each event's region is a treated region from the first period the event acts on; regions never "
        "treated are the controls. Estimated by Sun & Abraham's event study (pyfixest).",
    )  # fmt: skip
    if not chosen:
        st.caption(f"{len(labels)} events of the same category ({md(event['category'])}) elsewhere: choose some to "
                   "estimate one effect over every region by its own date.")  # fmt: skip
        return
    with st.spinner("Estimating the staggered adoption (the first time loads pyfixest)…"):
        result = data.staggered(
            ident, (event["event_id"], *chosen), choice.metric, choice.entity, choice.grain, choice.pre,
            choice.post,
        )  # fmt: skip
    if result.error:
        st.info(f"**No staggered estimate**: {md(page_words(result.error))}")
        return
    report = result.report
    est = report.estimate
    if isinstance(est, Refusal):
        st.info(f"**Staggered difference-in-differences refused**: {md(est.reason)}")
        return
    att, twfe = est.att, est.twfe
    cols = st.columns(3)
    cols[0].metric("Average effect on the treated", f"{att.estimate:+,.4g}")
    cols[1].metric("95% interval", f"{att.lower:+,.4g} to {att.upper:+,.4g}")
    cols[2].metric("Two-way fixed effects (biased)", f"{twfe['estimate']:+,.4g}")
    excludes = att.lower > 0 or att.upper < 0
    st.markdown(
        f"Over {len(est.treated)} treated regions and {len(est.controls)} never-treated controls "
        f"({est.periods[0]} to {est.periods[1]}), the events changed {md(choice.metric_label)} by "
        f"**{att.estimate:+,.4g}**{f' ({md(unit)})' if unit else ''} per treated region and {choice.grain} on average (95% interval {att.lower:+,.4g} to "
        f"{att.upper:+,.4g}, {'excluding' if excludes else 'including'} zero). Two-way fixed effects gives "
        f"{twfe['estimate']:+,.4g}: it is biased when the effect differs by region or grows after the event. "
        f"Method: {est.method}; interval: t, errors clustered by region."
    )
    if report.window:
        st.caption(f"Window: {md(report.window.text)}")
    for note in est.notes:
        (st.warning if note.startswith("WARNING") else st.caption)(md(note))
    show_chart(event_time_chart(est.event_time, unit), key="staggered_event_time")
    st.dataframe(pl.DataFrame([{"first period": c["first_period"], "regions": ", ".join(c["regions"]),
                                "effect": c["effect"]} for c in est.cohorts]), hide_index=True)  # fmt: skip
    pool = report.donor_pool
    with st.expander(f"Controls: {len(pool.donors)} regions never treated, {len(pool.left_out)} left out"):
        st.caption(md(pool.rule))
        st.dataframe(pl.DataFrame(pool.left_out or [{"region_code": "", "name": "", "reason": ""}]),
                     hide_index=True)  # fmt: skip
