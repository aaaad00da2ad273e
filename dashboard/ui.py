"""Widget groups shared by the pages: each `*_ui()` draws its widgets and returns the user's selection.

Filters are bound to the URL (`bind="query-params"`, the key is the parameter name), so a link reproduces
what the analyst sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard import queries as q
from pipelines.settings import Settings

POLICIES = {
    "at_period_end": "expected at the time (latest before the period ended)",
    "original": "original expectation (first vintage)",
    "latest": "latest revision",
}
# The sidebar's short names for them (the long ones were cut off in its 220 px wide select box).
POLICY_CHOICES = {
    "at_period_end": "expected at the time",
    "original": "original expectation",
    "latest": "latest revision",
}
GRAIN_ORDER = ["month", "quarter", "half", "year"]
GRAIN_PLURAL = {"month": "months", "quarter": "quarters", "half": "halves", "year": "years"}


def count_of(n: int, grain: str) -> str:
    """'1 year', '3 halves': a number of periods in words."""
    return f"{n} {grain if n == 1 else GRAIN_PLURAL.get(grain, grain)}"


STALE_AFTER_HOURS = Settings.from_env().stale_after_hours  # IMPACT_STALE_AFTER_HOURS


@dataclass(frozen=True)
class Series:
    entity: str
    metric: str
    metric_label: str
    kind: str
    policy: str


def current_identity() -> q.Identity:
    """The warehouse's identity, or a message and a stop when there is none."""
    try:
        return q.identity()
    except q.NoWarehouse as exc:
        st.info(f"**No warehouse yet**: run `impact run` to build it. ({exc})")
        st.stop()


def tables_toggle() -> bool:
    """The sidebar switch of the chart pages: draw their tables as grids, or only offer them as CSV.

    Off by default: a data grid anywhere on a page delayed its first chart by about half a second in
    headless Chromium (measured against the same page without it), and on these pages the charts are the
    point. The choice is kept in the URL (`?tables=true`), so a shared link shows what its sender saw."""
    return st.sidebar.toggle(
        "Show tables",
        value=False,
        key="tables",
        bind="query-params",
        help="The figures behind the charts as tables; each is downloadable as CSV either way.",
    )


DATE_COLUMN = st.column_config.DateColumn(format="YYYY-MM-DD")


def show_table(
    frame: pl.DataFrame,
    name: str,
    column_config: dict | None = None,
    height: int | str = "auto",
    total: int | None = None,
    full_csv: Callable[[], bytes] | None = None,
    grid: bool = True,
    hidden_note: str = "turn on *Show tables* in the sidebar to see them here",
) -> None:
    """A table with its CSV download; an empty table is a message, not an empty grid.

    The CSV is made when the button is clicked, not on every render. A table limited to its first rows
    passes `total` and `full_csv` (every row, read on click on a connection of its own) and says so.
    `grid=False` (the chart pages' tables while "Show tables" is off) offers the CSV and the row count only.
    """
    if frame.is_empty():
        st.caption(f"no rows: {name.replace('_', ' ')}")
        return
    if grid:
        # Dates as dates: without a column config the grid showed '2024-01-01 00:00:00' for a DATE column.
        dates = {c: DATE_COLUMN for c, t in frame.schema.items() if t == pl.Date}
        st.dataframe(frame, hide_index=True, column_config={**dates, **(column_config or {})}, height=height)
    else:
        st.caption(f"{total or frame.height:,} rows: {name.replace('_', ' ')} ({hidden_note})")
    limited = total is not None and total > frame.height and full_csv is not None
    if limited and grid:
        st.caption(
            f"Showing the first {frame.height:,} of {total:,} rows; the download has all of them "
            "(narrow the selection in the sidebar to see others here)."
        )
    st.download_button(
        f"Download {'all ' if limited else ''}{name.replace('_', ' ')} (CSV)",
        full_csv if limited else frame.write_csv,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
        on_click="ignore",
    )


def freshness_ui(ident: q.Identity) -> None:
    """How old the published data is; a warning when it is older than the daily rebuild allows."""
    try:
        info = q.build_info(ident)
    except Exception:  # an unreadable or half-written file must not break every page
        st.sidebar.warning("The warehouse cannot be read right now; retrying on the next refresh.")
        return
    if info.is_empty():
        st.sidebar.caption("build time unknown")
        return
    built = info["built_at"][0]
    age = dt.datetime.now(dt.UTC).replace(tzinfo=None) - built
    hours = age.total_seconds() / 3600
    text = (
        f"{hours * 60:.0f} min" if hours < 1 else f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.0f} days"
    )
    if hours > STALE_AFTER_HOURS:
        st.sidebar.warning(
            f"**Data is stale**: built {text} ago ({built:%Y-%m-%d %H:%M} UTC). Run `impact run`."
        )
    else:
        st.sidebar.caption(f"Data built {text} ago ({built:%Y-%m-%d %H:%M} UTC)")


def _pick(label: str, options: list, key: str, format_func=str, default=None, help: str | None = None):
    if not options:
        return None
    index = options.index(default) if default in options else 0
    return st.sidebar.selectbox(
        label, options, index=index, key=key, format_func=format_func, bind="query-params", help=help
    )


def metric_names(ident: q.Identity) -> dict[str, str]:
    frame = q.metrics(ident)
    return dict(zip(frame["metric"].to_list(), frame["name"].to_list(), strict=True))


def series_ui(ident: q.Identity) -> Series | None:
    """Entity, metric, expectation kind and policy; None (with a message) when nothing can be compared."""
    pairs = q.comparable_pairs(ident)
    if pairs.is_empty():
        counts = q.figure_counts(ident)
        if counts.is_empty():
            st.info("The warehouse has no figures yet: add files to a dataset and run `impact run`.")
        else:
            st.info(
                "No numeric comparison is possible: the warehouse has no entity and metric with both a "
                "numeric actual and a numeric expectation. Qualitative claims and all figures are on the "
                "**Evidence** page."
            )
        return None
    names = metric_names(ident)
    entities = list(dict.fromkeys(pairs["entity"].to_list()))
    entity = _pick("Entity", entities, "entity")
    rows = pairs.filter(pl.col("entity") == entity)
    metric = _pick("Metric", rows["metric"].to_list(), "metric", format_func=lambda m: names.get(m, m))
    kinds = rows.filter(pl.col("metric") == metric)["expectation_kinds"][0].to_list()
    kind = _pick(
        "Expectation",
        kinds,
        "kind",
        default="target",
        help="target, guidance, consensus, projection or budget",
    )
    policy = _pick(
        "Compare with",
        list(POLICIES),
        "policy",
        format_func=POLICY_CHOICES.get,
        help="Which vintage of a revised expectation: "
        + "; ".join(f"**{POLICY_CHOICES[p]}**: {POLICIES[p]}" for p in POLICIES)
        + ". See docs/warehouse.md, 'the policies'.",
    )
    return Series(entity, metric, names.get(metric, metric), kind, policy)


def grain_ui(available: list[str], preferred: str | None = None) -> str | None:
    """Period grain; 'auto' takes `preferred` (or the finest grain with data)."""
    grains = [g for g in GRAIN_ORDER if g in available]
    if not grains:
        return None
    auto = preferred if preferred in grains else grains[0]
    choice = st.sidebar.segmented_control(
        "Period grain",
        ["auto", *grains],
        default="auto",
        key="grain",
        bind="query-params",
        format_func=lambda g: f"auto ({auto})" if g == "auto" else g,
        help="Annual data is shown per year; monthly data can be rolled up into quarters.",
    )
    return auto if choice in (None, "auto") else choice


def year_range_ui(years: list[int], key: str = "years") -> tuple[int, int]:
    if len(years) < 2:
        return (years[0], years[0]) if years else (0, 9999)
    low, high = st.sidebar.select_slider(
        "Years", options=years, value=(years[0], years[-1]), key=key, bind="query-params"
    )
    return int(low), int(high)


# Above this many regions the Scorecard's heatmap and bars start from the regions furthest below expectation:
# 250 rows are 7,000 px of heatmap an analyst scrolls past, and drawing them costs the browser seconds.
WORST_REGIONS = 30


def furthest_below(frame: pl.DataFrame, n: int = WORST_REGIONS) -> list[str]:
    """Region paths to show: the top level (the context) and the `n` regions with the largest cumulative
    shortfall (sum of actual - expectation over the frame's periods, most negative first; ties by path)."""
    ranked = (
        frame.group_by("region_path")
        .agg(pl.col("variance").sum().alias("cumulative"), pl.col("region_depth").first())
        .sort(["cumulative", "region_path"])
    )
    top = ranked["region_depth"].min()
    keep = ranked.filter(pl.col("region_depth") == top)["region_path"].to_list()
    worst = ranked.filter(pl.col("region_depth") != top).head(n)["region_path"].to_list()
    return keep + worst


def region_rows_ui(frame: pl.DataFrame) -> pl.DataFrame:
    """With many regions, the Scorecard's choice of rows: the furthest below expectation (default) or all.
    Returns the frame's rows to chart (the tiles and tables keep every region)."""
    regions = frame["region_path"].n_unique()
    if regions <= WORST_REGIONS + 10:
        return frame
    options = ["furthest below", "all"]
    labels = {
        "furthest below": f"top level + the {WORST_REGIONS} furthest below expectation",
        "all": f"all {regions} regions",
    }
    choice = st.sidebar.selectbox(
        "Regions in the charts",
        options,
        format_func=labels.get,
        key="rows",
        bind="query-params",
        help="Furthest below: the largest cumulative shortfall (actual − expectation summed over the periods "
        "shown). The tiles, the tables and their CSVs always cover every region.",
    )
    if choice == "all":
        return frame
    return frame.filter(pl.col("region_path").is_in(furthest_below(frame)))
