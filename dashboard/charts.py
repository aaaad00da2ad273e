"""Pure chart builders: a Polars frame in, a Plotly figure out. No Streamlit, no queries.

One look everywhere (the `impact` template): a diverging red/blue scale around 100 % attainment (red =
below expectation, blue = above; ColorBrewer RdBu, safe for the common colour-vision deficiencies), the
Okabe-Ito palette for categories, units in every value axis title, the source in every hover.
"""

from __future__ import annotations

import datetime as dt
import functools
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from plotly.subplots import make_subplots

BELOW = "#b2182b"
ABOVE = "#2166ac"
IN_LINE = "#8c8c8c"
EXPECTATION = "#bdbdbd"
SHORTFALL_SHADE = "rgba(178, 24, 43, 0.10)"
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#000000"]
DIRECTION_COLOURS = {"below": BELOW, "above": ABOVE, "in_line": IN_LINE}
EVENT_CATEGORIES = ["law", "litigation", "ruling", "regulation", "order", "ban", "market_exit", "other"]
CATEGORY_COLOURS = dict(zip(EVENT_CATEGORIES, OKABE_ITO, strict=True))
BOUND_PREFIX = {"at_most": "≤ ", "at_least": "≥ ", "approx": "~ ", "exact": ""}
BOUND_SYMBOL = {"exact": "circle", "approx": "diamond", "at_most": "triangle-down", "at_least": "triangle-up"}
BOUND_WORDS = {"exact": "", "approx": " (approximate)", "at_most": " (at most)", "at_least": " (at least)"}
STATUS_SYMBOL = {"effective": "circle", "announced": "diamond", "expected": "circle-open", "overturned": "x"}
HEATMAP_RANGE = (50.0, 150.0)  # attainment %, clipped so one outlier does not wash out the scale

pio.templates["impact"] = go.layout.Template(
    layout=go.Layout(
        font=dict(family="Inter, Helvetica, Arial, sans-serif", size=13, color="#262730"),
        colorway=OKABE_ITO,
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(gridcolor="#ececec", zeroline=False, linecolor="#bbbbbb"),
        yaxis=dict(gridcolor="#ececec", zeroline=True, zerolinecolor="#bbbbbb", linecolor="#bbbbbb"),
        hoverlabel=dict(bgcolor="white", font_size=12),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        title=dict(x=0, xanchor="left", y=0.98, yanchor="top", yref="container", font_size=15),
        margin=dict(l=90, r=30, t=110, b=70),
    )
)
TEMPLATE = "impact"


# --- units ------------------------------------------------------------------------------------------------


def value_scale(unit: str | None, values) -> tuple[float, str]:
    """(divisor, axis unit label): USD 45e9 -> (1e9, 'USD bn'); '%' stays '%'."""
    unit = unit or ""
    numbers = [abs(v) for v in values if v is not None and v == v]
    top = max(numbers, default=0.0)
    if unit in ("%", "ratio"):
        return 1.0, unit
    for divisor, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if top >= divisor:
            return divisor, f"{unit} {suffix}".strip()
    return 1.0, unit


def format_value(
    value: float | None, divisor: float, bound: str | None = None, high: float | None = None
) -> str:
    """'≤ 2.0', '~ 45.0', '12.0–14.5'; '' for no number (never invent one)."""
    if value is None or value != value:
        return ""
    prefix = BOUND_PREFIX.get(bound or "exact", "")
    text = f"{value / divisor:,.1f}" if abs(value / divisor) < 1000 else f"{value / divisor:,.0f}"
    if high is not None and high == high and high != value:
        text += f"–{high / divisor:,.1f}"
    return prefix + text


def as_reported(value, value_high, bound, unit, direction) -> str:
    """A figure as a person would say it: '≤ 2.0 USD bn', '12.0–14.5 USD bn', 'fell short (no number)'."""
    if value is None:
        words = {"below": "below expectations", "in_line": "in line", "above": "above expectations"}
        return f"{words.get(direction, direction or '?')} (no number)"
    divisor, label = value_scale(unit, [value, value_high])
    return f"{format_value(value, divisor, bound, value_high)} {label}".strip()


def _axis_title(metric_label: str, unit_label: str) -> str:
    return f"{metric_label} ({unit_label})" if unit_label else metric_label


def empty_figure(message: str) -> go.Figure:
    fig = go.Figure(layout=dict(template=TEMPLATE, height=220))
    fig.add_annotation(text=message, showarrow=False, font=dict(size=15, color="#666"), x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _col(frame: pl.DataFrame, name: str) -> list:
    return frame[name].to_list() if name in frame.columns else [None] * frame.height


def _sources(frame: pl.DataFrame, prefix: str) -> list[str]:
    ids, publishers = _col(frame, f"{prefix}_source_id"), _col(frame, f"{prefix}_publisher")
    return [f"{p} [{i}]" if p else (i or "?") for i, p in zip(ids, publishers, strict=True)]


# --- scorecard --------------------------------------------------------------------------------------------


def _label_margin(labels) -> int:
    """Left margin wide enough for the longest category label (Plotly's automargin is unreliable in Streamlit)."""
    return min(60 + 7 * max((len(str(x)) for x in labels), default=0), 320)


def region_label(name: str, depth: int | None, min_depth: int = 0) -> str:
    return "\u2003" * max((depth or 0) - min_depth, 0) + name


MAX_CELL_LABELS = 600
MAX_BAR_LABELS = 40  # regions
HEATMAP_COLUMNS = (
    "region_path", "region_name", "period", "attainment", "variance", "actual", "actual_bound",
    "expectation", "expectation_bound", "is_approximate", "is_bound", "basis",
)  # fmt: skip


def attainment_heatmap(frame: pl.DataFrame, metric_label: str = "value") -> go.Figure:
    """Regions (rows, in hierarchy order) x periods (columns): colour = attainment %, text = variance."""
    if frame.is_empty():
        return empty_figure("no comparison of actuals with expectations for this selection")
    frame = frame.sort("region_path", "period_start")
    divisor, unit_label = value_scale(frame["unit"][0], frame["expectation"].to_list())
    min_depth = min(d for d in frame["region_depth"].to_list() if d is not None) if frame.height else 0
    rows = frame.unique("region_path", maintain_order=True)
    y_labels = [
        region_label(n, d, min_depth) for n, d in zip(rows["region_name"], rows["region_depth"], strict=True)
    ]
    row_of = {path: i for i, path in enumerate(rows["region_path"].to_list())}
    periods = frame.sort("period_start").unique("period", maintain_order=True)["period"].to_list()
    col_of = {p: j for j, p in enumerate(periods)}
    # Column lists and numpy grids, not a dict per row and nested lists: at 250 regions x 40 quarters this
    # builds in a tenth of the time, and Plotly takes numpy arrays without validating every cell.
    shape = (len(y_labels), len(periods))
    z = np.full(shape, np.nan)
    text = np.full(shape, "", dtype=object)
    hover = np.full(shape, "", dtype=object)
    c = {name: _col(frame, name) for name in HEATMAP_COLUMNS}
    actual_src, exp_src = _sources(frame, "actual"), _sources(frame, "expectation")
    for k in range(frame.height):
        i, j = row_of[c["region_path"][k]], col_of[c["period"][k]]
        attainment, variance = c["attainment"][k], c["variance"][k]
        approximate, bound, basis = c["is_approximate"][k], c["is_bound"][k], c["basis"][k]
        if attainment is not None:
            z[i, j] = attainment * 100
        flag = ("≈" if approximate else "") + ("±" if bound else "")
        text[i, j] = "" if variance is None else f"{variance / divisor:+,.1f}{flag}"
        hover[i, j] = (
            f"<b>{c['region_name'][k]} · {c['period'][k]}</b><br>"
            f"actual {format_value(c['actual'][k], divisor, c['actual_bound'][k])} {unit_label}"
            f"{BOUND_WORDS.get(c['actual_bound'][k] or 'exact', '')} · {actual_src[k]}<br>"
            f"expected {format_value(c['expectation'][k], divisor, c['expectation_bound'][k])} {unit_label}"
            f" · {exp_src[k]}<br>"
            f"attainment {'' if attainment is None else f'{attainment:.0%}'} · variance "
            f"{'' if variance is None else f'{variance / divisor:+,.2f}'} {unit_label}"
            + (f"<br>basis: {basis}" if basis and basis != "reported" else "")
            + ("<br>approximate figure" if approximate else "")
            + ("<br>a bound ('at most'/'at least'): direction may be uncertain" if bound else "")
        )
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
            zmid=100,
            zmin=HEATMAP_RANGE[0],
            zmax=HEATMAP_RANGE[1],
            xgap=2,
            ygap=2,
            colorbar=dict(title=dict(text="attainment %<br>(100 = as expected)"), ticksuffix="%"),
        )
    )
    fig.update_layout(
        template=TEMPLATE,
        height=max(300, 190 + 28 * len(y_labels)),
        margin=dict(l=_label_margin(y_labels), t=90),
        title=dict(
            text=f"Attainment by region and period · cell text: variance in {unit_label}", font_size=14
        ),
        xaxis=dict(title="period", type="category", side="bottom"),
        yaxis=dict(title="region", autorange="reversed", type="category"),
    )
    return fig


def actual_vs_expectation_bars(frame: pl.DataFrame, metric_label: str = "value") -> go.Figure:
    """One period: grey expectation bars (range as error bars) beside actual bars coloured by direction."""
    if frame.is_empty():
        return empty_figure("no expectation for these regions in this period")
    frame = frame.sort("region_path")
    # Value labels over the bars while they fit; with hundreds of regions they would be hidden anyway
    # (uniformtext) after the browser measured each one (Plotly's text bBox was a tenth of the Scorecard's
    # script time at 250 regions). The values stay in the hover either way.
    position = "outside" if frame.height <= MAX_BAR_LABELS else "none"
    values = frame["expectation"].to_list() + frame["actual"].to_list()
    divisor, unit_label = value_scale(frame["unit"][0], values)
    names = frame["region_name"].to_list()
    exp = [v / divisor for v in frame["expectation"].to_list()]
    lows, highs = _col(frame, "expectation_low"), _col(frame, "expectation_high")
    plus = [(h / divisor - e) if h is not None else 0 for h, e in zip(highs, exp, strict=True)]
    minus = [(e - lo / divisor) if lo is not None else 0 for lo, e in zip(lows, exp, strict=True)]
    fig = go.Figure()
    fig.add_bar(
        x=names,
        y=exp,
        name="expectation (range as whisker)",
        marker=dict(color=EXPECTATION),
        error_y=dict(
            type="data", array=plus, arrayminus=minus, visible=any(plus) or any(minus), color="#555"
        ),
        offsetgroup="expectation",
        text=[
            format_value(v, divisor, b)
            for v, b in zip(frame["expectation"], _col(frame, "expectation_bound"), strict=True)
        ],
        textposition=position,
        customdata=_sources(frame, "expectation"),
        hovertemplate="%{x}<br>expected %{text} " + unit_label + "<br>source: %{customdata}<extra></extra>",
    )
    labels = {
        "below": "actual, below expectation",
        "in_line": "actual, in line",
        "above": "actual, above expectation",
    }
    frame = frame.with_columns(pl.Series("actual_sources", _sources(frame, "actual")))
    for direction, label in labels.items():
        part = frame.filter(pl.col("direction") == direction)
        if part.is_empty():
            continue
        bounds = _col(part, "actual_bound")
        fig.add_bar(
            x=part["region_name"].to_list(),
            y=[v / divisor for v in part["actual"].to_list()],
            name=label,
            marker=dict(
                color=DIRECTION_COLOURS[direction],
                pattern=dict(shape=["/" if b in ("at_most", "at_least", "approx") else "" for b in bounds]),
            ),
            offsetgroup="actual",
            text=[format_value(v, divisor, b) for v, b in zip(part["actual"], bounds, strict=True)],
            textposition=position,
            customdata=list(
                zip(
                    part["actual_sources"],
                    [f"{a:.0%}" if a is not None else "" for a in part["attainment"]],
                    strict=True,
                )
            ),
            hovertemplate="%{x}<br>actual %{text} "
            + unit_label
            + "<br>attainment %{customdata[1]}<br>source: %{customdata[0]}<extra></extra>",
        )
    fig.update_layout(
        template=TEMPLATE,
        barmode="group",
        height=420,
        title=dict(
            text="Actual against expectation by region · hatched = bound or approximate", font_size=14
        ),
        yaxis_title=_axis_title(metric_label, unit_label),
        xaxis_title="region",
        uniformtext=dict(minsize=9, mode="hide"),
    )
    return fig


# --- trends -----------------------------------------------------------------------------------------------


def _midpoints(frame: pl.DataFrame) -> list[dt.date]:
    return [s + (e - s) / 2 for s, e in zip(frame["period_start"], frame["period_end"], strict=True)]


def trend_chart(
    actuals: pl.DataFrame,
    vintages: pl.DataFrame,
    shortfalls: pl.DataFrame,
    events: pl.DataFrame,
    metric_label: str = "value",
) -> go.Figure:
    """Actual and expectation vintages over time (top), events as a strip and lines (bottom)."""
    if actuals.is_empty() and vintages.is_empty():
        return empty_figure("no figures for these regions at this grain")
    unit = (actuals["unit"].to_list() + vintages["unit"].to_list() + [None])[0]
    divisor, unit_label = value_scale(unit, actuals["value"].to_list() + vintages["value"].to_list())
    # The figure is assembled as plain dicts and validated once at the end: Plotly's add_scatter,
    # make_subplots and update_* re-walk the figure on every call (55 ms for the case study's chart, 90 ms at
    # one million figures; one go.Figure from dicts: 14 and 37 ms).
    traces: list[dict] = []
    layout = _trend_layout()
    regions = sorted(set(actuals["region_name"].to_list()) | set(vintages["region_name"].to_list()))
    palette = {name: OKABE_ITO[(i + 4) % len(OKABE_ITO)] for i, name in enumerate(regions)}
    # Shapes are built as plain dicts and set once: Plotly's add_vrect/add_vline re-validate every shape
    # already there, so a hundred of them took seconds (10 years of monthly shortfalls and events).
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
    if shortfalls.height:
        traces.append(
            dict(
                type="scatter",
                x=[None],
                y=[None],
                mode="markers",
                name="shortfall period",
                marker=dict(symbol="square", size=14, color=SHORTFALL_SHADE.replace("0.10", "0.35")),
                **TOP,
            )
        )
    for name in regions:
        a = actuals.filter(pl.col("region_name") == name).sort("period_start")
        if a.height:
            highs = _col(a, "value_high")
            lows = _col(a, "value_low")
            traces.append(
                dict(
                    type="scatter",
                    x=_midpoints(a),
                    y=[v / divisor for v in a["value"]],
                    mode="lines+markers",
                    name=f"{name}: actual",
                    line=dict(color=palette[name], width=3),
                    marker=dict(size=11, symbol=[BOUND_SYMBOL.get(b, "circle") for b in a["bound"]]),
                    error_y=dict(
                        type="data",
                        array=[
                            (h - v) / divisor if h is not None else 0
                            for h, v in zip(highs, a["value"], strict=True)
                        ],
                        arrayminus=[
                            (v - lo) / divisor if lo is not None else 0
                            for lo, v in zip(lows, a["value"], strict=True)
                        ],
                        visible=any(h is not None for h in highs),
                    ),
                    customdata=list(
                        zip(
                            a["period"],
                            [
                                format_value(v, divisor, b)
                                for v, b in zip(a["value"], a["bound"], strict=True)
                            ],
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
            )
        v = vintages.filter(pl.col("region_name") == name).sort("period_start", "vintage")
        for kind in sorted(set(v["kind"].to_list())):
            k = v.filter(pl.col("kind") == kind)
            for which, dash, label in (("is_original", "dash", "original"), ("is_latest", "dot", "latest")):
                line = k.filter(pl.col(which))
                if which == "is_latest" and line.select(pl.col("vintages").max()).item() == 1:
                    continue  # a single vintage: the original line says it all
                traces.append(
                    dict(
                        type="scatter",
                        x=_midpoints(line),
                        y=[x / divisor for x in line["value"]],
                        mode="lines+markers",
                        name=f"{name}: {kind} ({label})" if label == "latest" else f"{name}: {kind}",
                        line=dict(color=palette[name], dash=dash, width=2),
                        marker=dict(
                            size=9,
                            symbol="line-ew-open" if label == "original" else "x-thin-open",
                            line_width=2,
                        ),
                        customdata=list(
                            zip(
                                line["period"],
                                [
                                    format_value(x, divisor, b, h)
                                    for x, b, h in zip(
                                        line["value"], line["bound"], _col(line, "value_high"), strict=True
                                    )
                                ],
                                line["as_of"],
                                [
                                    f"{p} [{s}]"
                                    for p, s in zip(line["publisher"], line["source_id"], strict=True)
                                ],
                                line["vintage"],
                                line["vintages"],
                                strict=True,
                            )
                        ),
                        hovertemplate="<b>%{customdata[0]}</b> "
                        + kind
                        + " %{customdata[1]} "
                        + unit_label
                        + "<br>vintage %{customdata[4]} of %{customdata[5]}, as of %{customdata[2]}"
                        + "<br>source: %{customdata[3]}<extra>"
                        + name
                        + "</extra>",
                        **TOP,
                    )
                )
            middle = k.filter(~pl.col("is_original") & ~pl.col("is_latest"))
            if middle.height:
                traces.append(
                    dict(
                        type="scatter",
                        x=_midpoints(middle),
                        y=[x / divisor for x in middle["value"]],
                        mode="markers",
                        name=f"{name}: {kind} (revisions)",
                        marker=dict(color=palette[name], symbol="circle-open", size=9),
                        customdata=list(
                            zip(middle["period"], middle["as_of"], middle["source_id"], strict=True)
                        ),
                        hovertemplate="%{customdata[0]} revised "
                        + kind
                        + " %{y:,.2f} "
                        + unit_label
                        + "<br>as of %{customdata[1]} · %{customdata[2]}<extra>"
                        + name
                        + "</extra>",
                        **TOP,
                    )
                )
    event_traces, annotations, lines = _event_marks(events)
    traces += event_traces
    categories = (
        [c for c in EVENT_CATEGORIES if c in set(events["category"].to_list())] if events.height else []
    )
    layout.update(
        shapes=shapes + lines,
        annotations=annotations,
        template=TEMPLATE,
        height=640,
        title=dict(text="Actual and expected over time · shaded: periods below expectation"),
        hovermode="closest",
        legend=dict(orientation="v", x=1.02, y=1, yanchor="top", xanchor="left"),
        margin=dict(r=260, t=60),
    )
    layout["yaxis"]["title"] = dict(text=_axis_title(metric_label, unit_label))
    layout["yaxis2"].update(
        title=dict(text="events"),
        showgrid=False,
        type="category",
        tickmode="array",
        tickvals=categories,
        ticktext=[c.replace("_", " ") for c in categories],
    )
    # the legend-only trace has no x: never let plotly.js guess 'linear'
    layout["xaxis"]["type"] = "date"
    layout["xaxis2"].update(type="date", title=dict(text="period (points at the period's middle)"))
    return go.Figure(data=traces, layout=layout)


# Row 1 (values) and row 2 (the events strip) of the trend chart's two stacked panels with a shared x axis.
TOP = dict(xaxis="x", yaxis="y")
BOTTOM = dict(xaxis="x2", yaxis="y2")


@functools.cache
def _trend_axes() -> str:
    made = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.05)
    return json.dumps(made.layout.to_plotly_json())


def _trend_layout() -> dict:
    """The two panels' axes as make_subplots lays them out (computed once, a fresh copy per chart)."""
    return json.loads(_trend_axes())


def _event_marks(events: pl.DataFrame) -> tuple[list[dict], list[dict], list[dict]]:
    """(traces, annotations, shapes): event markers in the bottom strip, or a note that there are none; the
    events' vertical lines in the top panel."""
    if events.is_empty():
        note = dict(
            text="no events in the shown regions and dates",
            showarrow=False,
            xref="x2 domain",
            yref="y2 domain",
            x=0.5,
            y=0.5,
            font=dict(color="#888"),
        )
        return [], [note], []
    lines = [
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
                        _col(part, "jurisdiction_name"),
                        part["date_precision"],
                        part["source_id"],
                        strict=True,
                    )
                ),
                hovertemplate="<b>%{customdata[0]}</b><br>%{x|%Y-%m-%d} (%{customdata[3]} precision) · %{customdata[1]}"
                "<br>%{customdata[2]} · source %{customdata[4]}<extra></extra>",
                **BOTTOM,
            )
        )
    return traces, [], lines


def pacing_chart(frame: pl.DataFrame, metric_label: str = "value") -> go.Figure:
    """One expectation: the straight-line path to it, and the actuals-to-date against that path."""
    if frame.is_empty():
        return empty_figure("no actual-to-date for a longer-period expectation here")
    first = frame.row(0, named=True)
    divisor, unit_label = value_scale("USD", [first["expectation"], *frame["actual_to_date"].to_list()])
    start, end = first["expectation_start"], first["expectation_end"] + dt.timedelta(days=1)
    target = first["expectation"] / divisor
    fig = go.Figure()
    fig.add_scatter(
        x=[start, end],
        y=[0, target],
        mode="lines",
        name="expected pace (straight line)",
        line=dict(color=IN_LINE, dash="dash"),
    )
    fig.add_scatter(
        x=[start, end],
        y=[target, target],
        mode="lines",
        name=f"{first['expectation_kind']} for {first['expectation_period']}",
        line=dict(color="#555", width=1),
        hovertemplate="%{y:,.2f} " + unit_label + "<extra></extra>",
    )
    colours = [BELOW if (p or 0) < 1 else ABOVE for p in frame["pace_attainment"]]
    fig.add_scatter(
        x=frame["to_date_end"].to_list(),
        y=[v / divisor for v in frame["actual_to_date"]],
        mode="markers+text",
        name="actual to date",
        marker=dict(
            size=14, color=colours, symbol=[BOUND_SYMBOL.get(b, "circle") for b in frame["actual_bound"]]
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
    fig.update_layout(
        template=TEMPLATE,
        height=380,
        title=dict(
            text="Pacing: cumulative actual against the expectation for the whole period", font_size=14
        ),
        yaxis_title=_axis_title(f"cumulative {metric_label}", unit_label),
        xaxis_title="date",
    )
    return fig


# --- events -----------------------------------------------------------------------------------------------


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
            y=[n or j for n, j in zip(_col(part, "jurisdiction_name"), part["jurisdiction"], strict=True)],
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
                    _col(part, "publisher"),
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
        margin=dict(l=_label_margin(rows)),
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
    for i, name in enumerate(sorted(set(frame["region_name"].to_list()))):
        part = frame.filter(pl.col("region_name") == name).sort("period_start")
        colour = OKABE_ITO[(i + 4) % len(OKABE_ITO)]
        mids = _midpoints(part)
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
                    [f"{a:.0%}" if a is not None else "no expectation" for a in part["attainment"]],
                    strict=True,
                )
            ),
            hovertemplate="%{customdata[0]}: %{y:,.2f} " + unit_label + "<br>attainment %{customdata[2]}"
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
        yaxis_title=_axis_title(metric_label, unit_label),
        xaxis_title="period (middle)",
    )
    return fig


# --- evidence ---------------------------------------------------------------------------------------------


def disagreement_chart(frame: pl.DataFrame) -> go.Figure:
    """Each group of competing figures as a row: one dot per source, a bar from lowest to highest."""
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
        height=max(240, 120 + 44 * frame.height),
        title=dict(text="Where sources disagree (same thing, different numbers)", font_size=14),
        xaxis_title=f"value ({unit_label})",
        yaxis=dict(type="category", autorange="reversed"),
    )
    return fig
