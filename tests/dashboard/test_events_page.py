"""The Events page (issue 16, fault 7 and 4c/4d): dots labelled where the labels fit, the same event from two
sources drawn once with both sources, the business in the address honoured (`?entity=`, id, label or a loose
spelling) on the Events and Impact pages, and the downloads named after the selection.

Before: every dot was unlabelled (names only in the hover), 19 dots for 15 case-study events, the Events page
ignored `?entity=` (21 dots with the demo), and the Impact page warned "The address asks for entity
'Illustrative Marketplace', which is not offered here" and showed a case-study event."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts.events import events_timeline, label_places, short_label
from dashboard.data.connection import read_sql
from pipelines.devtools.operator_demo import ENTITY, EVENTS
from tests.helpers import open_app


def test_a_short_label_cuts_at_a_word_and_not_after_a_small_word():
    assert short_label("US House passes the divest-or-ban bill (352-65)") == "US House passes…"
    assert short_label("Supreme Court upholds") == "Supreme Court upholds"  # short titles stay whole
    assert short_label("Illustrative: the marketplace's app is banned") == "Illustrative: the marketp…"


@pytest.mark.parametrize(
    ("days", "rows", "places"),
    [
        # far apart on one row: both above, the first reaching right and the last left (not cut off at the
        # axis' ends), one in the middle centred
        ([0, 200, 400], ["US", "US", "US"], ["top right", "top center", "top left"]),
        # close together (on a two-year axis): above, below, then no room (the hover names the third)
        ([300, 303, 306, 0, 700], ["US"] * 5, ["top center", "bottom center", None, "top right", "top left"]),
        # close but on different rows: both above
        ([300, 303, 0, 700], ["US", "CA", "US", "US"], ["top center"] * 2 + ["top right", "top left"]),
    ],
)
def test_labels_go_where_they_fit(days, rows, places):
    frame = pl.DataFrame(
        {
            "date": [date.fromordinal(date(2024, 1, 1).toordinal() + d) for d in days],
            "y": rows,
            "title": ["A law that changes things"] * len(days),
        }
    )
    assert label_places(frame) == places


def case_events(warehouse) -> pl.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(read_sql("catalog/events")).pl()


def test_the_timeline_draws_each_event_once_with_its_labels_and_sources(case_warehouse):
    events = case_events(case_warehouse)
    fig = events_timeline(events)
    dots = sum(len(t.x) for t in fig.data)
    labels = [t for trace in fig.data for t in trace.text if t]
    assert dots == events.height == 15  # 19 reports, 4 of them second reports of an event
    assert len(labels) >= 8  # at least half the dots are named on the chart
    order = next(t for t in fig.data if t.name == "order")  # Canada's wind-up, from CTV News and the brief
    hover = order.customdata[0]
    assert "CTV News [ctvnews-2024-11-06]" in hover[3] and "brief-2024-11-tw-wsj" in hover[3]
    assert "reported as EV07, BRE03" in hover[4]


def open_with(warehouse: Path, page: str, monkeypatch, **params) -> AppTest:
    """A fresh session opened on `page` with the address's `params`, as a pasted link opens it."""
    return open_app(monkeypatch, warehouse, page, **params)


def timeline_ids(at: AppTest) -> list[str]:
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [t["name"] for t in fig["data"]], sum(len(t["x"]) for t in fig["data"])


@pytest.mark.parametrize("given", [ENTITY, "illustrative-marketplace"])
def test_the_events_page_shows_the_business_in_the_address(demo_build, monkeypatch, given):
    at = open_with(demo_build["warehouse"], "app_pages/events.py", monkeypatch, entity=given)
    assert at.sidebar.selectbox(key="entity").value == ENTITY
    assert not at.warning, [w.value for w in at.warning]
    names, dots = timeline_ids(at)
    assert dots == len(EVENTS)  # the demo's own events only, not the case study's
    assert at.selectbox(key="event").value in {e.event_id for e in EVENTS}


def test_the_impact_page_takes_the_business_in_the_address(demo_build, monkeypatch):
    at = open_with(demo_build["warehouse"], "app_pages/impact.py", monkeypatch, entity=ENTITY)
    assert not at.warning, [w.value for w in at.warning]
    assert at.sidebar.selectbox(key="impact_event").value in {e.event_id for e in EVENTS}
    assert at.sidebar.selectbox(key="impact_entity").value == ENTITY


def test_a_second_report_of_an_event_opens_the_event(case_warehouse, monkeypatch):
    at = open_with(case_warehouse, "app_pages/impact.py", monkeypatch, event="BRE03")
    assert at.sidebar.selectbox(key="impact_event").value == "EV07"
    options = at.sidebar.selectbox(key="impact_event").options
    assert not any("BRE03" in o or "dissolve its Canadian operations" in o for o in options)
    captions = "\n".join(str(c.value) for c in at.caption)
    assert (
        "Also reported by Taiwanese business daily \\(citing WSJ\\) (event BRE03)" in captions
    )  # md-escaped
