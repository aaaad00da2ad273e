"""Impact: what one event did to one series, said honestly (docs/event-impact.md).

The event card and its flags, the figures k periods before and after it, the counterfactual's three panels
(or why there is none), difference-in-differences against control regions (or why there is none), and the
cited narrative of the event's period. Every choice is in the URL (`impact?event=EV07&region=CA&metric=gmv`).
"""

from __future__ import annotations

import json

import polars as pl
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard import charts, ui
from dashboard import impact_charts as ic
from dashboard import impact_queries as iq
from dashboard import queries as q
from dashboard.text import md, md_link
from pipelines.effects.periods import label, period_end, period_index, period_start
from pipelines.effects.results import Refusal

GRAIN_ORDER = ["month", "quarter", "half", "year"]

st.title("Impact: what did an event do to a metric?")
ident = ui.current_identity()
events = q.events(ident)
if events.is_empty():
    st.info("The warehouse has no events: add an events file to a dataset and run `impact run`.")
    st.stop()


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


# --- choices ---------------------------------------------------------------------------------------------

ids = events["event_id"].to_list()
event_titles = {
    r["event_id"]: f"{r['date']:%Y-%m-%d} · {r['title']}"
    + (" (expected)" if r["status"] == "expected" else "")
    for r in events.iter_rows(named=True)
}
# Default: the latest event that has happened and has figures in its jurisdiction (or under it).
assessable = set(iq.events_with_figures(ident)["event_id"].to_list())
happened = events.filter((pl.col("status") != "expected") & pl.col("event_id").is_in(list(assessable)))
default_event = (happened if happened.height else events)["event_id"][-1]
event_id = url_choice(
    st.sidebar.selectbox, "Event", ids, "event", default_event, format_func=event_titles.get
)
event = events.filter(pl.col("event_id") == event_id).row(0, named=True)
jurisdiction = event["jurisdiction_name"] or event["jurisdiction"]


def event_card() -> None:
    with st.container(border=True):
        st.subheader(md(event["title"]))  # text from data is shown as text (dashboard/text.py)
        if event["status"] == "expected":
            st.warning(
                f"**Expected event**: it has not happened yet (dated {event['date']:%Y-%m-%d} at "
                f"{event['date_precision']} precision). Nothing can be measured after it."
            )
        cols = st.columns(5)
        when = f"{event['date']:%Y-%m-%d}"
        if event["date_end"]:
            when += f" to {event['date_end']:%Y-%m-%d}"
        cols[0].markdown(f"**Date**  \n{when}  \n:gray[precision: {event['date_precision']}]")
        badge = {"expected": "orange", "overturned": "gray", "announced": "blue"}.get(
            event["status"], "green"
        )
        cols[1].markdown(f"**Status**  \n:{badge}-badge[{event['status']}]")
        cols[2].markdown(f"**Jurisdiction**  \n{md(jurisdiction)} ({md(event['jurisdiction'])})")
        cols[3].markdown(
            f"**Category**  \n{md(event['category'])}"
            + (f"  \n:gray[{md(event['entity'])}]" if event["entity"] else "")
        )
        link = md_link(event["publisher"] or event["source_id"], event["url"])
        cols[4].markdown(
            f"**Source**  \n{link}  \n:gray[{md(event['source_id'])} · event {md(event['event_id'])}]"
        )
        if event["note"]:
            st.caption(md(event["note"]))


affected = iq.affected_series(ident, event_id)
if affected.is_empty():
    event_card()
    st.info(
        f"**Nothing to assess**: no entity has monthly, quarterly, half-yearly or yearly actuals in {jurisdiction} "
        "or the regions under it. An event can only be assessed on figures of the region it applies to; the "
        "**Events** page shows which events have figures around them."
    )
    st.stop()

region_rows = affected.unique("region_code", maintain_order=True)
region_names = dict(
    zip(region_rows["region_code"].to_list(), region_rows["region_name"].to_list(), strict=True)
)
region_codes = list(region_names)
region = url_choice(
    st.sidebar.selectbox,
    "Region",
    region_codes,
    "region",
    event["jurisdiction"] if event["jurisdiction"] in region_codes else region_codes[0],
    format_func=lambda c: (
        f"{region_names[c]} ({c})" + (" · jurisdiction" if c == event["jurisdiction"] else "")
    ),
    help="The event's jurisdiction or a region under it, with figures.",
)
in_region = affected.filter(pl.col("region_code") == region).with_columns(
    (pl.col("entity") == (event["entity"] or "")).alias("is_event_entity"),
    pl.col("grain").replace_strict({g: i for i, g in enumerate(GRAIN_ORDER)}, default=9).alias("grain_rank"),
)
# Default series: the event's entity first, then the longest run of figures before the event, finest grain.
ranked = in_region.sort(
    ["is_event_entity", "figures_before", "figures", "grain_rank"], descending=[True, True, True, False]
)
metric_names = dict(zip(in_region["metric"].to_list(), in_region["metric_name"].to_list(), strict=True))
metrics = list(dict.fromkeys(ranked["metric"].to_list()))
metric = url_choice(
    st.sidebar.selectbox,
    "Metric",
    metrics,
    "metric",
    metrics[0],
    format_func=lambda m: metric_names.get(m, m),
)
for_metric = ranked.filter(pl.col("metric") == metric)
entities = list(dict.fromkeys(for_metric["entity"].to_list()))
entity = url_choice(st.sidebar.selectbox, "Entity", entities, "entity", entities[0])
for_series = for_metric.filter(pl.col("entity") == entity)
grains = [g for g in GRAIN_ORDER if g in for_series["grain"].to_list()]
most = for_series.sort(["figures", "grain_rank"], descending=[True, False])["grain"][0]
grain_choice = url_choice(
    st.sidebar.selectbox,
    "Period grain",
    ["auto", *grains],
    "grain",
    "auto",
    format_func=lambda g: f"auto ({most})" if g == "auto" else g,
    help="auto: the grain with the most figures. A counterfactual needs months or quarters.",
)
grain = most if grain_choice in (None, "auto") else grain_choice
candidates = iq.candidate_controls(ident, entity, metric, grain, region)
control_names = dict(
    zip(candidates["region_code"].to_list(), candidates["region_name"].to_list(), strict=True)
)
chosen_controls = url_choice(
    st.sidebar.multiselect,
    "Control regions",
    list(control_names),
    "controls",
    [],
    format_func=lambda c: f"{control_names[c]} ({c})",
    placeholder="automatic: untouched sibling regions",
    help="Regions the event did not touch, to compare with. Empty: sibling regions (same parent) with this "
    "series and no event of their own in the window.",
)
controls = tuple(sorted(chosen_controls)) if chosen_controls else None
metric_label = metric_names.get(metric, metric)

# --- the event and its window ----------------------------------------------------------------------------

event_card()
window = iq.window(ident, event_id, region, entity, metric, grain)
unit = (window["unit"].drop_nulls().to_list() if window.height else []) or [None]
unit = unit[0]

st.subheader("Flags")
flags = 0
if event["status"] == "expected":
    flags += 1
    st.markdown(
        ":orange-badge[expected] the event has not happened yet: figures after its date are not its effect."
    )
if window.height and window["is_overlapping"].any():
    flags += 1
    others = sorted({e for row in window["overlapping_event_ids"].to_list() if row for e in row} - {event_id})
    listed = events.filter(pl.col("event_id").is_in(others))
    st.markdown(
        f":red-badge[overlapping events] {listed.height} other event(s) in related jurisdictions fall inside "
        f"the window ({md(', '.join(others[:6]))}{', …' if len(others) > 6 else ''}), so a change cannot be pinned "
        "on this one alone."
    )
    with st.expander("The overlapping events"):
        ui.show_table(
            listed.select("event_id", "date", "status", "jurisdiction", "category", "title"),
            "overlapping_events",
        )
if window.height and window["after_data_end"].any():
    flags += 1
    st.markdown(
        f":violet-badge[after data end] the window runs to {window['window_end'][0]:%Y-%m-%d} but the "
        f"series' last figure ends {window['data_end'][0]:%Y-%m-%d}: later periods are not in yet."
    )
if not window.height:
    st.caption("No window: this series has no figures within the window around the event.")
elif not flags:
    st.caption(
        "None: the event has happened, no other event in a related jurisdiction falls in the window, and the "
        "data covers the whole window."
    )

k = int(window["k"][0]) if window.height else None
st.subheader(
    f"{md(metric_label)} in {md(region_names[region])}, {ui.count_of(k, grain)} before and after"
    if k
    else f"{md(metric_label)} in {md(region_names[region])} around the event"
)
if window.is_empty():
    st.info(
        f"No {grain}ly figures of {entity} {metric_label} in {region_names[region]} near the event's date."
    )
else:
    divisor, unit_label = charts.value_scale(
        unit, window["actual"].to_list() + window["expectation"].to_list()
    )
    shown = window.select(
        pl.col("position").alias("position (0 = event's period)"),
        "period",
        (pl.col("actual") / divisor).alias(f"actual ({unit_label})"),
        (pl.col("expectation") / divisor).alias(f"expectation ({unit_label})"),
        "expectation_kind",
        (pl.col("attainment") * 100).alias("attainment %"),
        (pl.col("change_vs_pre_pct") * 100).alias("change vs period before the event %"),
        "actual_source_id",
        "expectation_source_id",
    )
    ui.show_table(
        shown,
        "impact_window",
        column_config={
            f"actual ({unit_label})": st.column_config.NumberColumn(format="%,.2f"),
            f"expectation ({unit_label})": st.column_config.NumberColumn(format="%,.2f"),
            "attainment %": st.column_config.NumberColumn(format="%.1f%%"),
            "change vs period before the event %": st.column_config.NumberColumn(format="%+.1f%%"),
        },
    )
    st.caption(
        "Attainment = actual / the expectation known when the period ended (100 % = as expected). Change is "
        "against position -1, the last period before the event. A missing period is a missing row, never a zero."
    )

# --- the estimates ---------------------------------------------------------------------------------------

with st.spinner("Estimating the effect (the first time for a series takes a few seconds)…"):
    result = iq.assessment(ident, event_id, metric, region, entity, controls, grain)
if result.error:
    st.info(f"**No estimate**: {result.error}")
    st.stop()
report = result.report
cf, did = report.counterfactual, report.did


def pct(x: float) -> str:
    return f"{x * 100:+.1f}%"


def amount(x: float) -> str:
    d, lab = charts.value_scale(unit, [x])
    return f"{x / d:+,.2f} {lab}".strip()


st.subheader("Counterfactual: what would have happened without the event")
if isinstance(cf, Refusal):
    st.info(f"**No counterfactual for this series.** {cf.reason}.")
else:
    c = st.columns(3)
    c[0].metric(
        "Relative effect",
        pct(cf.relative_effect.estimate),
        help="Cumulative effect / cumulative counterfactual over the post-period.",
    )
    c[0].caption(f"95% interval {pct(cf.relative_effect.lower)} to {pct(cf.relative_effect.upper)}")
    c[1].metric(f"Cumulative effect, {cf.post_start} to {cf.post_end}", amount(cf.cumulative_effect.estimate))
    c[1].caption(f"95% interval {amount(cf.cumulative_effect.lower)} to {amount(cf.cumulative_effect.upper)}")
    c[2].metric(f"Average effect per {grain}", amount(cf.average_effect.estimate))
    c[2].caption(f"95% interval {amount(cf.average_effect.lower)} to {amount(cf.average_effect.upper)}")
    covers_zero = cf.relative_effect.lower <= 0 <= cf.relative_effect.upper
    st.markdown(
        "The interval **includes zero**: the data do not show a clear effect."
        if covers_zero
        else "The interval **excludes zero**: the series departed from what the model expected."
    )
    st.plotly_chart(
        ic.effect_panels(cf.panels, event["date"], grain, unit, metric_label), theme=None, key="panels"
    )
    st.caption(
        f"Model: {cf.model}, fitted on {ui.count_of(cf.pre_periods, grain)} before the event "
        f"({cf.pre_start} to {cf.pre_end}) and run over {cf.post_periods} after ({cf.post_start} to {cf.post_end}) "
        "with the actuals hidden. The period containing the event counts as the first period after it. "
        "Before the event the dashed line is the model's one-step fit; the band is the 95% interval. "
        "Intervals take the model's variances as known, so they are slightly optimistic on short series."
    )
    for note in cf.notes:
        st.caption(f"Note: {note}")

st.subheader("Difference-in-differences: against regions the event did not touch")
if isinstance(did, Refusal):
    st.info(f"**No difference-in-differences estimate.** {did.reason}.")
else:
    c = st.columns(3)
    if did.relative_effect is not None:
        c[0].metric("Relative effect", pct(did.relative_effect.estimate))
        c[0].caption(f"95% interval {pct(did.relative_effect.lower)} to {pct(did.relative_effect.upper)}")
    else:
        c[0].metric("Effect (level)", amount(did.effect.estimate))
        c[0].caption(f"95% interval {amount(did.effect.lower)} to {amount(did.effect.upper)}")
    all_names = {**control_names, **region_names}
    c[1].metric("Control regions", len(did.controls))
    c[1].caption(
        ", ".join(f"{all_names.get(r, r)} ({r})" for r in did.controls)
        + (" · chosen by you" if controls else " · chosen automatically (untouched siblings)")
    )
    c[2].metric(
        f"{ui.GRAIN_PLURAL.get(grain, grain).capitalize()} compared",
        f"{did.pre_periods} before · {did.post_periods} after",
    )
    st.plotly_chart(
        ic.did_chart(did.gap, event["date"], grain, did.scale, unit, region_names[region], metric_label),
        theme=None,
        key="did",
    )
    st.caption(
        "Gap = log(treated) − mean log(controls) (levels when a value is not positive); the effect is the change "
        "of its average from before to after, with Newey-West standard errors. It assumes the controls would "
        "have moved like the treated region without the event: check that in the chart below."
    )
    for note in did.notes:
        st.caption(f"Note: {note}")
if not isinstance(did, Refusal) or not isinstance(cf, Refusal):
    used = sorted(set(getattr(did, "controls", []) or []) | set(getattr(cf, "controls", []) or []))
    if used:
        idx = period_index(event["date"], grain)
        span = iq.series(
            ident,
            entity,
            metric,
            grain,
            [region, *used],
            period_start(idx - 36, grain),
            period_end(idx + 12, grain),
        )
        with st.expander("Treated region and controls, indexed", expanded=True):
            st.plotly_chart(
                ic.controls_chart(span, region, event["date"], grain, metric_label),
                theme=None,
                key="controls_chart",
            )

st.download_button(
    "Download the estimates (JSON)",
    json.dumps(report.to_dict(), indent=2, default=str),
    file_name=f"impact_{event_id}_{region}_{metric}.json",
    mime="application/json",
    on_click="ignore",
)

# --- the narrative ---------------------------------------------------------------------------------------

event_period = label(period_index(event["date"], grain), grain)
period = event_period
if window.height and event_period not in window["period"].to_list():
    after = window.filter(pl.col("position") >= 0)
    period = (after if after.height else window).sort("position")["period"][0 if after.height else -1]
st.subheader(f"What the figures say about {period}")
if period != event_period:
    st.caption(
        f"The event's period {event_period} has no actual figure; the closest period with one is shown."
    )
st.caption(
    "Generated from templates (deterministic); [n] points to the sources below. Its last sentence is about the "
    "event chosen above."
)
story = iq.narrative(ident, entity, metric, region, period, event_id)
if isinstance(story, str):
    st.info(f"No narrative for {period}: {story}.")
else:
    st.markdown(story.text.replace("$", "\\$"))
    cited = iq.sources(ident, [c.source_id for c in story.citations])
    urls = dict(zip(cited["source_id"].to_list(), cited["url"].to_list(), strict=True))
    titles = dict(zip(cited["source_id"].to_list(), cited["title"].to_list(), strict=True))
    lines = []
    for c in story.citations:
        name = f"{c.publisher}" + (f", *{titles[c.source_id]}*" if titles.get(c.source_id) else "")
        name = f"[{name}]({urls[c.source_id]})" if urls.get(c.source_id) else name
        lines.append(f"{c.marker}. {name} · {c.published_on} · `{c.source_id}`")
    if lines:
        st.markdown("**Sources**  \n" + "  \n".join(lines))
