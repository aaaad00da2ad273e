"""The pacing chart: cumulative actual to date against the straight-line path to a longer-period expectation
(a year's target paced by months). Rows of the `pacing` view in, a Plotly figure out; values labelled in the
view's `unit` (the expectation's unit, e.g. USD or orders).
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.style import (
    ABOVE,
    BELOW,
    BOUND_SYMBOL,
    IN_LINE,
    TEMPLATE,
    axis_title,
    empty_figure,
    format_value,
    value_scale,
)


def pacing_unit(frame: pl.DataFrame) -> str | None:
    """The unit of a pacing frame (its `unit` column: the expectation's unit); None when it has none."""
    if "unit" not in frame.columns:
        return None
    units = frame["unit"].drop_nulls()
    return units[0] if units.len() else None


def _actual_to_date(frame: pl.DataFrame, divisor: float) -> dict:
    """The actual-to-date markers, red when behind the straight-line pace, blue when ahead."""
    return dict(
        type="scatter",
        x=frame["to_date_end"].to_list(),
        y=[v / divisor for v in frame["actual_to_date"]],
        mode="markers+text",
        name="actual to date",
        marker=dict(
            size=14,
            color=[BELOW if (p or 0) < 1 else ABOVE for p in frame["pace_attainment"]],
            symbol=[BOUND_SYMBOL.get(b, "circle") for b in frame["actual_bound"]],
        ),
        text=[
            f"{format_value(v, divisor, b)}: {s:.0%} of it at {e:.0%} elapsed"
            for v, b, s, e in zip(
                frame["actual_to_date"],
                frame["actual_bound"],
                frame["share_achieved"],
                frame["elapsed_share"],
                strict=True,
            )
        ],
        textposition="top left",
        customdata=list(
            zip(
                frame["basis"],
                frame["source_ids"],
                frame["to_date_start"],
                [f"{p:.0%}" for p in frame["pace_attainment"]],
                strict=True,
            )
        ),
        hovertemplate="%{customdata[2]} to %{x}: %{text}<br>pace attainment %{customdata[3]} · %{customdata[0]}"
        "<br>source: %{customdata[1]}<extra></extra>",
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
        name="expected pace (straight line)",
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
    fig = go.Figure(data=[pace, whole, _actual_to_date(frame, divisor)])
    fig.update_layout(
        template=TEMPLATE,
        height=380,
        title=dict(
            text="Pacing: cumulative actual against the expectation for the whole period", font_size=14
        ),
        yaxis_title=axis_title(f"cumulative {metric_label}", unit_label),
        xaxis_title="date",
    )
    return fig
