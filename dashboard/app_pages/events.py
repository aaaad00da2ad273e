"""Events: a timeline by jurisdiction and category, and for one event the metrics before and after it."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import tables, widgets
from dashboard.charts.events import event_window_chart, events_timeline
from dashboard.charts.style import row_count
from dashboard.data import catalog
from dashboard.data import connection as db
from dashboard.data import events as data
from dashboard.data import trends as trends_data
from dashboard.figures import show_chart
from dashboard.sections import event_choices

st.title("Events: what happened around the misses")
ident = widgets.current_identity()
with db.reading(ident):  # one short connection for this render's uncached queries
    events = catalog.events(ident)  # a group of reports of one event once, citing every report's source
    if events.is_empty():
        st.info("The warehouse has no events: add an events file to a dataset and run `impact run`.")
        st.stop()
    entity = event_choices.entity_filter_ui(ident, events)
    widgets.illustrative_caption(ident, entity)
    events = trends_data.events_for_entity(events, entity, trends_data.entity_parents(ident))

    names = dict(
        zip(
            events["jurisdiction"].to_list(), events["jurisdiction_name"].fill_null("").to_list(), strict=True
        )
    )
    jurisdictions = sorted(names, key=lambda c: names[c] or c)
    categories = sorted(set(events["category"].to_list()))
    statuses = sorted(set(events["status"].to_list()))
    shown_j = st.sidebar.multiselect(
        "Jurisdictions",
        jurisdictions,
        key="jurisdictions",
        bind="query-params",
        format_func=lambda c: f"{names[c] or c} ({c})",
        placeholder="all",
    )
    shown_c = st.sidebar.multiselect(
        "Categories", categories, key="categories", bind="query-params", placeholder="all"
    )
    shown_s = st.sidebar.multiselect(
        "Status", statuses, key="statuses", bind="query-params", placeholder="all"
    )
    shown = events.filter(
        pl.col("jurisdiction").is_in(shown_j or jurisdictions)
        & pl.col("category").is_in(shown_c or categories)
        & pl.col("status").is_in(shown_s or statuses)
    )
    if shown.is_empty():
        st.info("No event matches these filters.")
        st.stop()

    # labels placed for a laptop's width: hidden below 700 px, where they would overlap (names in the hover)
    show_chart(events_timeline(shown), key="timeline", dense=True)
    twice = shown.filter(pl.col("reported_as").list.len() > 1)
    if twice.height:
        st.caption(
            f"{row_count(twice.height, 'event')} reported by more than one source shown once, citing each "
            "source (same jurisdiction, category, entity and date, titles sharing a word: docs/event-impact.md)."
        )
    shown_as_grids = widgets.tables_toggle()
    named = {
        "entity": entity,
        "jurisdictions": "+".join(shown_j),
        "categories": "+".join(shown_c),
        "statuses": "+".join(shown_s),
    }
    picked = {k: v for k, v in named.items() if v}  # the filters set, as columns and in the file name
    tables.show_table(
        shown.select(
            "date",
            "date_precision",
            "date_end",
            "status",
            "jurisdiction_name",
            "category",
            "title",
            "entity",
            pl.col("publishers").list.join("; ").alias("sources"),
            "url",
            pl.col("source_ids").list.join("; "),
            pl.col("reported_as").list.join("; "),
            "event_id",
        ),
        "events",
        column_config={
            "url": st.column_config.LinkColumn("source link", display_text="open"),
            "jurisdiction_name": "jurisdiction",
        },
        grid=shown_as_grids,
        selection=picked,
    )

    st.subheader("Before and after one event")
    ids = shown["event_id"].to_list()
    titles = dict(
        zip(
            ids,
            [f"{d:%Y-%m-%d} · {t}" for d, t in zip(shown["date"], shown["title"], strict=True)],
            strict=True,
        )
    )
    # The event's id in the URL (not its label), and no widget bound to `event`: a bound one took the parameter
    # with it when the link below switched pages, and the Impact page opened its default event (issue 16).
    event_choices.canonical_event_param(shown)  # ?event=BRE03 (a second report) opens EV07, the same event
    event_id = widgets.url_choice(
        st.selectbox, "Event", ids, "event", ids[0], prefix="", format_func=titles.get
    )
    event = shown.filter(pl.col("event_id") == event_id).row(0, named=True)
    st.page_link(
        "app_pages/impact.py",
        label="Assess this event's impact",  # short: a page link does not wrap (cut off at 390 px)
        query_params={"event": event_id},
    )
    if event["status"] == "expected":
        st.caption(
            f"This event is **expected** (date precision: {event['date_precision']}); it may not have happened."
        )
    windows = data.event_windows(ident, event_id)
    about = entity or event["entity"]  # the chosen business's series, else those of the event's business
    if about is not None:  # (and its group's): an event about TikTok Shop says nothing of another company
        family = trends_data.entity_family(about, trends_data.entity_parents(ident))
        windows = windows.filter(pl.col("entity").is_in(sorted(family)))
    if windows.is_empty():
        st.info(
            f"No figures around this event: no entity has actuals in {event['jurisdiction_name'] or event['jurisdiction']} "
            "or the regions under it near this date."
        )
        st.stop()
    series_keys = windows.select("entity", "metric", "grain").unique(maintain_order=True)
    names = widgets.metric_names(ident)
    labels = [f"{e} · {names.get(m, m)} · per {g}" for e, m, g in series_keys.iter_rows()]
    which = st.selectbox("Series", range(len(labels)), format_func=labels.__getitem__, key="window_series")
    series_entity, metric, grain = series_keys.row(which)
    if series_entity != entity:
        widgets.illustrative_caption(ident, series_entity)
    one = windows.filter(
        (pl.col("entity") == series_entity) & (pl.col("metric") == metric) & (pl.col("grain") == grain)
    )
    metric_label = names.get(metric, metric)
    show_chart(event_window_chart(one, event["date"], metric_label), key="window")
    if one["is_overlapping"].any():
        others = sorted(
            {e for ids_ in one["overlapping_event_ids"].to_list() if ids_ for e in ids_} - {event_id}
        )
        st.caption(
            f"Other events fall in the same window ({', '.join(others)}): a change cannot be pinned on one event."
        )
    tables.show_table(
        one.drop("overlapping_event_ids"),
        "event_window",
        grid=shown_as_grids,
        selection={"event_id": event_id, "entity": series_entity, "metric": metric, "grain": grain},
    )
