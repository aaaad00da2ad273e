"""Pure chart builders for the Impact page: frames in, Plotly figures out. No Streamlit, no queries.

The three CausalImpact panels (original vs counterfactual, pointwise effect, cumulative effect), the
difference-in-differences gap, and the treated region against its controls. Same `impact` template, palette
and unit scaling as `dashboard/charts.py`. Points sit in the middle of their period; the event is a dotted
vertical line at its date, and the shaded area starts at the first post-event period (the period containing
the event counts as "after", as in the estimators).
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts import OKABE_ITO, TEMPLATE, empty_figure, value_scale
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
    """Subplot titles flush left, like the figure title."""
    for annotation in fig.layout.annotations:
        annotation.update(x=0, xanchor="left", font_size=13)


def _scaled(values, divisor):
    return [None if v is None else v / divisor for v in values]


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
    periods = original["period"].to_list()
    fig = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.07,
        row_heights=[0.44, 0.28, 0.28],
        subplot_titles=(
            "1 · Actual against the counterfactual (what the model expects without the event)",
            "2 · Pointwise effect: actual minus counterfactual, per period",
            "3 · Cumulative effect since the event",
        ),
    )
    _left_titles(fig)
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
        customdata=periods,
        hovertemplate="%{customdata}: effect %{y:+,.2f} " + unit_label + "<extra></extra>",
        row=2,
        col=1,
    )
    post = cumulative.filter(pl.col("is_post"))
    x_post = [_midpoint(s, grain) for s in post["period_start"]]
    _band(
        fig,
        x_post,
        _scaled(post["lower"], divisor),
        _scaled(post["upper"], divisor),
        EFFECT_BAND,
        "",
        3,
        legend=False,
    )
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
    x_end = period_end(period_index(original["period_start"].max(), grain), grain)
    _mark_event(fig, event_date, grain, x_end, 3)
    fig.update_layout(
        template=TEMPLATE,
        height=760,
        margin=dict(t=120),
        title=dict(text=f"{metric_label}: counterfactual analysis · shaded = after the event", font_size=14),
        legend=dict(y=1.06),
        hovermode="x unified",
    )
    fig.update_yaxes(title_text=unit_label or "value", row=1, col=1)
    fig.update_yaxes(title_text=f"effect ({unit_label})" if unit_label else "effect", row=2, col=1)
    fig.update_yaxes(title_text=f"cumulative ({unit_label})" if unit_label else "cumulative", row=3, col=1)
    fig.update_xaxes(title_text="period", row=3, col=1)
    return fig


def did_chart(
    gap: pl.DataFrame,
    event_date: dt.date,
    grain: str,
    scale: str,
    unit: str | None = None,
    treated_name: str = "treated",
    metric_label: str = "value",
) -> go.Figure:
    """Top: the treated series against the controls' mean. Bottom: the gap, with its average before and after.

    On the log scale the gap is shown as an index (treated relative to the controls, pre-event average = 100),
    so the drop of the line is the relative effect; on the level scale it is the difference in the unit.
    """
    if gap.is_empty():
        return empty_figure("no periods shared by the treated region and its controls")
    gap = gap.sort("position")
    event_idx = period_index(event_date, grain)
    starts = [period_start(event_idx + p, grain) for p in gap["position"]]
    x = [_midpoint(s, grain) for s in starts]
    periods = gap["period"].to_list()
    pre = gap.filter(~pl.col("is_post"))
    post = gap.filter(pl.col("is_post"))
    pre_mean = pre["gap"].mean() if pre.height else 0.0
    post_mean = post["gap"].mean() if post.height else None
    if scale == "log":
        import math

        y_gap = [100 * math.exp(g - pre_mean) for g in gap["gap"]]
        levels = (100.0, None if post_mean is None else 100 * math.exp(post_mean - pre_mean))
        gap_title, hover = "gap (index)", "%{y:.1f}"
    else:
        divisor_gap, gap_unit = value_scale(unit, gap["gap"].to_list())
        y_gap = [g / divisor_gap for g in gap["gap"]]
        levels = (pre_mean / divisor_gap, None if post_mean is None else post_mean / divisor_gap)
        gap_title, hover = f"treated minus controls ({gap_unit})", "%{y:+,.2f}"
    # Top row: both series indexed to their own pre-event average, so a small region and large controls
    # share one axis and a parallel path before the event is visible.
    base_t = pre["treated"].mean() if pre.height else None
    base_c = pre["control_mean"].mean() if pre.height else None
    indexed = bool(base_t and base_c and base_t > 0 and base_c > 0)
    if indexed:
        divisor, unit_label = 1.0, "index"
        gap = gap.with_columns(
            (100 * pl.col("treated") / base_t).alias("treated"),
            (100 * pl.col("control_mean") / base_c).alias("control_mean"),
        )
    else:
        divisor, unit_label = value_scale(unit, gap["treated"].to_list() + gap["control_mean"].to_list())
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=(
            f"{treated_name} and the average of the control regions"
            + (" (each indexed: pre-event average = 100)" if indexed else ""),
            "The gap between them: the estimate is how much its average moved after the event",
        ),
    )
    _left_titles(fig)
    fig.add_scatter(
        x=x,
        y=_scaled(gap["treated"], divisor),
        mode="lines+markers",
        name=treated_name,
        line=dict(color=ACTUAL, width=2.5),
        customdata=periods,
        hovertemplate="%{customdata}: %{y:,.2f} " + unit_label + "<extra>" + treated_name + "</extra>",
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=x,
        y=_scaled(gap["control_mean"], divisor),
        mode="lines+markers",
        name="controls (mean)",
        line=dict(color=CONTROL, width=2),
        customdata=periods,
        hovertemplate="%{customdata}: %{y:,.2f} " + unit_label + "<extra>controls</extra>",
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=x,
        y=y_gap,
        mode="lines+markers",
        name="gap",
        line=dict(color=EFFECT, width=2),
        customdata=periods,
        hovertemplate="%{customdata}: " + hover + "<extra>gap</extra>",
        row=2,
        col=1,
    )
    if pre.height:
        pre_x = [x[i] for i, p in enumerate(gap["is_post"]) if not p]
        fig.add_scatter(
            x=[pre_x[0], pre_x[-1]],
            y=[levels[0]] * 2,
            mode="lines",
            name="average before",
            line=dict(color="#555", width=2, dash="dash"),
            hoverinfo="skip",
            row=2,
            col=1,
        )
    if levels[1] is not None:
        post_x = [x[i] for i, p in enumerate(gap["is_post"]) if p]
        fig.add_scatter(
            x=[post_x[0], post_x[-1]],
            y=[levels[1]] * 2,
            mode="lines",
            name="average after",
            line=dict(color=EFFECT, width=3, dash="dash"),
            hoverinfo="skip",
            row=2,
            col=1,
        )
    x_end = period_end(event_idx + max(gap["position"]), grain)
    _mark_event(fig, event_date, grain, x_end, 2)
    fig.update_layout(
        template=TEMPLATE,
        height=560,
        margin=dict(t=120),
        title=dict(text=f"{metric_label}: difference-in-differences", font_size=14),
        legend=dict(y=1.08),
    )
    fig.update_yaxes(title_text=unit_label or "value", row=1, col=1)
    fig.update_yaxes(title_text=gap_title, row=2, col=1)
    fig.update_xaxes(title_text="period", row=2, col=1)
    return fig


def controls_chart(
    series: pl.DataFrame,
    treated: str,
    event_date: dt.date,
    grain: str,
    metric_label: str = "value",
) -> go.Figure:
    """Each region's series indexed to its own pre-event average (= 100): do the controls move like the
    treated region before the event? (Only then is the comparison after it meaningful.)"""
    if series.is_empty():
        return empty_figure("no figures for the treated region or its controls")
    post_start = _post_start(event_date, grain)
    fig = go.Figure()
    regions = series.select("region_code", "region_name").unique(maintain_order=True)
    order = [r for r in regions.iter_rows() if r[0] == treated] + [
        r for r in regions.iter_rows() if r[0] != treated
    ]
    colour = 0
    skipped = []
    for code, name in order:
        part = series.filter(pl.col("region_code") == code).sort("period_start")
        base = part.filter(pl.col("period_start") < post_start)["value"].mean()
        if base is None or base <= 0:
            skipped.append(name)
            continue
        is_treated = code == treated
        fig.add_scatter(
            x=[_midpoint(s, grain) for s in part["period_start"]],
            y=[100 * v / base for v in part["value"]],
            mode="lines+markers" if is_treated else "lines",
            name=f"{name} (treated)" if is_treated else name,
            line=dict(
                color=ACTUAL if is_treated else OKABE_ITO[colour % len(OKABE_ITO)],
                width=3 if is_treated else 1.6,
            ),
            customdata=part["period"].to_list(),
            hovertemplate="%{customdata}: %{y:.1f}<extra>" + name + "</extra>",
        )
        colour += 0 if is_treated else 1
    fig.add_hline(y=100, line=dict(color="#999", width=1))
    x_end = period_end(period_index(series["period_start"].max(), grain), grain)
    fig.add_vrect(x0=post_start, x1=x_end, fillcolor=POST_SHADE, line_width=0)
    fig.add_vline(x=event_date, line=dict(color="#000", width=1.5, dash="dot"))
    title = f"{metric_label}: treated region and controls, each indexed to its own pre-event average (= 100)"
    if skipped:
        title += f"<br><sup>not shown (no positive pre-event average): {', '.join(skipped)}</sup>"
    fig.update_layout(
        template=TEMPLATE,
        height=420,
        title=dict(text=title, font_size=14),
        yaxis_title="index (pre-event average = 100)",
        xaxis_title="period",
    )
    return fig
