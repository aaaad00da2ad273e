"""The pacing chart: cumulative actual to date against the cumulative goal line (the straight-line path to a
longer-period expectation: a year's target paced by months, a month's by days), with the run-rate landing. Rows of the `pacing` view in, a Plotly figure out; values labelled in the
view's `unit` (the expectation's unit, e.g. USD or orders).
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.style import (
    BOUND_SYMBOL,
    IN_LINE,
    SENSE_COLOURS,
    TEMPLATE,
    axis_title,
    empty_figure,
    format_value,
    sense_words,
    value_scale,
)


def pacing_unit(frame: pl.DataFrame) -> str | None:
    """The unit of a pacing frame (its `unit` column: the expectation's unit); None when it has none."""
    if "unit" not in frame.columns:
        return None
    units = frame["unit"].drop_nulls()
    return units[0] if units.len() else None


MAX_POINT_LABELS = 12  # to-date points labelled on the chart (daily actuals: the values stay in the hover)


def _actual_to_date(frame: pl.DataFrame, divisor: float) -> dict:
    """The actual-to-date markers, blue when ahead of the goal line, red when behind it, in the metric's own
    sense (`pacing.favourable`: for a cost, behind the line is better); joined by a line when there are many
    (every day of a month)."""
    many = frame.height > MAX_POINT_LABELS
    favourable = frame["favourable"].to_list() if "favourable" in frame.columns else [None] * frame.height
    performance = frame["performance_pct"].to_list() if "performance_pct" in frame.columns else favourable
    return dict(
        type="scatter",
        x=frame["to_date_end"].to_list(),
        y=[v / divisor for v in frame["actual_to_date"]],
        mode="lines+markers" if many else "markers+text",
        name="actual to date",
        line=dict(color="#555", width=1),
        marker=dict(
            size=8 if many else 14,
            color=[SENSE_COLOURS[f] for f in favourable],
            symbol=[BOUND_SYMBOL.get(b, "circle") for b in frame["actual_bound"]],
        ),
        # on the chart the value and the share achieved ('8.5 (65%)'), the sentence in the hover: the sentence
        # ('8.5: 65% of it at 67% elapsed', 170 px) ran off a phone's plot on the left
        text=[
            f"{format_value(v, divisor, b)} ({s:.0%})"
            for v, b, s in zip(
                frame["actual_to_date"], frame["actual_bound"], frame["share_achieved"], strict=True
            )
        ],
        # the last point sits at the period's end, the plot's right edge: its label goes to its left
        textposition=["top center"] * (frame.height - 1) + ["top left"],
        customdata=list(
            zip(
                frame["basis"],
                frame["source_ids"],
                frame["to_date_start"],
                ["n/a" if p is None else f"{p:.0%}" for p in frame["pace_attainment"]],
                [sense_words(f, p) for f, p in zip(favourable, performance, strict=True)],
                [
                    f"{format_value(v, divisor, b)}: {s:.0%} of it at {e:.0%} elapsed"
                    for v, b, s, e in zip(
                        frame["actual_to_date"],
                        frame["actual_bound"],
                        frame["share_achieved"],
                        frame["elapsed_share"],
                        strict=True,
                    )
                ],
                strict=True,
            )
        ),
        hovertemplate="%{customdata[2]} to %{x}: %{customdata[5]}<br>%{customdata[4]} (pace %{customdata[3]}) · "
        "%{customdata[0]}<br>source: %{customdata[1]}<extra></extra>",
    )


def _run_rate(frame: pl.DataFrame, divisor: float, end) -> dict:
    """From the latest point to where the period lands at the current pace (`run_rate_projection`)."""
    last = frame.sort("to_date_end").row(-1, named=True)
    return dict(
        type="scatter",
        x=[last["to_date_end"], end],
        y=[last["actual_to_date"] / divisor, last["run_rate_projection"] / divisor],
        mode="lines+markers",
        name="run-rate landing",
        line=dict(color=SENSE_COLOURS[last.get("favourable")], dash="dot", width=2),
        marker=dict(size=[0, 10], color=SENSE_COLOURS[last.get("favourable")]),
        hovertemplate="lands at %{y:,.2f} at this pace<extra></extra>",
    )


def _reported_landing(first: dict, landed: float, divisor: float, end, unit_label: str) -> dict:
    """The actual reported for the whole period, at its end: where the period really landed (a run-rate from
    a Jan-May point beside it would read as a forecast of a year already reported)."""
    return dict(
        type="scatter",
        x=[end],
        y=[landed / divisor],
        mode="markers",
        name=f"reported for {first['expectation_period']}",
        # neutral: better or worse is the Scorecard's to say, in the metric's own sense (not known here)
        marker=dict(size=12, symbol="diamond", color="#222222"),
        hovertemplate=f"reported for {first['expectation_period']}: %{{y:,.2f}} {unit_label}"
        f" · {first.get('period_actual_source_id') or ''}<extra></extra>",
    )


def pacing_chart(frame: pl.DataFrame, metric_label: str = "value") -> go.Figure:
    """One expectation: the straight-line path to it, and the actuals-to-date against that path, in the
    frame's unit (`pacing.unit`)."""
    if frame.is_empty():
        return empty_figure("no actual-to-date for a longer-period expectation here")
    first = frame.row(0, named=True)
    values = [first["expectation"], *frame["actual_to_date"].to_list()]
    divisor, unit_label = value_scale(pacing_unit(frame), values)
    start, end = first["expectation_start"], first["expectation_end"] + dt.timedelta(days=1)
    target = first["expectation"] / divisor
    pace = dict(
        type="scatter",
        x=[start, end],
        y=[0, target],
        mode="lines",
        name="cumulative goal (straight line)",
        line=dict(color=IN_LINE, dash="dash"),
    )
    whole = dict(
        type="scatter",
        x=[start, end],
        y=[target, target],
        mode="lines",
        name=f"{first['expectation_kind']} for {first['expectation_period']}",
        line=dict(color="#555", width=1),
        hovertemplate="%{y:,.2f} " + unit_label + "<extra></extra>",
    )
    traces = [pace, whole, _actual_to_date(frame, divisor)]
    landed = first.get("period_actual")
    if landed is not None:  # the period is over: where it landed, not a run-rate from the last point
        traces.append(_reported_landing(first, landed, divisor, end, unit_label))
    elif "is_complete" not in frame.columns or not frame["is_complete"].any():
        traces.append(_run_rate(frame, divisor, end))
    fig = go.Figure(data=traces)
    # head room above the highest point for its label (Plotly's autorange leaves room for markers, not text)
    ys = [y for t in traces for y in t["y"] if y is not None]
    low, high = min(0.0, *ys), max(0.0, *ys)
    fig.update_layout(
        template=TEMPLATE,
        height=380,
        yaxis_range=[low - 0.04 * (high - low), high + 0.16 * (high - low or 1)],
        title=dict(
            text="Pacing: cumulative actual against the expectation for the whole period", font_size=14
        ),
        yaxis_title=axis_title(f"cumulative {metric_label}", unit_label),
        xaxis_title="date",
    )
    return fig
