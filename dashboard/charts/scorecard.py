"""The Scorecard's charts: performance against expectation by region and period (heatmap, coloured in the
metric's own sense: `favourable` / `performance_pct`), and actual against expectation for one period
(grouped bars, coloured better / worse than expected). Frames of `dashboard.data.scorecard.comparisons` in, Plotly figures out.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import polars as pl

from dashboard.charts.style import (
    BOUND_WORDS,
    EXPECTATION,
    HEATMAP_RANGE,
    SENSE_COLOURS,
    TEMPLATE,
    attainment_words,
    axis_title,
    col,
    empty_figure,
    format_value,
    label_margin,
    region_label,
    rollup_words,
    sense_words,
    sources,
    value_scale,
)

MAX_CELL_LABELS = 600
MAX_BAR_LABELS = 40  # regions
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
    in line (inside a range: neutral, not a tint of the midpoint), NaN when the metric has no sense."""
    if performance_pct is None:
        return float("nan")
    return 0.0 if favourable is None else performance_pct * 100


def _heatmap_grids(frame: pl.DataFrame, divisor: float, unit_label: str):
    """(y labels, periods, z, text, hover): numpy grids of regions (rows, hierarchy order) x periods.

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
    actual_src, exp_src = sources(frame, "actual"), sources(frame, "expectation")
    for k in range(frame.height):
        i, j = row_of[c["region_path"][k]], col_of[c["period"][k]]
        variance = c["variance"][k]
        z[i, j] = cell_colour_value(c["favourable"][k], c["performance_pct"][k])
        flag = ("≈" if c["is_approximate"][k] else "") + ("±" if c["is_bound"][k] else "")
        text[i, j] = "" if variance is None else f"{variance / divisor:+,.1f}{flag}"
        hover[i, j] = _cell_hover(c, k, divisor, unit_label, actual_src[k], exp_src[k])
    return y_labels, periods, z, text, hover


def performance_heatmap(frame: pl.DataFrame, metric_label: str = "value") -> go.Figure:
    """Regions (rows, in hierarchy order) x periods (columns): colour = better (blue) or worse (red) than
    expected by `performance_pct`, in the metric's own sense; text = variance."""
    if frame.is_empty():
        return empty_figure("no comparison of actuals with expectations for this selection")
    frame = frame.sort("region_path", "period_start")
    divisor, unit_label = value_scale(frame["unit"][0], frame["expectation"].to_list())
    y_labels, periods, z, text, hover = _heatmap_grids(frame, divisor, unit_label)
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
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale="RdBu",
            zmid=0,
            zmin=HEATMAP_RANGE[0],
            zmax=HEATMAP_RANGE[1],
            xgap=2,
            ygap=2,
            colorbar=dict(
                title=dict(text="better / worse<br>than expected (%)"), ticksuffix="%", tickprefix=""
            ),
        )
    )
    fig.update_layout(
        template=TEMPLATE,
        height=max(300, 190 + 28 * len(y_labels)),
        margin=dict(l=label_margin(y_labels), t=90),
        title=dict(
            text=f"Better (blue) / worse (red) than expected by region and period · cell text: variance in "
            f"{unit_label}",
            font_size=14,
        ),
        xaxis=dict(title="period", type="category", side="bottom"),
        yaxis=dict(title="region", autorange="reversed", type="category"),
    )
    return fig


def _expectation_bars(frame: pl.DataFrame, divisor: float, unit_label: str, position: str) -> dict:
    """The grey expectation bars, their range as whiskers."""
    exp = [v / divisor for v in frame["expectation"].to_list()]
    lows, highs = col(frame, "expectation_low"), col(frame, "expectation_high")
    plus = [(h / divisor - e) if h is not None else 0 for h, e in zip(highs, exp, strict=True)]
    minus = [(e - lo / divisor) if lo is not None else 0 for lo, e in zip(lows, exp, strict=True)]
    return dict(
        type="bar",
        x=frame["region_name"].to_list(),
        y=exp,
        name="expectation (range as whisker)",
        marker=dict(color=EXPECTATION),
        error_y=dict(
            type="data", array=plus, arrayminus=minus, visible=any(plus) or any(minus), color="#555"
        ),
        offsetgroup="expectation",
        text=[
            format_value(v, divisor, b)
            for v, b in zip(frame["expectation"], col(frame, "expectation_bound"), strict=True)
        ],
        textposition=position,
        customdata=sources(frame, "expectation"),
        hovertemplate="%{x}<br>expected %{text} " + unit_label + "<br>source: %{customdata}<extra></extra>",
    )


ACTUAL_LABELS = {
    False: "actual, worse than expected",
    None: "actual, in line",
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
            pattern=dict(shape=["/" if b in ("at_most", "at_least", "approx") else "" for b in bounds]),
        ),
        offsetgroup="actual",
        text=[format_value(v, divisor, b) for v, b in zip(part["actual"], bounds, strict=True)],
        textposition=position,
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
    for sense in ACTUAL_LABELS:
        kept = pl.col("favourable").is_null() if sense is None else pl.col("favourable") == sense
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
        yaxis_title=axis_title(metric_label, unit_label),
        xaxis_title="region",
        uniformtext=dict(minsize=9, mode="hide"),
    )
    return fig
