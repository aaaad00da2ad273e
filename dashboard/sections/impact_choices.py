"""The Impact page's sidebar: event, region, metric, entity, grain and control regions, each in the URL as its
id (`impact?event=EV07&region=CA&metric=gmv`), so links from other pages and shared addresses work."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard.data import connection as db
from dashboard.data import impact as data
from dashboard.data.trends import entity_parents, events_for_entity
from dashboard.sections.event_choices import canonical_event_param
from dashboard.widgets import GRAIN_ORDER, default_event, from_url, url_choice


@dataclass(frozen=True)
class ImpactChoice:
    event_id: str
    region: str
    metric: str
    entity: str
    grain: str
    controls: tuple[str, ...] | None  # None: the default donor pool (pipelines.effects.donors)
    region_names: dict
    metric_label: str
    control_names: dict
    pre: str | None = None  # the windows as period ranges ('1970..1988'); None: the default window
    post: str | None = None


def event_ui(ident: db.Identity, events: pl.DataFrame) -> str:
    """The event (`?event=`, a second report of an event opening the event as listed). When the address names
    a business (`?entity=Illustrative Marketplace`, by id or label), only the events that concern it are
    offered (`pipelines.effects.entities`), so its default event is one of that business's."""
    entity = from_url(st.query_params.get("entity"), list(entity_parents(ident)))
    if entity is not None:
        events = events_for_entity(events, entity, entity_parents(ident))
    canonical_event_param(events)
    titles = {
        r["event_id"]: f"{r['date']:%Y-%m-%d} · {r['title']}"
        + (" (expected)" if r["status"] == "expected" else "")
        for r in events.iter_rows(named=True)
    }
    default = default_event(events, data.event_figures(ident), entity_parents(ident))
    return url_choice(
        st.sidebar.selectbox,
        "Event",
        events["event_id"].to_list(),
        "event",
        default,
        format_func=titles.get,
        help="Opens on the event with the most figures of its business on both sides of its date (ties: the "
        "later event).",
    )


def ranked_series(affected: pl.DataFrame, region: str, event_entity: str | None) -> pl.DataFrame:
    """The region's series, default first: the event's entity, then the longest run of figures before the
    event, then the finest grain."""
    in_region = affected.filter(pl.col("region_code") == region).with_columns(
        (pl.col("entity") == (event_entity or "")).alias("is_event_entity"),
        pl.col("grain")
        .replace_strict({g: i for i, g in enumerate(GRAIN_ORDER)}, default=9)
        .alias("grain_rank"),
    )
    return in_region.sort(
        ["is_event_entity", "figures_before", "figures", "grain_rank"], descending=[True, True, True, False]
    )


def series_choice_ui(ident: db.Identity, event: dict, affected: pl.DataFrame) -> ImpactChoice:
    """Region, metric, entity, grain and controls for the chosen event's affected series."""
    rows = affected.unique("region_code", maintain_order=True)
    region_names = dict(zip(rows["region_code"].to_list(), rows["region_name"].to_list(), strict=True))
    codes = list(region_names)
    region = url_choice(
        st.sidebar.selectbox,
        "Region",
        codes,
        "region",
        event["jurisdiction"] if event["jurisdiction"] in codes else codes[0],
        format_func=lambda c: (
            f"{region_names[c]} ({c})" + (" · jurisdiction" if c == event["jurisdiction"] else "")
        ),
        help="The event's jurisdiction or a region under it, with figures.",
    )
    ranked = ranked_series(affected, region, event["entity"])
    names = dict(zip(ranked["metric"].to_list(), ranked["metric_name"].to_list(), strict=True))
    metrics = list(dict.fromkeys(ranked["metric"].to_list()))
    metric = url_choice(
        st.sidebar.selectbox, "Metric", metrics, "metric", metrics[0], format_func=lambda m: names.get(m, m)
    )
    for_metric = ranked.filter(pl.col("metric") == metric)
    entities = list(dict.fromkeys(for_metric["entity"].to_list()))
    entity = url_choice(st.sidebar.selectbox, "Entity", entities, "entity", entities[0])
    grain = _grain_ui(for_metric.filter(pl.col("entity") == entity))
    candidates = data.candidate_controls(ident, entity, metric, grain, region)
    control_names = dict(
        zip(candidates["region_code"].to_list(), candidates["region_name"].to_list(), strict=True)
    )
    chosen = url_choice(
        st.sidebar.multiselect,
        "Control regions",
        list(control_names),
        "controls",
        [],
        format_func=lambda c: f"{control_names[c]} ({c})",
        placeholder="automatic: every region of the level",
        help="Donor (control) regions. Empty: every region of the treated region's level with this series for "
        "the whole window and no event of the business in it (the Donor pool list says who is left out and why).",
    )
    controls = tuple(sorted(chosen)) if chosen else None
    pre, post = window_ui()
    return ImpactChoice(
        event["event_id"], region, metric, entity, grain, controls, region_names, names.get(metric, metric),
        control_names, pre, post,
    )  # fmt: skip


WINDOW_FIELDS = (
    (
        "pre",
        "Pre-event window",
        "e.g. 1970..1988 or 2023-01..2024-05; empty: every period back to the previous event",
    ),
    ("post", "Post-event window", "e.g. 1989..2000; may start after the event; empty: up to the next event"),
)


def window_ui() -> tuple[str | None, str | None]:
    """The estimate's windows as period ranges, in the URL (`?pre=1970..1988&post=1989..2000`)."""
    chosen = []
    for key, label, hint in WINDOW_FIELDS:
        state = f"impact_{key}"
        if state not in st.session_state:
            st.session_state[state] = st.query_params.get(key, "")
        value = st.sidebar.text_input(label, key=state, placeholder="default", help=hint).strip()
        if value:
            st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]
        chosen.append(value or None)
    return chosen[0], chosen[1]


def _grain_ui(for_series: pl.DataFrame) -> str:
    """auto: the grain with the most figures (a counterfactual needs months or quarters)."""
    grains = [g for g in GRAIN_ORDER if g in for_series["grain"].to_list()]
    most = for_series.sort(["figures", "grain_rank"], descending=[True, False])["grain"][0]
    choice = url_choice(
        st.sidebar.selectbox,
        "Period grain",
        ["auto", *grains],
        "grain",
        "auto",
        format_func=lambda g: f"auto ({most})" if g == "auto" else g,
        help="auto: the grain with the most figures. A counterfactual needs months or quarters.",
    )
    return most if choice in (None, "auto") else choice
