"""Impact: what one event did to one series, said honestly (docs/event-impact.md).

The event card and its flags, the figures k periods before and after it, the estimates' window, the synthetic
control (the headline: treated against synthetic, the placebo gaps, donor weights, p-value), the donor pool
with who is left out and why, the counterfactual's three panels, difference-in-differences (each, or why there
is none), and the cited narrative of the event's period. Every choice is in the URL (`impact?event=EV07&region=CA&metric=gmv`).
"""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from dashboard import widgets
from dashboard.data import catalog
from dashboard.data import impact as data
from dashboard.data.trends import entity_parents
from dashboard.sections import estimates
from dashboard.sections.event_card import event_card, flags_section, window_table
from dashboard.sections.impact_choices import event_ui, series_choice_ui
from dashboard.sections.staggered import staggered_section
from dashboard.text import md, page_words
from pipelines.effects.entities import series_of_event
from pipelines.effects.periods import event_span

st.title("Impact: what did an event do to a metric?")
ident = widgets.current_identity()
events = catalog.events(ident)
if events.is_empty():
    st.info("The warehouse has no events: add an events file to a dataset and run `impact run`.")
    st.stop()

event_id = event_ui(ident, events)
event = events.filter(pl.col("event_id") == event_id).row(0, named=True)
affected = series_of_event(data.affected_series(ident, event_id), event["entity"], entity_parents(ident))
if affected.is_empty():
    event_card(event)
    whose = f"{event['entity']} (or its group)" if event["entity"] else "no entity"
    st.info(
        f"**Nothing to assess**: {whose} has no monthly, quarterly, half-yearly or yearly actuals in "
        f"{event['jurisdiction_name'] or event['jurisdiction']} or the regions under it. An event can only be "
        "assessed on figures of the region it applies to and of the business it concerns (never on another "
        "business's figures); the **Events** page shows which events have figures around them."
    )
    st.stop()
choice = series_choice_ui(ident, event, affected)
widgets.illustrative_caption(ident, choice.entity)
region_name = choice.region_names[choice.region]

# --- the event and its window ----------------------------------------------------------------------------
event_card(event)
window = data.window(ident, event_id, choice.region, choice.entity, choice.metric, choice.grain)
unit = ((window["unit"].drop_nulls().to_list() if window.height else []) or [None])[0]
span = event_span(event["date"], choice.grain)  # the window the flags and the narrative both speak of
flags_section(event, window, events, span)
k = int(window["k"][0]) if window.height else None
st.subheader(
    f"{choice.metric_label} in {region_name}, {widgets.count_of(k, choice.grain)} before and after"
    if k
    else f"{choice.metric_label} in {region_name} around the event"
)
if window.is_empty():
    st.info(
        f"No {choice.grain}ly figures of {choice.entity} {choice.metric_label} in {region_name} near the "
        "event's date."
    )
else:
    window_table(window, unit)

# --- the estimates ---------------------------------------------------------------------------------------
with st.spinner("Estimating the effect (the first time for a series takes a few seconds)…"):
    result = data.assessment(
        ident, event_id, choice.metric, choice.region, choice.entity, choice.controls, choice.grain,
        choice.pre, choice.post,
    )  # fmt: skip
if result.error:
    st.info(
        f"**No estimate**: {md(page_words(result.error))}"
    )  # it may quote ?pre= or ?post= from the address
    st.stop()
report = result.report
cf, did = report.counterfactual, report.did
names = {
    **choice.control_names,
    **choice.region_names,
    **(report.donor_pool.names if report.donor_pool else {}),
}
estimates.window_line(report)
estimates.synthetic_control_section(report, choice, event, unit, names)
estimates.donor_pool_section(report.donor_pool, names)
estimates.counterfactual_section(cf, event, choice.grain, unit, choice.metric_label)
estimates.did_section(did, choice, event, unit)
estimates.controls_section(ident, cf, did, choice, event)
staggered_section(ident, event, events, choice, unit)
st.download_button(
    "Download the estimates (JSON)",
    json.dumps(report.to_dict(), indent=2, default=str),
    file_name=f"impact_{event_id}_{choice.region}_{choice.metric}.json",
    mime="application/json",
    on_click="ignore",
)

# --- the narrative ---------------------------------------------------------------------------------------
estimates.narrative_section(ident, choice, event, window, span)
