"""The Impact page's synthetic-control charts: the treated series against its synthetic, and the gap with the
placebo gaps behind it (the classic grey lines), and the donor weights. Frames of
`pipelines.effects.synthetic_control` in, Plotly figures out; the same template, palette and event marks as the
other effect charts (`charts.effects`)."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts.effects import (
    ACTUAL,
    COUNTERFACTUAL,
    EFFECT,
    _left_titles,
    _mark_event,
    _midpoint,
    _scaled,
)
from dashboard.charts.style import TEMPLATE, empty_figure, value_scale
from pipelines.effects.periods import period_end, period_index

PLACEBO = "rgba(120, 120, 120, 0.35)"
# ADH (2010) leave out of the gap plot the placebos the method cannot fit: pre-period RMSPE above 5 times the
# treated region's. The p-value still counts every placebo.
PLACEBO_FIT_LIMIT = 5.0


def shown_placebos(placebos: pl.DataFrame, treated: str) -> tuple[list[str], int]:
    """(donors whose placebo gap is drawn, how many are left out for a poor fit)."""
    limit = PLACEBO_FIT_LIMIT * placebos.filter(pl.col("region_code") == treated)["pre_rmspe"][0]
    others = placebos.filter(pl.col("region_code") != treated)
    kept = others.filter(pl.col("pre_rmspe") <= limit)["region_code"].to_list()
    return kept, others.height - len(kept)


def synthetic_chart(
    gaps: pl.DataFrame,
    placebo_gaps: pl.DataFrame,
    placebos: pl.DataFrame,
    treated: str,
    event_date: dt.date,
    grain: str,
    unit: str | None = None,
    treated_name: str = "treated",
    metric_label: str = "value",
) -> go.Figure:
    """Top: the treated series and its synthetic control. Bottom: the gap (treated minus synthetic) in black,
    each well-fitted donor's placebo gap in grey."""
    if gaps.is_empty():
        return empty_figure("no periods to compare")
    gaps = gaps.sort("period_start")
    divisor, unit_label = value_scale(unit, gaps["treated"].to_list() + gaps["synthetic"].to_list())
    x = [_midpoint(s, grain) for s in gaps["period_start"]]
    kept, dropped = shown_placebos(placebos, treated)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=(
            f"{treated_name} and its synthetic control",
            f"The gap, treated minus synthetic, against the placebo gaps of {len(kept)} donors"
            + (f" ({dropped} fitted too poorly left out)" if dropped else ""),
        ),
    )
    _left_titles(fig)
    periods = gaps["period"].to_list()
    for column, name, line in (
        ("treated", treated_name, dict(color=ACTUAL, width=2.5)),
        ("synthetic", "synthetic control", dict(color=COUNTERFACTUAL, width=2, dash="dash")),
    ):
        fig.add_scatter(
            x=x, y=_scaled(gaps[column], divisor), mode="lines+markers" if column == "treated" else "lines",
            name=name, line=line, customdata=periods,
            hovertemplate="%{customdata}: %{y:,.2f} " + unit_label + "<extra>" + name + "</extra>", row=1, col=1,
        )  # fmt: skip
    for i, code in enumerate(kept):
        part = placebo_gaps.filter(pl.col("region_code") == code).sort("period_start")
        fig.add_scatter(
            x=[_midpoint(s, grain) for s in part["period_start"]], y=_scaled(part["gap"], divisor), mode="lines",
            name="placebo gaps (donors)", legendgroup="placebo", showlegend=i == 0, line=dict(color=PLACEBO, width=1),
            customdata=part["period"].to_list(),
            hovertemplate="%{customdata}: %{y:+,.2f} " + unit_label + "<extra>" + code + "</extra>", row=2, col=1,
        )  # fmt: skip
    fig.add_scatter(
        x=x, y=_scaled(gaps["gap"], divisor), mode="lines+markers", name=f"gap of {treated_name}",
        line=dict(color=EFFECT, width=3), customdata=periods,
        hovertemplate="%{customdata}: %{y:+,.2f} " + unit_label + "<extra>gap</extra>", row=2, col=1,
    )  # fmt: skip
    fig.add_hline(y=0, line=dict(color="#777", width=1), row=2, col=1)
    x_end = period_end(period_index(gaps["period_start"].max(), grain), grain)
    _mark_event(fig, event_date, grain, x_end, 2)
    fig.update_layout(
        template=TEMPLATE,
        height=620,
        margin=dict(t=56),
        title=dict(text=f"{metric_label}: synthetic control · shaded = after the event", font_size=14),
    )
    fig.update_yaxes(title_text=unit_label or "value", row=1, col=1)
    fig.update_yaxes(title_text=f"gap ({unit_label})" if unit_label else "gap", row=2, col=1)
    fig.update_xaxes(title_text="period", row=2, col=1)
    return fig


def weights_chart(weights: dict[str, float], names: dict[str, str]) -> go.Figure:
    """The donors with a weight, largest on top."""
    if not weights:
        return empty_figure("no donor weights")
    items = sorted(weights.items(), key=lambda kv: kv[1])
    # the axis names each bar by its short code and the bar carries the region's name with its weight: long
    # names as tick labels took a third of a phone's width from the plot (237 of 374 px)
    names_shown = [names.get(code, code) for code, _ in items]
    fig = go.Figure(
        go.Bar(
            x=[w for _, w in items], y=[code for code, _ in items], orientation="h", marker_color=COUNTERFACTUAL,
            text=[f"{n} {w:.3f}" for n, (_, w) in zip(names_shown, items, strict=True)], textposition="auto",
            cliponaxis=False, customdata=names_shown,
            hovertemplate="%{customdata} (%{y}): weight %{x:.3f}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(
        template=TEMPLATE,
        height=max(220, 40 + 28 * len(items)),
        title=dict(text="Donor weights (non-negative, summing to one)", font_size=14),
        xaxis=dict(title="weight", range=[0, min(1.0, max(weights.values()) * 1.15)]),
        margin=dict(l=10),
    )
    return fig
