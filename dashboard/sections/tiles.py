"""The Scorecard's five tiles: actual, performance (better / worse than expected, in the metric's own sense),
cumulative variance, regions worse than expected, current streak."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import widgets
from dashboard.charts.style import SENSE_WORDS, attainment_words, format_value
from pipelines.words import signed_percent


def variance_colour(variance: float | None, favourable: bool | None) -> str:
    """st.metric's delta_color for a variance: green ('normal' on a rise) when the variance is better than
    expected, red when worse, whichever way the metric is better ('inverse' for lower-is-better metrics, and
    for a rise that is a worse loss); grey when in line."""
    if favourable is None or not variance:
        return "off"
    return "normal" if (variance > 0) == favourable else "inverse"


def headline_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The tiles' region, by period: the shallowest region with the most periods; ties go to the first
    region path in alphabetical order (`/DE` before `/FR`), so the same data gives the same headline on
    every load (polars' group_by has no order: the tie was broken at random)."""
    path = (
        frame.group_by("region_path", "region_depth")
        .len()
        .sort(["region_depth", "len", "region_path"], descending=[False, True, False])
        .row(0)[0]
    )
    return frame.filter(pl.col("region_path") == path).sort("period_start")


STREAK_DELTA_CHARS = (
    24  # what a tile's delta shows at 1440 px without an ellipsis ('United States, 2024→2024')
)


def streak_words(current_streaks: pl.DataFrame, grain: str) -> tuple[str, str]:
    """(length, where) of the longest current shortfall streak: ('3 quarters', 'US, 2024-Q2→2024-Q4').

    `where` is at most STREAK_DELTA_CHARS long, so the tile shows it whole: the region and the streak's
    periods when they fit, else the region and its first period with an open arrow ('Asia-Pacific,
    2025-Q2→': it runs up to now), else the region alone (the full span is in the tile's help)."""
    if current_streaks.is_empty():
        return "none", "no region below now"
    streak = current_streaks.row(0, named=True)
    region, first, last = streak["region_name"], streak["first_period"], streak["last_period"]
    fits = [w for w in (f"{region}, {first}→{last}", f"{region}, {first}→") if len(w) <= STREAK_DELTA_CHARS]
    return widgets.count_of(streak["length"], grain), (fits or [region])[0]


def scorecard_tiles(frame, headline, streaks, grain: str, divisor: float, unit_label: str) -> None:
    """Five tiles side by side (about 170 px each at a laptop's width: labels and values stay short, so that
    none is cut off with an ellipsis; what they are about, region and period, is in the caption above)."""
    latest = headline.row(-1, named=True)
    in_latest = frame.filter(pl.col("period_start") == frame["period_start"].max())
    tiles = st.columns(5)
    tiles[0].metric(
        f"Actual ({unit_label})",
        format_value(latest["actual"], divisor, latest["actual_bound"]) or "n/a",
        delta=f"{latest['variance'] / divisor:+,.1f}",
        delta_description=f"vs {format_value(latest['expectation'], divisor)} expected",
        delta_color=variance_colour(latest["variance"], latest["favourable"]),
        help=f"{latest['region_name']}, {latest['period']}: the latest period of the top-level region shown. "
        "'≤'/'≥' mark bounds, '~' approximations.",
    )
    performance = latest["performance_pct"]
    tiles[1].metric(
        "Performance",
        "n/a" if performance is None else signed_percent(performance, 0),
        delta=SENSE_WORDS[latest["favourable"]],
        delta_color={True: "normal", False: "inverse", None: "off"}[latest["favourable"]],
        delta_arrow={True: "up", False: "down", None: "off"}[latest["favourable"]],
        help=f"{latest['region_name']}, {latest['period']}: variance as a share of |expectation|, positive = "
        f"better than expected (the sign is flipped for metrics where lower is better); "
        f"{attainment_words(latest['attainment'])}.",
    )
    cumulative = headline.select(pl.col("variance").sum()).item()
    tiles[2].metric(
        f"Variance, sum ({unit_label})",
        f"{cumulative / divisor:+,.1f}",
        delta=f"over {widgets.count_of(headline.height, grain)}",
        delta_color="off",
        delta_arrow="off",
        help=f"{latest['region_name']}: actual − expectation summed over the periods shown "
        "(negative = cumulative shortfall).",
    )
    worse = in_latest.filter(pl.col("favourable").not_()).height
    tiles[3].metric(
        "Regions worse",
        f"{worse} of {in_latest.height}",
        delta=f"in {in_latest['period'][0]}",
        delta_color="off",
        delta_arrow="off",
        help="Regions with a comparison in the latest period shown, and how many of them did worse than "
        "expected (below when higher is better, above when lower is better).",
    )
    current = streaks.filter(pl.col("is_current"))
    length, where = streak_words(current, grain)
    span = current.row(0, named=True) if current.height else None
    tiles[4].metric(
        "Current streak",
        length,
        delta=where,
        delta_color="off",
        delta_arrow="off",
        help="Longest current shortfall streak: consecutive periods worse than expected that run up to the "
        "region's latest compared period (every streak: the table at the foot of the page)."
        + (f" Now: {span['region_name']}, {span['first_period']}→{span['last_period']}." if span else ""),
    )
