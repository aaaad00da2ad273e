"""The Impact page's event card, its flags (expected, overlapping events, after the data's end) and the table
of the figures k periods before and after the event."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import tables
from dashboard.charts.style import value_scale
from dashboard.text import md, md_link
from pipelines.effects.periods import window_words


def event_card(event: dict) -> None:
    """Title, date (and precision), status, jurisdiction, category, source of one event."""
    jurisdiction = event["jurisdiction_name"] or event["jurisdiction"]
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
        others = list(zip(event.get("reported_as") or [], event.get("publishers") or [], strict=False))[1:]
        if others:  # the same event from other sources (event_groups, docs/event-impact.md)
            st.caption(
                "Also reported by "
                + "; ".join(f"{md(p)} (event {md(i)})" for i, p in others)
                + ": the same event, shown once."
            )


def flags_section(event: dict, window: pl.DataFrame, events: pl.DataFrame, span: tuple) -> None:
    """What limits a reading of the window `span` (dates: `pipelines.effects.periods.event_span`, the window
    the narrative's events are of): an expected event, overlapping events, data not in yet."""
    words = window_words(span)
    st.subheader("Flags")
    flags = 0
    if event["status"] == "expected":
        flags += 1
        st.markdown(
            ":orange-badge[expected] the event has not happened yet: figures after its date are not its effect."
        )
    if window.height and window["is_overlapping"].any():
        flags += 1
        ids = window["overlapping_event_ids"].to_list()
        others = sorted({e for row in ids if row for e in row} - {event["event_id"]})
        listed = events.filter(pl.col("event_id").is_in(others))
        st.markdown(
            f":red-badge[overlapping events] {listed.height} other event(s) in related jurisdictions fall "
            f"inside the window {words} ({', '.join(others[:6])}{', …' if len(others) > 6 else ''}), so a change "
            "cannot be pinned on this one alone."
        )
        with st.expander("The overlapping events"):
            tables.show_table(
                listed.select("event_id", "date", "status", "jurisdiction", "category", "title"),
                "overlapping_events",
            )
    if window.height and window["after_data_end"].any():
        flags += 1
        st.markdown(
            f":violet-badge[after data end] the window {words} runs past the series' last figure (ending "
            f"{window['data_end'][0]:%Y-%m-%d}): later periods are not in yet."
        )
    if not window.height:
        st.caption("No window: this series has no figures within the window around the event.")
    elif not flags:
        st.caption(
            "No flags: the event has happened, no other event in a related jurisdiction falls in the window, and "
            "the data covers the whole window."
        )


def window_table(window: pl.DataFrame, unit: str | None) -> None:
    """The window's figures: in the grid in the chart's unit, attainment and change in %, an em dash where
    there is no number (the grid printed 'None' for an attainment with a zero expectation); raw base-unit
    values in the CSV."""
    scale = value_scale(unit, window["actual"].to_list() + window["expectation"].to_list())
    shown = window.select(
        "position",
        "period",
        "actual",
        "expectation",
        "expectation_kind",
        "performance_pct",
        "attainment",
        "change_vs_pre_pct",
        "actual_source_id",
        "expectation_source_id",
    )
    tables.show_table(shown, "impact_window", scale=scale)
    st.caption(
        "Better / worse than expected: the variance as a share of |expectation|, in the metric's own sense "
        "(positive = better, also where lower is better); attainment = actual / expectation, none when the "
        "expectation is zero or negative. The expectation is the kind's default policy. Change is "
        "against position -1, the last period before the event. A missing period is a missing row, never a "
        "zero."
    )
