"""Widget groups shared by the pages: each `*_ui()` draws its widgets in the sidebar and returns the user's
selection; the choices they offer come from pure functions (`*_choices`, `furthest_below`), unit-tested
without Streamlit.

Filters are bound to the URL (`bind="query-params"`, the key is the parameter name), so a link reproduces
what the analyst sees.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard.data import catalog
from dashboard.data import connection as db
from pipelines.warehouse import rules

POLICIES = {
    "at_period_end": "expected at the time (latest before the period ended)",
    "when_reported": "expected when the result came out (latest vintage known on the actual's date)",
    "original": "original expectation (first vintage)",
    "latest": "latest revision",
}
# The sidebar's short names for them (the long ones were cut off in its 220 px wide select box).
POLICY_CHOICES = {
    "at_period_end": "expected at the time",
    "when_reported": "expected when reported",
    "original": "original expectation",
    "latest": "latest revision",
}
GRAIN_ORDER = list(rules.GRAIN_ORDER)  # finest first: sql/views/base/grain_order.sql
GRAIN_PLURAL = {g: rules.UNIT_LABEL[g] for g in GRAIN_ORDER}  # 'months', ... (the same view)


def count_of(n: int, grain: str) -> str:
    """'1 year', '3 halves': a number of periods in words."""
    return f"{n} {grain if n == 1 else GRAIN_PLURAL.get(grain, grain)}"


@dataclass(frozen=True)
class Series:
    entity: str
    metric: str
    metric_label: str
    kind: str
    policy: str


def current_identity() -> db.Identity:
    """The warehouse's identity, or a message and a stop when there is none."""
    try:
        return db.identity()
    except db.NoWarehouse as exc:
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


def _pick(label: str, options: list, key: str, format_func=str, default=None, help: str | None = None):
    if not options:
        return None
    index = options.index(default) if default in options else 0
    return st.sidebar.selectbox(
        label, options, index=index, key=key, format_func=format_func, bind="query-params", help=help
    )


def metric_names(ident: db.Identity) -> dict[str, str]:
    """Metric id -> its display name ('gmv' -> 'Gross merchandise value')."""
    frame = catalog.metrics(ident)
    return dict(zip(frame["metric"].to_list(), frame["name"].to_list(), strict=True))


def entity_choices(pairs: pl.DataFrame) -> list[str]:
    """Entities with a comparison, in the pairs' order (most figures first)."""
    return list(dict.fromkeys(pairs["entity"].to_list()))


def metric_choices(pairs: pl.DataFrame, entity: str) -> list[str]:
    """The entity's metrics with a comparison, most figures first."""
    return pairs.filter(pl.col("entity") == entity)["metric"].to_list()


def kind_choices(pairs: pl.DataFrame, entity: str, metric: str) -> list[str]:
    """Expectation kinds (target, guidance, ...) with numeric figures for this entity and metric."""
    rows = pairs.filter((pl.col("entity") == entity) & (pl.col("metric") == metric))
    return rows["expectation_kinds"][0].to_list() if rows.height else []


def _no_comparison(ident: db.Identity) -> None:
    if catalog.figure_counts(ident).is_empty():
        st.info("The warehouse has no figures yet: add files to a dataset and run `impact run`.")
    else:
        st.info(
            "No numeric comparison is possible: the warehouse has no entity and metric with both a "
            "numeric actual and a numeric expectation. Qualitative claims and all figures are on the "
            "**Evidence** page."
        )


def series_ui(ident: db.Identity) -> Series | None:
    """Entity, metric, expectation kind and policy; None (with a message) when nothing can be compared."""
    pairs = catalog.comparable_pairs(ident)
    if pairs.is_empty():
        _no_comparison(ident)
        return None
    names = metric_names(ident)
    entity = _pick("Entity", entity_choices(pairs), "entity")
    metrics = metric_choices(pairs, entity)
    metric = _pick("Metric", metrics, "metric", format_func=lambda m: names.get(m, m))
    kind = _pick(
        "Expectation",
        kind_choices(pairs, entity, metric),
        "kind",
        default="target",
        help="target, guidance, consensus, projection or budget",
    )
    default = catalog.default_policies(ident).get(kind, "at_period_end")
    choice = _pick(
        "Compare with",
        [DEFAULT_POLICY, *POLICIES],
        "policy",
        format_func=lambda p: policy_label(p, default),
        help="Which vintage of a revised expectation: "
        + "; ".join(f"**{POLICY_CHOICES[p]}**: {POLICIES[p]}" for p in POLICIES)
        + ". **default**: the expectation kind's own (consensus: expected when reported; the others: "
        "expected at the time). See docs/warehouse.md, 'the policies'.",
    )
    return Series(entity, metric, names.get(metric, metric), kind, resolve_policy(choice, default))


DEFAULT_POLICY = "default"


def policy_label(choice: str, default: str) -> str:
    """'default (expected when reported)' for the default choice, else the policy's short name."""
    if choice == DEFAULT_POLICY:
        return f"default ({POLICY_CHOICES[default]})"
    return POLICY_CHOICES.get(choice, choice)


def resolve_policy(choice: str | None, default: str) -> str:
    """The policy a choice stands for: 'default' (or none) is the expectation kind's default policy."""
    return default if choice in (None, DEFAULT_POLICY) or choice not in POLICIES else choice


def grain_choices(available, preferred: str | None = None) -> tuple[list[str], str | None]:
    """(grains in GRAIN_ORDER that have data, the grain 'auto' stands for: `preferred` if available, else the
    finest); ([], None) when none of the known grains has data."""
    grains = [g for g in GRAIN_ORDER if g in available]
    if not grains:
        return [], None
    return grains, preferred if preferred in grains else grains[0]


def grain_ui(available: list[str], preferred: str | None = None) -> str | None:
    """Period grain; 'auto' takes `preferred` (or the finest grain with data)."""
    grains, auto = grain_choices(available, preferred)
    if not grains:
        return None
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


def url_choice(widget, label: str, options: list, key: str, default, **kwargs):
    """A sidebar selectbox or multiselect whose choice lives in the URL as the plain option (`?event=EV07`,
    `?region=CA`, `?controls=US&controls=MX`), so links from other pages and shared addresses work.

    (`bind="query-params"` would put the displayed label in the URL, not the id.) The widget's own key is
    `impact_<key>`, so the Scorecard's or Events' filters of the same name never leak in. A remembered choice
    that the options no longer offer (another event was picked) falls back to the URL's, then the default.
    """
    multi = getattr(widget, "__name__", "") == "multiselect"
    state_key = f"impact_{key}"
    current = st.session_state.get(state_key)
    valid = (lambda v: v is not None and all(x in options for x in v)) if multi else (lambda v: v in options)
    if not valid(current):
        wanted = st.query_params.get_all(key) if multi else st.query_params.get(key)
        st.session_state[state_key] = wanted if valid(wanted) else default
    value = widget(label, options, key=state_key, **kwargs)
    try:
        if value or not multi:
            st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]
    except StreamlitAPIException:  # still bound to another page's widget on the first run after a switch
        pass
    return value


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
    shortfall (sum of actual - expectation over the frame's periods, signed in the metric's own sense: for a
    lower-is-better metric an overrun counts as a shortfall; most negative first; ties by path)."""
    # performance_pct has the sign of the variance, flipped for lower-is-better metrics
    flipped = (
        (pl.col("performance_pct") * pl.col("variance")) < 0 if "performance_pct" in frame.columns else False
    )
    in_sense = pl.when(flipped).then(-pl.col("variance")).otherwise(pl.col("variance"))
    ranked = (
        frame.group_by("region_path")
        .agg(in_sense.sum().alias("cumulative"), pl.col("region_depth").first())
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


def region_levels_ui(frame: pl.DataFrame) -> pl.DataFrame:
    """With regions at several levels (world, region, country), which levels to show; returns their rows."""
    levels = list(dict.fromkeys(frame.sort("region_depth")["region_level"].to_list()))
    if len(levels) < 2:
        return frame
    shown = st.sidebar.multiselect("Region levels", levels, default=levels, key="levels", bind="query-params")
    return frame.filter(pl.col("region_level").is_in(shown or levels))


def bar_period_ui(frame: pl.DataFrame) -> str:
    """The Scorecard's period for the bars: by default the latest period with the most regions."""
    periods = frame.sort("period_start").unique("period", maintain_order=True)["period"].to_list()
    counts = dict(frame.group_by("period").len().iter_rows())
    default = max(reversed(periods), key=lambda p: counts[p])
    return st.selectbox(
        "Period for the bars", periods, index=periods.index(default), key="period", bind="query-params"
    )


def region_choices(counts: pl.DataFrame, known: set[str]) -> list[str]:
    """Region codes with figures (`figure_counts_by_region`), top levels first, then most figures."""
    ranked = counts.sort(["depth", "figures"], descending=[False, True])["region_code"].to_list()
    return [c for c in ranked if c in known]


def regions_ui(codes: list[str], names: dict[str, str]) -> list[str]:
    """The Trends page's regions (the first two by default)."""
    return st.sidebar.multiselect(
        "Regions",
        codes,
        default=codes[:2],
        key="regions",
        bind="query-params",
        format_func=lambda c: f"{names[c]} ({c})",
    )
