"""The Events page's charts: the events by jurisdiction over time, and the periods around one event."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.style import (
    BELOW,
    BOUND_SYMBOL,
    CATEGORY_COLOURS,
    EVENT_CATEGORIES,
    STATUS_SYMBOL,
    TEMPLATE,
    axis_title,
    col,
    empty_figure,
    midpoints,
    region_colours,
    sense_words,
    value_scale,
)


def events_timeline(frame: pl.DataFrame) -> go.Figure:
    """Events by jurisdiction (rows) over time, coloured by category; expected events hollow."""
    if frame.is_empty():
        return empty_figure("no events for this selection")
    fig = go.Figure()
    for category in [c for c in EVENT_CATEGORIES if c in set(frame["category"].to_list())] + sorted(
        set(frame["category"].to_list()) - set(EVENT_CATEGORIES)
    ):
        part = frame.filter(pl.col("category") == category)
        colour = CATEGORY_COLOURS.get(category, "#000")
        fig.add_scatter(
            x=part["date"].to_list(),
            y=[n or j for n, j in zip(col(part, "jurisdiction_name"), part["jurisdiction"], strict=True)],
            mode="markers",
            name=category.replace("_", " "),
            marker=dict(
                size=14,
                color=colour,
                symbol=[STATUS_SYMBOL.get(s, "circle") for s in part["status"]],
                line=dict(width=2, color=colour),
            ),
            customdata=list(
                zip(
                    part["title"],
                    part["status"],
                    part["date_precision"],
                    part["source_id"],
                    col(part, "publisher"),
                    strict=True,
                )
            ),
            hovertemplate="<b>%{customdata[0]}</b><br>%{x|%Y-%m-%d} (%{customdata[2]} precision) · %{customdata[1]}"
            "<br>source: %{customdata[4]} [%{customdata[3]}]<extra>%{y}</extra>",
        )
    rows = sorted(set(fig.data[0].y).union(*(t.y for t in fig.data)))
    fig.update_layout(
        template=TEMPLATE,
        height=max(300, 200 + 40 * len(rows)),
        title=dict(
            text="Events by jurisdiction · filled = occurred, ◇ = announced, hollow = expected", font_size=14
        ),
        xaxis_title="date",
        yaxis=dict(title="jurisdiction", type="category"),
    )
    return fig


def event_window_chart(frame: pl.DataFrame, event_date: dt.date, metric_label: str = "value") -> go.Figure:
    """Periods around one event: actual (solid) and expectation (dashed) per region, the event as a line."""
    if frame.is_empty():
        return empty_figure("no figures around this event in the affected regions")
    divisor, unit_label = value_scale(
        frame["unit"][0], frame["actual"].to_list() + frame["expectation"].to_list()
    )
    fig = go.Figure()
    palette = region_colours(set(frame["region_name"].to_list()))
    for name in sorted(palette):
        part = frame.filter(pl.col("region_name") == name).sort("period_start")
        colour = palette[name]
        mids = midpoints(part)
        fig.add_scatter(
            x=mids,
            y=[v / divisor if v is not None else None for v in part["actual"]],
            mode="lines+markers",
            name=f"{name}: actual",
            line=dict(color=colour, width=3),
            marker=dict(
                size=11,
                symbol=[BOUND_SYMBOL.get(b or "exact", "circle") for b in part["actual_bound"]],
                color=[BELOW if s else colour for s in part["is_shortfall"]],
            ),
            customdata=list(
                zip(
                    part["period"],
                    part["actual_source_id"],
                    [
                        "no expectation" if e is None else sense_words(f, p)
                        for e, f, p in zip(
                            part["expectation"],
                            col(part, "favourable"),
                            col(part, "performance_pct"),
                            strict=True,
                        )
                    ],
                    strict=True,
                )
            ),
            hovertemplate="%{customdata[0]}: %{y:,.2f} " + unit_label + "<br>%{customdata[2]}"
            "<br>source %{customdata[1]}<extra>" + name + "</extra>",
        )
        if part["expectation"].drop_nulls().len():
            fig.add_scatter(
                x=mids,
                y=[v / divisor if v is not None else None for v in part["expectation"]],
                mode="lines+markers",
                name=f"{name}: expected",
                line=dict(color=colour, dash="dash"),
                marker=dict(symbol="line-ew-open", size=10, line_width=2),
            )
    fig.add_vline(x=event_date, line=dict(color="#000", width=2, dash="dot"))
    fig.add_annotation(x=event_date, y=1, yref="paper", text="event", showarrow=False, yanchor="bottom")
    fig.update_layout(
        template=TEMPLATE,
        height=380,
        title=dict(text="Before and after the event (red markers: below expectation)", font_size=14),
        yaxis_title=axis_title(metric_label, unit_label),
        xaxis_title="period (middle)",
    )
    return fig
