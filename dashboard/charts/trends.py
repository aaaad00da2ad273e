"""The Trends chart: actual and expectation vintages over time for chosen regions (top panel), the events as a
strip and vertical lines (bottom panel), the periods below expectation shaded.

The figure is assembled as plain dicts and validated once at the end: Plotly's add_scatter, make_subplots and
update_* re-walk the figure on every call (55 ms for the case study's chart, 90 ms at one million figures; one
go.Figure from dicts: 14 and 37 ms).
"""

from __future__ import annotations

import datetime as dt
import functools
import json

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts.events import event_sources
from dashboard.charts.style import (
    BOUND_SYMBOL,
    CATEGORY_COLOURS,
    EVENT_CATEGORIES,
    SHORTFALL_SHADE,
    STATUS_SYMBOL,
    TEMPLATE,
    axis_title,
    col,
    empty_figure,
    format_value,
    midpoints,
    region_colours,
    value_scale,
)

# Row 1 (values) and row 2 (the events strip) of the chart's two stacked panels with a shared x axis.
TOP = dict(xaxis="x", yaxis="y")
BOTTOM = dict(xaxis="x2", yaxis="y2")


@functools.cache
def _trend_axes() -> str:
    made = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.05)
    return json.dumps(made.layout.to_plotly_json())


def _trend_layout() -> dict:
    """The two panels' axes as make_subplots lays them out (computed once, a fresh copy per chart)."""
    return json.loads(_trend_axes())


def _shortfall_marks(shortfalls: pl.DataFrame) -> tuple[list[dict], list[dict]]:
    """(shapes, legend trace): one shaded rectangle per period below expectation.

    Shapes are plain dicts set once: Plotly's add_vrect re-validates every shape already there, so a hundred
    of them took seconds (10 years of monthly shortfalls and events)."""
    shapes = [
        dict(
            type="rect",
            xref="x",
            yref="y domain",
            x0=start,
            x1=end + dt.timedelta(days=1),
            y0=0,
            y1=1,
            fillcolor=SHORTFALL_SHADE,
            line=dict(width=0),
        )
        for start, end in zip(shortfalls["period_start"], shortfalls["period_end"], strict=True)
    ]
    legend = [
        dict(
            type="scatter",
            x=[None],
            y=[None],
            mode="markers",
            name="shortfall period",
            marker=dict(symbol="square", size=14, color=SHORTFALL_SHADE.replace("0.10", "0.35")),
            **TOP,
        )
    ]
    return shapes, legend if shortfalls.height else []


def _actual_trace(a: pl.DataFrame, name: str, colour: str, divisor: float, unit_label: str) -> dict:
    """One region's actuals: a solid line, markers shaped by bound, ranges as whiskers."""
    highs, lows = col(a, "value_high"), col(a, "value_low")
    return dict(
        type="scatter",
        x=midpoints(a),
        y=[v / divisor for v in a["value"]],
        mode="lines+markers",
        name=f"{name}: actual",
        line=dict(color=colour, width=3),
        marker=dict(size=11, symbol=[BOUND_SYMBOL.get(b, "circle") for b in a["bound"]]),
        error_y=dict(
            type="data",
            array=[(h - v) / divisor if h is not None else 0 for h, v in zip(highs, a["value"], strict=True)],
            arrayminus=[
                (v - lo) / divisor if lo is not None else 0 for lo, v in zip(lows, a["value"], strict=True)
            ],
            visible=any(h is not None for h in highs),
        ),
        customdata=list(
            zip(
                a["period"],
                [format_value(v, divisor, b) for v, b in zip(a["value"], a["bound"], strict=True)],
                [f"{p} [{s}]" for p, s in zip(a["publisher"], a["source_id"], strict=True)],
                a["kind"],
                strict=True,
            )
        ),
        hovertemplate="<b>%{customdata[0]}</b> actual %{customdata[1]} "
        + unit_label
        + " (%{customdata[3]})<br>source: %{customdata[2]}<extra>"
        + name
        + "</extra>",
        **TOP,
    )


def _vintage_line(line, name, kind, label, dash, colour, divisor, unit_label) -> dict:
    """The original (dashed) or latest (dotted) vintage of one expectation kind for one region."""
    values = zip(line["value"], line["bound"], col(line, "value_high"), strict=True)
    return dict(
        type="scatter",
        x=midpoints(line),
        y=[x / divisor for x in line["value"]],
        mode="lines+markers",
        name=f"{name}: {kind} ({label})" if label == "latest" else f"{name}: {kind}",
        line=dict(color=colour, dash=dash, width=2),
        marker=dict(size=9, symbol="line-ew-open" if label == "original" else "x-thin-open", line_width=2),
        customdata=list(
            zip(
                line["period"],
                [format_value(x, divisor, b, h) for x, b, h in values],
                line["as_of"],
                [f"{p} [{s}]" for p, s in zip(line["publisher"], line["source_id"], strict=True)],
                line["vintage"],
                line["vintages"],
                strict=True,
            )
        ),
        hovertemplate=f"<b>%{{customdata[0]}}</b> {kind} %{{customdata[1]}} {unit_label}"
        "<br>vintage %{customdata[4]} of %{customdata[5]}, as of %{customdata[2]}"
        f"<br>source: %{{customdata[3]}}<extra>{name}</extra>",
        **TOP,
    )


def _revision_marks(middle, name, kind, colour, divisor, unit_label) -> dict:
    """Revisions between the original and the latest vintage: hollow markers."""
    return dict(
        type="scatter",
        x=midpoints(middle),
        y=[x / divisor for x in middle["value"]],
        mode="markers",
        name=f"{name}: {kind} (revisions)",
        marker=dict(color=colour, symbol="circle-open", size=9),
        customdata=list(zip(middle["period"], middle["as_of"], middle["source_id"], strict=True)),
        hovertemplate=f"%{{customdata[0]}} revised {kind} %{{y:,.2f}} {unit_label}"
        f"<br>as of %{{customdata[1]}} · %{{customdata[2]}}<extra>{name}</extra>",
        **TOP,
    )


def _vintage_traces(v: pl.DataFrame, name: str, colour: str, divisor: float, unit_label: str) -> list[dict]:
    """Every expectation kind of one region: original, latest (when revised) and the revisions between."""
    traces = []
    for kind in sorted(set(v["kind"].to_list())):
        k = v.filter(pl.col("kind") == kind)
        for which, dash, label in (("is_original", "dash", "original"), ("is_latest", "dot", "latest")):
            line = k.filter(pl.col(which))
            if which == "is_latest" and line.select(pl.col("vintages").max()).item() == 1:
                continue  # a single vintage: the original line says it all
            traces.append(_vintage_line(line, name, kind, label, dash, colour, divisor, unit_label))
        middle = k.filter(~pl.col("is_original") & ~pl.col("is_latest"))
        if middle.height:
            traces.append(_revision_marks(middle, name, kind, colour, divisor, unit_label))
    return traces


def _prior_year_line(p: pl.DataFrame, name: str, colour: str, divisor: float, unit_label: str) -> dict:
    """One region's actuals of a year earlier drawn at this year's periods: a thin dash-dot line."""
    return dict(
        type="scatter",
        x=midpoints(p),
        y=[v / divisor for v in p["prior_actual"]],
        mode="lines+markers",
        name=f"{name}: last year",
        line=dict(color=colour, dash="dashdot", width=2),
        marker=dict(size=8, symbol="circle-open"),
        customdata=list(
            zip(
                p["period"],
                p["prior_period"],
                [
                    format_value(v, divisor, b)
                    for v, b in zip(p["prior_actual"], p["prior_bound"], strict=True)
                ],
                [f"{pub} [{s}]" for pub, s in zip(p["publisher"], p["prior_source_id"], strict=True)],
                strict=True,
            )
        ),
        hovertemplate="<b>%{customdata[0]}</b>: a year earlier (%{customdata[1]}) %{customdata[2]} "
        + unit_label
        + "<br>source: %{customdata[3]}<extra>"
        + name
        + "</extra>",
        **TOP,
    )


def trend_chart(
    actuals: pl.DataFrame,
    vintages: pl.DataFrame,
    shortfalls: pl.DataFrame,
    events: pl.DataFrame,
    metric_label: str = "value",
    priors: pl.DataFrame | None = None,
) -> go.Figure:
    """Actual and expectation vintages over time (top), events as a strip and lines (bottom). With `priors`
    (trends.prior_year's frame) the last year's actuals are drawn at this year's periods instead of the
    expectations ("against last year"); `shortfalls` then holds the periods worse than a year earlier."""
    if priors is not None:
        vintages = vintages.clear()
    if actuals.is_empty() and vintages.is_empty():
        return empty_figure("no figures for these regions at this grain")
    prior_values = priors["prior_actual"].to_list() if priors is not None else []
    unit = (actuals["unit"].to_list() + vintages["unit"].to_list() + [None])[0]
    divisor, unit_label = value_scale(
        unit, actuals["value"].to_list() + vintages["value"].to_list() + prior_values
    )
    regions = sorted(set(actuals["region_name"].to_list()) | set(vintages["region_name"].to_list()))
    palette = region_colours(regions)
    shapes, traces = _shortfall_marks(shortfalls)
    for name in regions:
        a = actuals.filter(pl.col("region_name") == name).sort("period_start")
        if a.height:
            traces.append(_actual_trace(a, name, palette[name], divisor, unit_label))
        v = vintages.filter(pl.col("region_name") == name).sort("period_start", "vintage")
        traces += _vintage_traces(v, name, palette[name], divisor, unit_label)
        p = priors.filter(pl.col("region_name") == name).sort("period_start") if priors is not None else None
        if p is not None and p.height:
            traces.append(_prior_year_line(p, name, palette[name], divisor, unit_label))
    event_traces, annotations, lines = _event_marks(events)
    layout = _trend_layout()
    entries = sum(1 for t in traces + event_traces if t.get("showlegend", True))
    layout.update(
        shapes=shapes + lines,
        annotations=annotations,
        template=TEMPLATE,
        # the plot keeps about 500 px; the legend below it takes up to a row per entry at a phone's width
        height=560 + 16 * entries,
        title=dict(
            text="Actual against last year · shaded: periods worse than a year earlier"
            if priors is not None
            else "Actual and expected over time · shaded: periods below expectation"
        ),
        hovermode="closest",
    )
    _label_axes(layout, events, axis_title(metric_label, unit_label))
    return go.Figure(data=traces + event_traces, layout=layout)


def _label_axes(layout: dict, events: pl.DataFrame, y_title: str) -> None:
    """Axis titles; the events strip's categories as its ticks; both x axes dates."""
    categories = (
        [c for c in EVENT_CATEGORIES if c in set(events["category"].to_list())] if events.height else []
    )
    layout["yaxis"]["title"] = dict(text=y_title)
    # The strip's rows are named by the legend ('event: ban'), not by tick labels: those took 60 px of a
    # phone's width beside the plot; vertical room for the legend under the plot is cheaper there.
    layout["yaxis2"].update(
        title=dict(text="events"),
        showgrid=False,
        type="category",
        categoryorder="array",
        categoryarray=categories,
        showticklabels=False,
    )
    # the legend-only trace has no x: never let plotly.js guess 'linear'
    layout["xaxis"]["type"] = "date"
    layout["xaxis2"].update(type="date", title=dict(text="period (points at the period's middle)"))


def _event_lines(events: pl.DataFrame) -> list[dict]:
    """Each event as a vertical line in the top panel (dotted when expected)."""
    return [
        dict(
            type="line",
            xref="x",
            yref="y domain",
            x0=day,
            x1=day,
            y0=0,
            y1=1,
            line=dict(
                color=CATEGORY_COLOURS.get(category, "#000"),
                width=1,
                dash="dot" if status == "expected" else "solid",
            ),
            opacity=0.55,
        )
        for day, category, status in zip(events["date"], events["category"], events["status"], strict=True)
    ]


def _event_marks(events: pl.DataFrame) -> tuple[list[dict], list[dict], list[dict]]:
    """(traces, annotations, shapes): event markers in the bottom strip, or a note that there are none; the
    events' vertical lines in the top panel.

    The note is placed on the paper (the middle of the strip's vertical domain), never on an axis: plotly.js
    counts an annotation on 'x2 domain' in the shared date axis's autorange, and an empty strip's default
    range (around 1970-01-01) stretched the x axis to 1961-2029."""
    if events.is_empty():
        strip = _trend_layout()["yaxis2"]["domain"]
        note = dict(
            text="no events in the shown regions and dates",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=(strip[0] + strip[1]) / 2,
            font=dict(color="#888"),
        )
        return [], [note], []
    traces = []
    for category in [c for c in EVENT_CATEGORIES if c in set(events["category"].to_list())]:
        part = events.filter(pl.col("category") == category)
        traces.append(
            dict(
                type="scatter",
                x=part["date"].to_list(),
                y=[category] * part.height,
                mode="markers",
                name=f"event: {category.replace('_', ' ')}",
                marker=dict(
                    size=12,
                    color=CATEGORY_COLOURS[category],
                    symbol=[STATUS_SYMBOL.get(s, "circle") for s in part["status"]],
                    line=dict(width=2, color=CATEGORY_COLOURS[category]),
                ),
                customdata=list(
                    zip(
                        part["title"],
                        part["status"],
                        col(part, "jurisdiction_name"),
                        part["date_precision"],
                        event_sources(part),  # every source of an event reported several times
                        strict=True,
                    )
                ),
                hovertemplate="<b>%{customdata[0]}</b><br>%{x|%Y-%m-%d} (%{customdata[3]} precision) · "
                "%{customdata[1]}<br>%{customdata[2]} · sources: %{customdata[4]}<extra></extra>",
                **BOTTOM,
            )
        )
    return traces, [], _event_lines(events)
