"""The Evidence page's chart: where sources disagree about the same figure."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.style import (
    BOUND_SYMBOL,
    TEMPLATE,
    empty_figure,
    format_value,
    value_scale,
    wrap,
)

# Pixels per row: the row's label (up to two lines) above its bar and dots.
ROW_PX = 62


def one_unit(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the rows in the unit most rows have, the rest): one value axis cannot hold orders and USD together
    (with entity '(all)' the operator demo's order counts were drawn on a 'USD m' axis)."""
    if frame.is_empty() or frame["unit"].n_unique() <= 1:
        return frame, frame.clear()
    main = frame["unit"].fill_null("").value_counts(sort=True)["unit"][0]
    same = frame["unit"].fill_null("") == main
    return frame.filter(same), frame.filter(~same)


def disagreement_chart(frame: pl.DataFrame) -> go.Figure:
    """Each group of competing figures as a row: one dot per source, a bar from lowest to highest.

    Each row's label ('TikTok Shop · gmv · US · 2024 (actual)') is written above its bar, across the plot,
    not as a tick label to its left: as tick labels they took the left third of a laptop-wide chart, were
    cut off on the left (issue 16, fault 3), and left a phone's chart no plot at all (8 px at 390 px)."""
    if frame.is_empty():
        return empty_figure("no disagreement between sources for this selection")
    values = [v["value"] for r in frame["values_json"] for v in json.loads(r)]
    divisor, unit_label = value_scale(frame["unit"][0], values)
    fig = go.Figure()
    labels = [
        f"{e} · {m} · {r} · {p} ({k})"
        for e, m, r, p, k in frame.select(
            "entity", "metric", "region_code", "period", "kind_group"
        ).iter_rows()
    ]
    fig.add_bar(
        y=labels,
        x=[(hi - lo) / divisor for lo, hi in zip(frame["min_value"], frame["max_value"], strict=True)],
        base=[lo / divisor for lo in frame["min_value"]],
        orientation="h",
        width=0.3,
        marker_color="#e0e0e0",
        name="spread (lowest to highest)",
        hoverinfo="skip",
    )
    xs, ys, hover, symbols = [], [], [], []
    for label, raw in zip(labels, frame["values_json"], strict=True):
        for v in json.loads(raw):
            xs.append(v["value"] / divisor)
            ys.append(label)
            symbols.append(BOUND_SYMBOL.get(v["bound"], "circle"))
            hover.append(
                f"{v['kind']} {format_value(v['value'], divisor, v['bound'])} {unit_label}<br>source {v['source_id']} · as of {v['as_of']} · figure {v['figure_id']}"
            )
    fig.add_scatter(
        x=xs,
        y=ys,
        mode="markers",
        name="one source's figure",
        marker=dict(size=12, color="#0072B2", symbol=symbols),
        customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
    )
    fig.update_layout(
        template=TEMPLATE,
        height=max(240, 130 + ROW_PX * frame.height),
        title=dict(text="Where sources disagree (same thing, different numbers)", font_size=14),
        xaxis_title=f"value ({unit_label})",
        # reversed (first row on top), with room above the first row for its label
        yaxis=dict(
            type="category",
            range=[frame.height - 0.5, -0.9],
            showticklabels=False,
            showgrid=False,
            zeroline=False,
        ),
        annotations=[
            dict(
                text=wrap(label, 44),
                x=0,
                xref="paper",
                xanchor="left",
                y=label,
                yref="y",
                yanchor="bottom",
                yshift=9,
                showarrow=False,
                align="left",
                font=dict(size=12),
            )
            for label in labels
        ],
    )
    return fig
