"""The Impact page's counterfactual chart: the three CausalImpact panels (original vs counterfactual,
pointwise effect, cumulative effect), and the helpers it shares with `charts.did` (the
difference-in-differences gap and the treated region against its controls). Same `impact` template, palette
and unit scaling as the other charts (`charts.style`). Points sit in the middle of their period; the event is a dotted
vertical line at its date, and the shaded area starts at the first post-event period (the period containing
the event counts as "after", as in the estimators).
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts.style import TEMPLATE, empty_figure, value_scale, wrap
from pipelines.effects.periods import period_end, period_index, period_start

ACTUAL = "#000000"
COUNTERFACTUAL = "#0072B2"
BAND = "rgba(0, 114, 178, 0.18)"
EFFECT = "#D55E00"
EFFECT_BAND = "rgba(213, 94, 0, 0.18)"
POST_SHADE = "rgba(0, 0, 0, 0.045)"
CONTROL = "#009E73"


def _midpoint(start: dt.date, grain: str) -> dt.date:
    end = period_end(period_index(start, grain), grain)
    return start + (end - start) / 2


def _post_start(event_date: dt.date, grain: str) -> dt.date:
    return period_start(period_index(event_date, grain), grain)


def _mark_event(fig: go.Figure, event_date: dt.date, grain: str, x_end: dt.date, rows: int) -> None:
    """Shade the post-event periods and draw the event date as a dotted line on every row."""
    start = _post_start(event_date, grain)
    for row in range(1, rows + 1):
        fig.add_vrect(x0=start, x1=x_end, fillcolor=POST_SHADE, line_width=0, row=row, col=1)
        fig.add_vline(x=event_date, line=dict(color="#000", width=1.5, dash="dot"), row=row, col=1)
    fig.add_annotation(
        x=event_date,
        y=1.0,
        xref="x",
        yref="paper",
        text=f"event {event_date:%Y-%m-%d}",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font=dict(size=12),
    )


def _band(fig, x, lower, upper, colour, name, row, legend=True) -> None:
    fig.add_scatter(
        x=x, y=upper, mode="lines", line=dict(width=0), hoverinfo="skip", showlegend=False, row=row, col=1
    )
    fig.add_scatter(
        x=x,
        y=lower,
        mode="lines",
        line=dict(width=0),
        fill="tonexty",
        fillcolor=colour,
        name=name,
        hoverinfo="skip",
        showlegend=legend,
        row=row,
        col=1,
    )


def _left_titles(fig: go.Figure) -> None:
    """Subplot titles flush left, like the figure title, wrapped to lines that fit a phone's width (a
    subplot title never wraps by itself: at 390 px they ran past the chart's right edge)."""
    for annotation in fig.layout.annotations:
        annotation.update(x=0, xanchor="left", align="left", font_size=12, text=wrap(annotation.text, 46))


def _scaled(values, divisor):
    return [None if v is None else v / divisor for v in values]


def _original_row(fig, original, x, divisor, unit_label) -> None:
    """Row 1: the actual against the counterfactual and its 95% band."""
    periods = original["period"].to_list()
    _band(
        fig,
        x,
        _scaled(original["lower"], divisor),
        _scaled(original["upper"], divisor),
        BAND,
        "95% interval",
        1,
    )
    fig.add_scatter(
        x=x,
        y=_scaled(original["estimate"], divisor),
        mode="lines",
        name="counterfactual (before the event: one-step fit)",
        line=dict(color=COUNTERFACTUAL, dash="dash", width=2),
        customdata=periods,
        hovertemplate="%{customdata}: counterfactual %{y:,.2f} " + unit_label + "<extra></extra>",
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=x,
        y=_scaled(original["actual"], divisor),
        mode="lines+markers",
        name="actual",
        line=dict(color=ACTUAL, width=2.5),
        marker=dict(size=6),
        customdata=periods,
        hovertemplate="%{customdata}: actual %{y:,.2f} " + unit_label + "<extra></extra>",
        row=1,
        col=1,
    )


def _effect_rows(fig, pointwise, cumulative, x, grain, divisor, unit_label) -> None:
    """Row 2: the pointwise effect per period; row 3: the cumulative effect since the event."""
    _band(
        fig,
        x,
        _scaled(pointwise["lower"], divisor),
        _scaled(pointwise["upper"], divisor),
        EFFECT_BAND,
        "95% interval of the effect",
        2,
    )
    fig.add_scatter(
        x=x,
        y=_scaled(pointwise["estimate"], divisor),
        mode="lines+markers",
        name="effect",
        line=dict(color=EFFECT, width=2),
        marker=dict(size=5),
        customdata=pointwise["period"].to_list(),
        hovertemplate="%{customdata}: effect %{y:+,.2f} " + unit_label + "<extra></extra>",
        row=2,
        col=1,
    )
    post = cumulative.filter(pl.col("is_post"))
    x_post = [_midpoint(s, grain) for s in post["period_start"]]
    lower, upper = _scaled(post["lower"], divisor), _scaled(post["upper"], divisor)
    _band(fig, x_post, lower, upper, EFFECT_BAND, "", 3, legend=False)
    fig.add_scatter(
        x=x_post,
        y=_scaled(post["estimate"], divisor),
        mode="lines+markers",
        name="cumulative effect",
        line=dict(color=EFFECT, width=2.5),
        marker=dict(size=6),
        customdata=post["period"].to_list(),
        hovertemplate="to %{customdata}: %{y:+,.2f} " + unit_label + "<extra></extra>",
        showlegend=False,
        row=3,
        col=1,
    )
    for row in (2, 3):
        fig.add_hline(y=0, line=dict(color="#777", width=1), row=row, col=1)


PANEL_TITLES = (
    "1 · Actual against the counterfactual (what the model expects without the event)",
    "2 · Pointwise effect: actual minus counterfactual, per period",
    "3 · Cumulative effect since the event",
)


def effect_panels(
    panels: pl.DataFrame,
    event_date: dt.date,
    grain: str,
    unit: str | None = None,
    metric_label: str = "value",
) -> go.Figure:
    """The three CausalImpact panels from the counterfactual's tidy `panels` frame."""
    if panels.is_empty():
        return empty_figure("no counterfactual for this series")
    original = panels.filter(pl.col("panel") == "original").sort("position")
    pointwise = panels.filter(pl.col("panel") == "pointwise").sort("position")
    cumulative = panels.filter(pl.col("panel") == "cumulative").sort("position")
    divisor, unit_label = value_scale(
        unit, original["actual"].to_list() + original["upper"].to_list() + cumulative["upper"].to_list()
    )
    x = [_midpoint(s, grain) for s in original["period_start"]]
    fig = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.07,
        row_heights=[0.44, 0.28, 0.28],
        subplot_titles=PANEL_TITLES,
    )
    _left_titles(fig)
    _original_row(fig, original, x, divisor, unit_label)
    _effect_rows(fig, pointwise, cumulative, x, grain, divisor, unit_label)
    x_end = period_end(period_index(original["period_start"].max(), grain), grain)
    _mark_event(fig, event_date, grain, x_end, 3)
    fig.update_layout(
        template=TEMPLATE,
        height=760,
        margin=dict(t=56),
        title=dict(text=f"{metric_label}: counterfactual analysis · shaded = after the event", font_size=14),
        hovermode="x unified",
    )
    fig.update_yaxes(title_text=unit_label or "value", row=1, col=1)
    fig.update_yaxes(title_text=f"effect ({unit_label})" if unit_label else "effect", row=2, col=1)
    fig.update_yaxes(title_text=f"cumulative ({unit_label})" if unit_label else "cumulative", row=3, col=1)
    fig.update_xaxes(title_text="period", row=3, col=1)
    return fig
