"""The event pickers the Events and Impact pages share: which business's events (`?entity=`) and which event
(`?event=`, a second report of an event opening the event as listed)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.data import catalog
from dashboard.data import connection as db
from dashboard.widgets import entity_choices, url_choice

ALL_ENTITIES = "(all)"


def entity_filter_ui(ident: db.Identity, events: pl.DataFrame) -> str | None:
    """The Events page's business filter (`?entity=`, id or label): None for every business, else an entity
    whose events (and its group's) are shown. Offers the entities with figures or events, reported ones first."""
    pairs = catalog.comparable_pairs(ident)
    named = sorted(set(events["entity"].drop_nulls().to_list()) - set(pairs["entity"].to_list()))
    options = [ALL_ENTITIES, *entity_choices(pairs, catalog.illustrative_entities(ident)), *named]
    choice = url_choice(st.sidebar.selectbox, "Business", options, "entity", ALL_ENTITIES, prefix="")
    return None if choice == ALL_ENTITIES else choice


def canonical_event_param(events: pl.DataFrame) -> None:
    """Point `?event=` at the id the page lists: a second report of an event (BRE03) becomes the event's
    representative (EV07, `catalog.representative_event`); other values are left for `url_choice` to judge."""
    given = st.query_params.get("event")
    shown = catalog.representative_event(events, given)
    if shown is not None and shown != given:
        st.query_params["event"] = shown
