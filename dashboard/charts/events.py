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

# Labels on the timeline (fault 7 of issue 16: names were only in the hover). A label is the title cut to
# LABEL_CHARS at a word boundary, placed above its dot, else below; a label that would overlap one already
# placed on the same row and side is left out (the hover still names every event). Widths are estimated for a
# PLOT_PX-wide plot area at LABEL_PX_PER_CHAR (Plotly's 11 px font averages about 6 px a character).
LABEL_CHARS = 26
PLOT_PX = 760
LABEL_PX_PER_CHAR = 6.2
LABEL_GAP_PX = 8


# words a cut label does not end on ("US House passes the…" reads as "US House passes…")
DANGLING = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "its"}


def short_label(title: str, limit: int = LABEL_CHARS) -> str:
    """The title, or its first words within `limit` characters (not ending on a small word such as 'the')
    and an ellipsis."""
    if len(title) <= limit:
        return title
    words = title[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-(").split(" ")
    while len(words) > 1 and words[-1].lower() in DANGLING:
        words.pop()
    if len(words) < 2:  # one word says little ('Illustrative…'): cut inside the next word instead
        return title[: limit - 1].rstrip() + "…"
    return " ".join(words).rstrip(" ,;:-(") + "…"


def label_places(frame: pl.DataFrame, plot_px: int = PLOT_PX) -> list[str | None]:
    """For each row of `frame` (date, row label `y`, title), where its label goes: a Plotly text position
    ('top center', 'bottom center'; 'top right' / 'top left' near the axis' ends, so it is not cut off), or
    None (no room: it would overlap a neighbour's label on the same row and side; the hover names it). Pure,
    in the frame's row order; the date axis is taken to span the frame's dates plus 5% each side, as Plotly
    pads a scatter's axis."""
    if frame.is_empty():
        return []
    days = [d.toordinal() for d in frame["date"].to_list()]
    span = max(max(days) - min(days), 1)
    px_per_day = plot_px / (span * 1.1)
    left, right = 0.0, plot_px  # the padded axis: its first day sits 5% of the span in
    order = sorted(range(frame.height), key=lambda i: (days[i], i))
    taken: dict[tuple[str, str], float] = {}  # (row, side) -> the right edge (px) of the last label there
    places: list[str | None] = [None] * frame.height
    for i in order:
        centre = (days[i] - min(days) + 0.05 * span) * px_per_day
        width = len(short_label(frame["title"][i])) * LABEL_PX_PER_CHAR
        if centre - width / 2 < left:
            start, align = centre, "right"
        elif centre + width / 2 > right:
            start, align = centre - width, "left"
        else:
            start, align = centre - width / 2, "center"
        for side in ("top", "bottom"):
            edge = taken.get((frame["y"][i], side))
            if edge is None or start >= edge + LABEL_GAP_PX:
                places[i] = f"{side} {align}"
                taken[(frame["y"][i], side)] = start + width
                break
    return places


def event_sources(frame: pl.DataFrame) -> list[str]:
    """'CTV News [ctvnews-2024-11-06]; Taiwanese business daily (citing WSJ) [brief-2024-11-tw-wsj]': every
    source of each event (a group of reports of one event cites them all, `catalog.events`)."""
    ids = col(frame, "source_ids")
    names = col(frame, "publishers")
    out = []
    for one_id, one_name, many, names_ in zip(
        frame["source_id"], col(frame, "publisher"), ids, names, strict=True
    ):
        pairs = list(zip(many, names_, strict=False)) if many else [(one_id, one_name)]
        out.append("; ".join(f"{p} [{i}]" if p else str(i) for i, p in pairs))
    return out


def reported_as(frame: pl.DataFrame) -> list[str]:
    """'' for an event reported once, else ' · reported as EV07, BRE03'."""
    return [f" · reported as {', '.join(r)}" if r and len(r) > 1 else "" for r in col(frame, "reported_as")]


def events_timeline(frame: pl.DataFrame, plot_px: int = PLOT_PX) -> go.Figure:
    """Events by jurisdiction (rows) over time, coloured by category; expected events hollow; each dot
    labelled with its short title where it fits (`label_places`), every title and source in the hover."""
    if frame.is_empty():
        return empty_figure("no events for this selection")
    frame = frame.with_columns(
        pl.Series(
            "y", [n or j for n, j in zip(col(frame, "jurisdiction_name"), frame["jurisdiction"], strict=True)]
        ),
    )
    frame = frame.with_columns(
        pl.Series("label_place", label_places(frame, plot_px), dtype=pl.String),
        pl.Series("all_sources", event_sources(frame)),
        pl.Series("reports", reported_as(frame)),
    )
    fig = go.Figure()
    for category in [c for c in EVENT_CATEGORIES if c in set(frame["category"].to_list())] + sorted(
        set(frame["category"].to_list()) - set(EVENT_CATEGORIES)
    ):
        part = frame.filter(pl.col("category") == category)
        colour = CATEGORY_COLOURS.get(category, "#000")
        places = part["label_place"].to_list()
        fig.add_scatter(
            x=part["date"].to_list(),
            y=part["y"].to_list(),
            mode="markers+text",
            name=category.replace("_", " "),
            text=[short_label(t) if p else "" for t, p in zip(part["title"], places, strict=True)],
            textposition=[p or "top center" for p in places],
            cliponaxis=False,  # a label near the axis' end is drawn whole
            textfont=dict(size=11, color="#333"),
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
                    part["all_sources"],
                    part["reports"],
                    strict=True,
                )
            ),
            hovertemplate="<b>%{customdata[0]}</b><br>%{x|%Y-%m-%d} (%{customdata[2]} precision) · %{customdata[1]}"
            "%{customdata[4]}<br>sources: %{customdata[3]}<extra>%{y}</extra>",
        )
    rows = sorted(set(frame["y"].to_list()))
    fig.update_layout(
        template=TEMPLATE,
        height=max(320, 200 + 70 * len(rows)),  # room for a label above and one below each row's dots
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
