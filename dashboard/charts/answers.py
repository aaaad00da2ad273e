"""Charts of the Bridge and Track record pages: pure functions, frame -> figure.

`bridge_waterfall`: the steps of expectation_bridge as a Plotly waterfall (levels for the original
expectation and the actual, changes between); `error_by_horizon`: each forecaster's mean absolute error by
horizon band, the classic "accuracy improves as the period nears" chart."""

from __future__ import annotations

from html import escape as md  # hover text is HTML: data shown as text

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.style import ABOVE, BELOW, IN_LINE, TEMPLATE, axis_title, value_scale

HORIZON_BANDS = [">12", "6-12", "0-6", "after"]  # months from the vintage to the period's end, far to near
LEVEL_STEPS = ("original", "actual")


def _hover(row: dict, value: float, unit_label: str) -> str:
    parts = [f"<b>{md(row['label'])}</b>", f"{value:+,.2f} {unit_label}" if row["step"] not in LEVEL_STEPS
             else f"{value:,.2f} {unit_label}"]  # fmt: skip
    if row.get("publisher"):
        parts.append(
            f"source: {md(row['publisher'])}" + (f" · {md(row['title'])}" if row.get("title") else "")
        )
    if row.get("as_of") is not None:
        parts.append(f"as of {row['as_of']}")
    if row.get("figure_id"):
        parts.append(f"figure {md(row['figure_id'])}")
    return "<br>".join(parts)


def tick_label(label: str) -> str:
    """A step's label on up to three short lines ('cut<br>by PYMNTS<br>(2024-01-03)'): the long labels stood
    upright under the bars and took half the chart's height."""
    return label.replace(" by ", "<br>by ").replace(" (", "<br>(")


def bridge_waterfall(steps: pl.DataFrame, title: str = "", metric_label: str = "value") -> go.Figure:
    """Original expectation -> revisions -> exchange-rate effect -> gap (or each child region's) -> actual.
    steps: expectation_bridge's rows of one series, in step order, values in the base unit `unit`."""
    divisor, unit_label = value_scale(
        steps["unit"][0] if steps.height else "", steps["running_total"].to_list()
    )
    rows = steps.sort("step_order").to_dicts()
    values = [r["step_value"] / divisor for r in rows]
    fig = go.Figure(
        go.Waterfall(
            x=[tick_label(r["label"]) for r in rows],
            y=values,
            measure=["absolute" if r["step"] in LEVEL_STEPS else "relative" for r in rows],
            text=[
                f"{v:,.2f}" if r["step"] in LEVEL_STEPS else f"{v:+,.2f}"
                for r, v in zip(rows, values, strict=True)
            ],
            textposition="outside",
            hovertext=[_hover(r, v, unit_label) for r, v in zip(rows, values, strict=True)],
            hoverinfo="text",
            increasing=dict(marker_color=ABOVE),
            decreasing=dict(marker_color=BELOW),
            totals=dict(marker_color=IN_LINE),
            connector=dict(line=dict(color="#bbbbbb", width=1)),
        )
    )
    fig.update_layout(
        template=TEMPLATE,
        height=440,
        title=dict(text=title or "From the first expectation to the actual", font_size=14),
        yaxis_title=axis_title(metric_label, unit_label),
        showlegend=False,
    )
    return fig


def error_by_horizon(record: pl.DataFrame, top: int = 6) -> go.Figure:
    """Mean absolute error % by horizon band (far to near) for the `top` most-scored forecasters (publisher ·
    kind · metric); record: expectation_track_record's rows of one actual vintage."""
    banded = record.filter((pl.col("horizon_band") != "all") & pl.col("mae_pct").is_not_null())
    ranked = (
        record.filter(pl.col("horizon_band") == "all")
        .sort("comparisons", "publisher", descending=[True, False])
        .head(top)
        .select("publisher", "expectation_kind", "metric")
    )
    fig = go.Figure()
    for r in ranked.iter_rows(named=True):
        part = banded.join(pl.DataFrame([r]), on=["publisher", "expectation_kind", "metric"], how="semi")
        by_band = {b: (m, n) for b, m, n in part.select("horizon_band", "mae_pct", "comparisons").iter_rows()}
        bands = [b for b in HORIZON_BANDS if b in by_band]
        fig.add_trace(
            go.Scatter(
                x=bands,
                y=[by_band[b][0] * 100 for b in bands],
                mode="lines+markers",
                name=f"{r['publisher']} · {r['expectation_kind']} · {r['metric']}",
                customdata=[by_band[b][1] for b in bands],
                hovertemplate="%{x} months ahead: %{y:.1f} % mean absolute error (%{customdata} scored)"
                "<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(
        template=TEMPLATE,
        height=380,
        title=dict(
            text="Mean absolute error by horizon · months from the forecast to the period's end", font_size=14
        ),
        xaxis=dict(
            title="horizon (months before the period ended)",
            categoryorder="array",
            categoryarray=HORIZON_BANDS,
        ),
        yaxis_title="mean absolute error (%)",
    )
    return fig
