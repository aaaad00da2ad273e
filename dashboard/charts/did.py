"""The Impact page's difference-in-differences charts: the treated series against the controls' mean with the
gap between them, and every region indexed to its own pre-event average. Frames of `pipelines.effects` in,
Plotly figures out.
"""

from __future__ import annotations

import datetime as dt
import math

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts.effects import (
    ACTUAL,
    CONTROL,
    EFFECT,
    POST_SHADE,
    _left_titles,
    _mark_event,
    _midpoint,
    _post_start,
    _scaled,
)
from dashboard.charts.style import OKABE_ITO, TEMPLATE, empty_figure, value_scale
from pipelines.effects.periods import period_end, period_index, period_start


def _gap_levels(gap: pl.DataFrame, scale: str, unit: str | None):
    """(gap values to plot, (average before, average after), axis title, hover format).

    On the log scale the gap is an index (treated relative to the controls, pre-event average = 100), so the
    drop of the line is the relative effect; on the level scale it is the difference in the unit."""
    pre, post = gap.filter(~pl.col("is_post")), gap.filter(pl.col("is_post"))
    pre_mean = pre["gap"].mean() if pre.height else 0.0
    post_mean = post["gap"].mean() if post.height else None
    if scale == "log":
        y_gap = [100 * math.exp(g - pre_mean) for g in gap["gap"]]
        levels = (100.0, None if post_mean is None else 100 * math.exp(post_mean - pre_mean))
        return y_gap, levels, "gap (index)", "%{y:.1f}"
    divisor, gap_unit = value_scale(unit, gap["gap"].to_list())
    y_gap = [g / divisor for g in gap["gap"]]
    levels = (pre_mean / divisor, None if post_mean is None else post_mean / divisor)
    return y_gap, levels, f"treated minus controls ({gap_unit})", "%{y:+,.2f}"


def _indexed(gap: pl.DataFrame, unit: str | None):
    """(gap, divisor, unit label, indexed): both series indexed to their own pre-event average when both are
    positive, so a small region and large controls share one axis and a parallel path before the event shows."""
    pre = gap.filter(~pl.col("is_post"))
    base_t = pre["treated"].mean() if pre.height else None
    base_c = pre["control_mean"].mean() if pre.height else None
    if base_t and base_c and base_t > 0 and base_c > 0:
        gap = gap.with_columns(
            (100 * pl.col("treated") / base_t).alias("treated"),
            (100 * pl.col("control_mean") / base_c).alias("control_mean"),
        )
        return gap, 1.0, "index", True
    divisor, unit_label = value_scale(unit, gap["treated"].to_list() + gap["control_mean"].to_list())
    return gap, divisor, unit_label, False


def _series_row(fig, gap, x, divisor, unit_label, treated_name) -> None:
    """Row 1: the treated region and the controls' mean."""
    periods = gap["period"].to_list()
    for column, name, line, extra in (
        ("treated", treated_name, dict(color=ACTUAL, width=2.5), treated_name),
        ("control_mean", "controls (mean)", dict(color=CONTROL, width=2), "controls"),
    ):
        fig.add_scatter(
            x=x,
            y=_scaled(gap[column], divisor),
            mode="lines+markers",
            name=name,
            line=line,
            customdata=periods,
            hovertemplate="%{customdata}: %{y:,.2f} " + unit_label + "<extra>" + extra + "</extra>",
            row=1,
            col=1,
        )


def _gap_row(fig, gap, x, y_gap, levels, hover) -> None:
    """Row 2: the gap, with its average before and after the event as dashed lines."""
    fig.add_scatter(
        x=x,
        y=y_gap,
        mode="lines+markers",
        name="gap",
        line=dict(color=EFFECT, width=2),
        customdata=gap["period"].to_list(),
        hovertemplate="%{customdata}: " + hover + "<extra>gap</extra>",
        row=2,
        col=1,
    )
    before = [x[i] for i, p in enumerate(gap["is_post"]) if not p]
    after = [x[i] for i, p in enumerate(gap["is_post"]) if p]
    for xs, level, name, line in (
        (before, levels[0], "average before", dict(color="#555", width=2, dash="dash")),
        (after, levels[1], "average after", dict(color=EFFECT, width=3, dash="dash")),
    ):
        if xs and level is not None:
            fig.add_scatter(
                x=[xs[0], xs[-1]],
                y=[level] * 2,
                mode="lines",
                name=name,
                line=line,
                hoverinfo="skip",
                row=2,
                col=1,
            )


def did_chart(
    gap: pl.DataFrame,
    event_date: dt.date,
    grain: str,
    scale: str,
    unit: str | None = None,
    treated_name: str = "treated",
    metric_label: str = "value",
) -> go.Figure:
    """Top: the treated series against the controls' mean. Bottom: the gap, with its average before and after
    (an index on the log scale, the difference in the unit on the level scale)."""
    if gap.is_empty():
        return empty_figure("no periods shared by the treated region and its controls")
    gap = gap.sort("position")
    event_idx = period_index(event_date, grain)
    x = [_midpoint(period_start(event_idx + p, grain), grain) for p in gap["position"]]
    y_gap, levels, gap_title, hover = _gap_levels(gap, scale, unit)
    gap, divisor, unit_label, indexed = _indexed(gap, unit)
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
    _series_row(fig, gap, x, divisor, unit_label, treated_name)
    _gap_row(fig, gap, x, y_gap, levels, hover)
    x_end = period_end(event_idx + max(gap["position"]), grain)
    _mark_event(fig, event_date, grain, x_end, 2)
    fig.update_layout(
        template=TEMPLATE,
        height=560,
        margin=dict(t=56),
        title=dict(text=f"{metric_label}: difference-in-differences", font_size=14),
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
