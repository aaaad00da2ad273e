"""The Scorecard's charts: performance against expectation by region and period (heatmap, coloured in the
metric's own sense: `favourable` / `performance_pct`), and actual against expectation for one period
(grouped bars, coloured better / worse than expected). Frames of `dashboard.data.scorecard.comparisons` in, Plotly figures out.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import polars as pl
from babel.numbers import get_currency_symbol, is_currency

from dashboard.charts.style import (
    BOUND_WORDS,
    EXPECTATION,
    HEATMAP_RANGE,
    NEUTRAL_BAND,
    NEUTRAL_WORDS,
    SENSE_COLOURS,
    TEMPLATE,
    attainment_words,
    axis_title,
    col,
    empty_figure,
    format_value,
    region_label,
    rollup_words,
    sense_words,
    shown_sense,
    sources,
    value_scale,
    wrap,
)

MAX_CELL_LABELS = 600
# Periods up to which a heatmap's cell text fits even at a phone's width: at 390 px the plot is about 260 px
# wide beside the region names, and a cell's text ('+12.3≈', 11 px) needs about 45 px. Wider heatmaps are
# `dense`: their cell text is hidden below 700 px by the page (dashboard/figures.py), kept above.
PHONE_CELL_COLUMNS = 5
REGION_LABEL_CHARS = 16  # a region name's line in the heatmap (longer names wrap onto a second line)
# Regions up to which every bar's upright value label fits at a phone's width: the plot is about 320 px of
# 374, two bars a region, a 10 px label needs a bar of about 12 px (measured: 17 regions printed 34 labels
# over each other at 390 px). More regions: the values stay in the hover.
MAX_BAR_LABELS = 12  # regions
HEATMAP_COLUMNS = (
    "region_path", "region_name", "period", "attainment", "variance", "actual", "actual_bound",
    "expectation", "expectation_bound", "is_approximate", "is_bound", "basis", "favourable", "performance_pct",
    "actual_components", "actual_approximate_components", "actual_figure_ids",
    "expectation_components", "expectation_approximate_components", "expectation_figure_ids",
)  # fmt: skip
MAX_LISTED_FIGURES = 12  # component figure ids listed in a hover; the rest are counted


def _components(c: dict, k: int, side: str) -> str:
    """' = sum of 12 months, 3 approximate (figures r01, r02, ...: Evidence page)' for a rolled-up side."""
    words = rollup_words(
        c["basis"][k], c[f"{side}_components"][k], c[f"{side}_approximate_components"][k], side
    )
    if not words:
        return ""
    ids = c[f"{side}_figure_ids"][k] or []
    listed = ", ".join(ids[:MAX_LISTED_FIGURES]) + (
        f" +{len(ids) - MAX_LISTED_FIGURES}" if len(ids) > MAX_LISTED_FIGURES else ""
    )
    return f"<br>  = {words} (figures {listed}: Evidence page)"


def _cell_hover(c: dict, k: int, divisor: float, unit_label: str, actual_src: str, exp_src: str) -> str:
    """The hover text of one heatmap cell: actual and expectation with their sources (and, when rolled up, what
    they combine), better or worse than expected, attainment, variance."""
    attainment, variance = c["attainment"][k], c["variance"][k]
    return (
        f"<b>{c['region_name'][k]} · {c['period'][k]}</b><br>"
        f"actual {format_value(c['actual'][k], divisor, c['actual_bound'][k])} {unit_label}"
        f"{BOUND_WORDS.get(c['actual_bound'][k] or 'exact', '')} · {actual_src}"
        + _components(c, k, "actual")
        + f"<br>expected {format_value(c['expectation'][k], divisor, c['expectation_bound'][k])} {unit_label}"
        f" · {exp_src}"
        + _components(c, k, "expectation")
        + f"<br><b>{sense_words(c['favourable'][k], c['performance_pct'][k])}</b> · "
        + attainment_words(attainment)
        + f" · variance {'' if variance is None else f'{variance / divisor:+,.2f}'} {unit_label}"
        + ("<br>approximate figure" if c["is_approximate"][k] else "")
        + ("<br>a bound ('at most'/'at least'): direction may be uncertain" if c["is_bound"][k] else "")
    )


def cell_colour_value(favourable: bool | None, performance_pct: float | None) -> float:
    """The heatmap's colour value of one comparison: performance in % (positive = better than expected), 0 when
    in line (inside a range, or within the neutral band `NEUTRAL_BAND`: neutral, not a tint), NaN when the metric has no sense."""
    if performance_pct is None:
        return float("nan")
    return 0.0 if shown_sense(favourable, performance_pct) is None else performance_pct * 100


def unit_scales(frame: pl.DataFrame) -> dict[str | None, tuple[float, str]]:
    """Each unit of `frame` -> (divisor, unit label) of its expectations: one entry for a frame in one unit;
    one per currency for comparisons shown each in its expectation's currency ('EUR' -> (1e6, 'EUR m'))."""
    return {
        unit: value_scale(unit, part["expectation"].to_list())
        for (unit,), part in frame.group_by("unit", maintain_order=True)
    }


def _heatmap_grids(frame: pl.DataFrame, scales: dict[str | None, tuple[float, str]]):
    """(y labels, periods, z, text, hover): numpy grids of regions (rows, hierarchy order) x periods; each
    cell's amounts in its row's unit (`scales`: unit -> (divisor, label)).

    Column lists and numpy grids, not a dict per row and nested lists: at 250 regions x 40 quarters this
    builds in a tenth of the time, and Plotly takes numpy arrays without validating every cell."""
    min_depth = min(d for d in frame["region_depth"].to_list() if d is not None) if frame.height else 0
    rows = frame.unique("region_path", maintain_order=True)
    y_labels = [
        region_label(n, d, min_depth) for n, d in zip(rows["region_name"], rows["region_depth"], strict=True)
    ]
    row_of = {path: i for i, path in enumerate(rows["region_path"].to_list())}
    periods = frame.sort("period_start").unique("period", maintain_order=True)["period"].to_list()
    col_of = {p: j for j, p in enumerate(periods)}
    shape = (len(y_labels), len(periods))
    z = np.full(shape, np.nan)
    text = np.full(shape, "", dtype=object)
    hover = np.full(shape, "", dtype=object)
    c = {name: col(frame, name) for name in HEATMAP_COLUMNS}
    units = col(frame, "unit")
    actual_src, exp_src = sources(frame, "actual"), sources(frame, "expectation")
    for k in range(frame.height):
        i, j = row_of[c["region_path"][k]], col_of[c["period"][k]]
        divisor, unit_label = scales.get(units[k], (1.0, units[k] or ""))
        variance = c["variance"][k]
        z[i, j] = cell_colour_value(c["favourable"][k], c["performance_pct"][k])
        flag = ("≈" if c["is_approximate"][k] else "") + ("±" if c["is_bound"][k] else "")
        text[i, j] = "" if variance is None else f"{variance / divisor:+,.1f}{flag}"
        hover[i, j] = _cell_hover(c, k, divisor, unit_label, actual_src[k], exp_src[k])
    return y_labels, periods, z, text, hover


def heatmap_cell(frame: pl.DataFrame, point: dict) -> dict | None:
    """The comparison row (as a dict) of a clicked heatmap cell: `point` is a Plotly selection point of
    `performance_heatmap(frame)` (its `x` the period, `y` the row label); None when no row matches."""
    frame = frame.sort("region_path", "period_start")
    min_depth = min(d for d in frame["region_depth"].to_list() if d is not None) if frame.height else 0
    for r in frame.iter_rows(named=True):
        label = region_label(r["region_name"], r["region_depth"], min_depth)
        if r["period"] == point.get("x") and label == point.get("y"):
            return r
    return None


def performance_heatmap(frame: pl.DataFrame, metric_label: str = "value") -> go.Figure:
    """Regions (rows, in hierarchy order) x periods (columns): colour = better (blue) or worse (red) than
    expected by `performance_pct`, in the metric's own sense; text = variance."""
    if frame.is_empty():
        return empty_figure("no comparison of actuals with expectations for this selection")
    frame = frame.sort("region_path", "period_start")
    scales = unit_scales(frame)
    unit_label = " / ".join(label for _, label in scales.values())  # 'EUR m'; 'EUR m / GBP m' when mixed
    y_labels, periods, z, text, hover = _heatmap_grids(frame, scales)
    # A label per cell is readable up to a few hundred cells; beyond that it only costs the browser time
    # (10,000 SVG texts took seconds to draw) and the variance stays in each cell's hover.
    labelled = len(y_labels) * len(periods) <= MAX_CELL_LABELS
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=periods,
            y=y_labels,
            text=text if labelled else None,
            texttemplate="%{text}" if labelled else None,
            textfont=dict(size=11),
            customdata=hover,  # each cell's hover text, drawn by the cell markers (below)
            hoverinfo="skip",  # the hover and the click are the cell markers'
            colorscale="RdBu",
            zmid=0,
            zmin=HEATMAP_RANGE[0],
            zmax=HEATMAP_RANGE[1],
            xgap=2,
            ygap=2,
            colorbar=dict(
                # the title under the bar and its ticks: with side="top" plotly.js printed the
                # title on the bar itself (a horizontal bar anchored to the container's bottom). Two
                # lines: on one (350 px at 12 px) it ran past a phone's chart (374 px), centred
                # under a bar that starts right of the region names
                title=dict(
                    text=f"better / worse than expected (%)<br>white: {NEUTRAL_WORDS}",
                    side="bottom",
                    font_size=12,
                ),
                tickfont_size=11,
                ticksuffix="%",
                tickprefix="",
                orientation="h",
                x=0,
                xanchor="left",
                len=1.0,
                yref="container",
                y=0,
                yanchor="bottom",
                thickness=10,
            ),
        )
    )
    # A clickable marker on every cell, invisible: Streamlit's chart selections return no point for a
    # heatmap (streamlit/streamlit#8760), so the Scorecard reads a click on a cell from this trace (x: the
    # period, y: the row label; `heatmap_cell`). It carries the cell's hover too (the heatmap's is skipped).
    rows, cols = np.nonzero(~np.isnan(z) | (hover != ""))
    marker_trace = go.Scatter if labelled else go.Scattergl
    fig.add_trace(
        marker_trace(
            x=[periods[j] for j in cols],
            y=[y_labels[i] for i in rows],
            mode="markers",
            marker=dict(size=18, color="rgba(0,0,0,0)", symbol="square"),
            customdata=hover[rows, cols],
            hovertemplate="%{customdata}<extra></extra>",
            showlegend=False,
            name="cells",
        )
    )
    # Periods on top and the colour bar flat underneath: a vertical colour bar on the right took 80 px of a
    # phone's 358; region names wrap so the names' column stays narrow.
    fig.update_layout(
        template=TEMPLATE,
        height=max(264, 146 + 28 * len(y_labels)),  # 236 left a report's 3 rows no room: 'axis scaling'
        margin=dict(t=8, b=88),  # the colour bar, its ticks and its two-line title
        title=dict(
            text=f"Better (blue) / worse (red) than expected by region and period · cell text: variance in "
            f"{unit_label}",
            font_size=14,
        ),
        xaxis=dict(type="category", side="top", tickfont_size=11),
        yaxis=dict(
            autorange="reversed",
            type="category",
            tickvals=y_labels,
            ticktext=[_wrapped_region(label) for label in y_labels],
            tickfont_size=11,
        ),
    )
    return fig


def _wrapped_region(label: str) -> str:
    """A heatmap row label on at most two lines, the hierarchy's indent kept on the second."""
    name = label.lstrip("\u2003")
    indent = label[: len(label) - len(name)]
    lines = (wrap(name, REGION_LABEL_CHARS) or "").split("<br>")
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])[: REGION_LABEL_CHARS - 1] + "…"]
    return "<br>".join(indent + line for line in lines)


def cell_text_too_dense_for_phone(frame: pl.DataFrame) -> bool:
    """Whether the heatmap of `frame` has more periods than a phone-width chart has room for cell text."""
    return frame["period"].n_unique() > PHONE_CELL_COLUMNS


def _expectation_bars(frame: pl.DataFrame, divisor: float, unit_label: str, position: str) -> dict:
    """The grey expectation bars, their range as whiskers, hatched when a bound or approximate."""
    exp = [v / divisor for v in frame["expectation"].to_list()]
    lows, highs = col(frame, "expectation_low"), col(frame, "expectation_high")
    plus = [(h / divisor - e) if h is not None else 0 for h, e in zip(highs, exp, strict=True)]
    minus = [(e - lo / divisor) if lo is not None else 0 for lo, e in zip(lows, exp, strict=True)]
    return dict(
        type="bar",
        x=frame["region_name"].to_list(),
        y=exp,
        name="expectation (range as whisker)",
        marker=dict(color=EXPECTATION, pattern=dict(shape=_hatches(col(frame, "expectation_bound")))),
        error_y=dict(
            type="data", array=plus, arrayminus=minus, visible=any(plus) or any(minus), color="#555"
        ),
        offsetgroup="expectation",
        text=[
            format_value(v, divisor, b)
            for v, b in zip(frame["expectation"], col(frame, "expectation_bound"), strict=True)
        ],
        textposition=position,
        **BAR_TEXT,
        customdata=sources(frame, "expectation"),
        hovertemplate="%{x}<br>expected %{text} " + unit_label + "<br>source: %{customdata}<extra></extra>",
    )


HATCHED_BOUNDS = ("at_most", "at_least", "approx")
# A value label runs along its bar (upright, 10 px), so it needs a bar only as wide as a line of text: level
# labels above the bars were hidden (uniformtext) on every other bar of six regions at 390 px (issue 23).
BAR_TEXT = dict(textangle=-90, textfont=dict(size=10), cliponaxis=False, constraintext="none")


def _hatches(bounds: list) -> list[str]:
    """A bar's pattern per bound: '/' (hatched) for a bound or an approximation, '' (solid) for exact; one rule
    for the actual and the expectation bars, as the chart's title says."""
    return ["/" if b in HATCHED_BOUNDS else "" for b in bounds]


ACTUAL_LABELS = {
    False: "actual, worse than expected",
    None: f"actual, in line ({NEUTRAL_WORDS})",
    True: "actual, better than expected",
}


def _actual_bars(
    part: pl.DataFrame, sense: bool | None, divisor: float, unit_label: str, position: str
) -> dict:
    """The actual bars better (or worse, or in line) than expected, hatched when a bound or approximate."""
    bounds = col(part, "actual_bound")
    return dict(
        type="bar",
        x=part["region_name"].to_list(),
        y=[v / divisor for v in part["actual"].to_list()],
        name=ACTUAL_LABELS[sense],
        marker=dict(
            color=SENSE_COLOURS[sense],
            pattern=dict(shape=_hatches(bounds)),
        ),
        offsetgroup="actual",
        text=[format_value(v, divisor, b) for v, b in zip(part["actual"], bounds, strict=True)],
        textposition=position,
        **BAR_TEXT,
        customdata=list(
            zip(
                sources(part, "actual"),
                [
                    sense_words(f, p) + (f" · attainment {a:.0%}" if a is not None else "")
                    for f, p, a in zip(
                        part["favourable"], part["performance_pct"], part["attainment"], strict=True
                    )
                ],
                strict=True,
            )
        ),
        hovertemplate="%{x}<br>actual %{text} "
        + unit_label
        + "<br>%{customdata[1]}<br>source: %{customdata[0]}<extra></extra>",
    )


def actual_vs_expectation_bars(frame: pl.DataFrame, metric_label: str = "value") -> go.Figure:
    """One period: grey expectation bars (range as error bars) beside actual bars coloured better (blue) / worse
    (red) than expected in the metric's own sense."""
    if frame.is_empty():
        return empty_figure("no expectation for these regions in this period")
    frame = frame.sort("region_path")
    # Value labels over the bars while they fit; with hundreds of regions they would be hidden anyway
    # (uniformtext) after the browser measured each one (Plotly's text bBox was a tenth of the Scorecard's
    # script time at 250 regions). The values stay in the hover either way.
    position = "outside" if frame.height <= MAX_BAR_LABELS else "none"
    values = frame["expectation"].to_list() + frame["actual"].to_list()
    divisor, unit_label = value_scale(frame["unit"][0], values)
    traces = [_expectation_bars(frame, divisor, unit_label, position)]
    shown = (  # the sense the bars show: in line inside the neutral band (style.NEUTRAL_BAND)
        pl.when(pl.col("performance_pct").abs() < NEUTRAL_BAND).then(None).otherwise(pl.col("favourable"))
    )
    for sense in ACTUAL_LABELS:
        kept = shown.is_null() if sense is None else shown == sense
        part = frame.filter(kept)
        if part.height:
            traces.append(_actual_bars(part, sense, divisor, unit_label, position))
    fig = go.Figure(data=traces)
    fig.update_layout(
        template=TEMPLATE,
        barmode="group",
        height=420,
        title=dict(
            text="Actual against expectation by region · hatched = bound or approximate", font_size=14
        ),
        # a two-line axis title at 12 px and ticks at 11: at the template's sizes the title and the
        # currency's ticks ('$250') left a phone's plot 292 px of 374
        yaxis=dict(title=dict(text=axis_title(metric_label, unit_label), font_size=12), tickfont_size=11),
        xaxis_title="region",
        uniformtext=dict(minsize=8, mode="hide"),
    )
    unit = frame["unit"][0]
    if unit and is_currency(unit):  # ticks say the currency shown: '€10' on an axis of 'Revenue (EUR m)'
        fig.update_yaxes(tickprefix=get_currency_symbol(unit, locale="en"))
    shown = [v / divisor for v in values + col(frame, "expectation_high") if v is not None]
    if (
        position != "none" and shown and min(shown) >= 0
    ):  # headroom for the upright labels of the tallest bars
        fig.update_yaxes(range=[0, max(shown) * 1.22 or 1])
    return fig
